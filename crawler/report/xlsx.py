"""The notice as a workbook (openpyxl): a 正文 sheet with the text, and one sheet per 附件.

Every cell is in a Chinese font (宋体), the tables' header rows bold. Each table has thin
borders; an attachment of one table keeps its header row in view (frozen below it) and prints
it again at the top of every page. The 附件3 sheet holds its two tables one under the other,
each under its caption row, the second starting a new printed page. Columns are fitted to their
content (``crawler.report.widths``) within the printed width. Printed, every sheet is A4
portrait with the 公文 margins, scaled to the page's width, with "— N —" at the foot.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from crawler.report.document import Attachment, Notice
from crawler.report.widths import SHORT_CELL, fit_widths, text_width

__all__ = ["CELL_FONT", "MARGINS_MM", "PRINT_WIDTH", "render_xlsx"]

CELL_FONT = "宋体"
PRINT_WIDTH = 84  # Excel's character widths across A4's 156 mm text width
MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}
_FOOTER_MM = 23


@dataclass(frozen=True, slots=True)
class _Placed:
    """Where a table landed on its sheet: its first row (caption or header), header, last."""

    first: int
    header: int
    last: int
    columns: int


def _fill(sheet: Any, attachment: Attachment) -> list[_Placed]:
    rows = 0

    def add(values: list[Any]) -> int:
        nonlocal rows
        sheet.append(values)
        rows += 1
        return rows

    add([f"附件{attachment.number}"])
    add([attachment.title])
    if attachment.note:
        add([attachment.note])
    if not any(table.rows for table in attachment.tables):
        add([attachment.empty])
        return []
    placed = []
    for n, table in enumerate(attachment.tables):
        if n:
            add([])
        first = add([table.caption]) if table.caption else rows + 1
        header = add(list(table.headers))
        for row in table.rows:
            add(list(row))
        placed.append(_Placed(first, header, rows, len(table.headers)))
    return placed


def _print_setup(sheet: Any) -> None:
    """A4 portrait, the 公文 margins, one page wide, "— N —" at the foot."""
    from openpyxl.worksheet.page import PageMargins

    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "portrait"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # as many pages down as it takes
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    inches = {side: mm / 25.4 for side, mm in MARGINS_MM.items()}
    sheet.page_margins = PageMargins(**inches, header=0.3, footer=_FOOTER_MM / 25.4)
    sheet.print_options.horizontalCentered = True
    sheet.oddFooter.center.text = "— &P —"
    sheet.oddFooter.center.font = CELL_FONT


def _tables(sheet: Any, placed: list[_Placed]) -> None:
    """Borders, header rows, widths; the header frozen and repeated when there is one table."""
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.pagebreak import Break

    thin = Side(style="thin", color="000000")
    grid = Border(left=thin, right=thin, top=thin, bottom=thin)
    shade = PatternFill("solid", fgColor="EEEEEE")
    width = max(table.columns for table in placed)
    columns: list[list[str]] = [[] for _ in range(width)]
    for table in placed:
        for row in sheet.iter_rows(min_row=table.header, max_row=table.last, max_col=width):
            for n, cell in enumerate(row):
                if cell.value is not None:
                    columns[n].append(str(cell.value))
    short = [all(text_width(text) <= SHORT_CELL for text in texts[1:]) for texts in columns]
    for table in placed:
        for row in sheet.iter_rows(min_row=table.header, max_row=table.last, max_col=width):
            for n, cell in enumerate(row[: table.columns]):
                header = cell.row == table.header
                cell.border = grid
                cell.font = Font(name=CELL_FONT, bold=header)
                centre = header or short[n] or isinstance(cell.value, int)
                cell.alignment = Alignment(
                    wrap_text=True, vertical="center", horizontal="center" if centre else "left"
                )
                if header:
                    cell.fill = shade
    fitted = fit_widths(columns, PRINT_WIDTH, half_em=1.0, padding=1.5, stretch=False)
    for n, fit in enumerate(fitted, 1):
        sheet.column_dimensions[get_column_letter(n)].width = fit
    if len(placed) == 1:
        sheet.freeze_panes = f"A{placed[0].header + 1}"
        sheet.print_title_rows = f"{placed[0].header}:{placed[0].header}"
    for table in placed[1:]:
        sheet.row_breaks.append(Break(id=table.first - 1))


def _titles(sheet: Any, placed: list[_Placed]) -> None:
    """The rows outside the tables (附件N, title, note, captions) span the table's width."""
    from openpyxl.styles import Alignment, Font

    width = max((table.columns for table in placed), default=1)
    in_table = {r for table in placed for r in range(table.header, table.last + 1)}
    for row in range(1, sheet.max_row + 1):
        if row in in_table:
            continue
        cell = sheet.cell(row=row, column=1)
        cell.font = Font(name=CELL_FONT, bold=row <= 2, size=14 if row == 2 else 11)
        cell.alignment = Alignment(horizontal="left" if row == 1 else "center", wrap_text=True)
        if row > 1 and cell.value is not None and width > 1:
            sheet.merge_cells(start_row=row, end_row=row, start_column=1, end_column=width)


def render_xlsx(notice: Notice) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    workbook = Workbook()
    body = workbook.active
    body.title = "正文"
    body.append([notice.title])
    body.append([notice.intro])
    for section in notice.sections:
        body.append([section.heading])
        for paragraph in section.paragraphs:
            body.append([paragraph.lead + paragraph.text])
    body.append(["附件："])
    for attachment in notice.attachments:
        body.append([f"{attachment.number}.{attachment.title}"])
    body.column_dimensions["A"].width = PRINT_WIDTH
    for row in body.iter_rows():
        for cell in row:
            cell.font = Font(name=CELL_FONT, bold=cell.row == 1)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    _print_setup(body)
    for attachment in notice.attachments:
        sheet = workbook.create_sheet(f"附件{attachment.number}")
        placed = _fill(sheet, attachment)
        if placed:
            _tables(sheet, placed)
        _titles(sheet, placed)
        _print_setup(sheet)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
