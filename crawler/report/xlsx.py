"""The notice as a workbook (openpyxl): a 正文 sheet with the text, and one sheet per 附件.

Every cell is in a Chinese font (宋体), headers bold, columns sized to their content. The 附件3
sheet holds its two tables one under the other, each under its caption row.
"""

from __future__ import annotations

import io
from typing import Any

from crawler.report.document import Attachment, Notice

__all__ = ["CELL_FONT", "render_xlsx"]

CELL_FONT = "宋体"


def _width(value: object) -> float:
    text = str(value or "")
    return sum(2.0 if ord(ch) > 0x2E7F else 1.1 for ch in text)


def _fill(sheet: Any, attachment: Attachment) -> None:
    sheet.append([f"附件{attachment.number}"])
    sheet.append([attachment.title])
    if attachment.note:
        sheet.append([attachment.note])
    if not any(table.rows for table in attachment.tables):
        sheet.append([attachment.empty])
        return
    for n, table in enumerate(attachment.tables):
        if n:
            sheet.append([])
        if table.caption:
            sheet.append([table.caption])
        sheet.append(list(table.headers))
        for row in table.rows:
            sheet.append(list(row))


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
    body.append(["附件:"])
    for attachment in notice.attachments:
        body.append([f"{attachment.number}.{attachment.title}"])
    body.column_dimensions["A"].width = 100
    sheets = [body]
    for attachment in notice.attachments:
        sheet = workbook.create_sheet(f"附件{attachment.number}")
        _fill(sheet, attachment)
        sheets.append(sheet)
    headers = {"序号", "网站名称", "名称", "单位名称", "镇办名称"}
    for sheet in sheets:
        for row in sheet.iter_rows():
            bold = row[0].value in headers or row[0].row <= 2
            for cell in row:
                cell.font = Font(name=CELL_FONT, bold=bold)
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        if sheet is body:
            continue
        for column in sheet.columns:
            # The title rows span the sheet: size the columns by the table cells only.
            width = max((_width(c.value) for c in column if c.row > 3), default=8)
            sheet.column_dimensions[column[0].column_letter].width = min(60, max(6, width + 2))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
