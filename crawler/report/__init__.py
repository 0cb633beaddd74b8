"""The quarterly inspection notice (通报), rendered from the findings export.

``parse_export`` reads an export document (docs/findings-schema.md) into ``ReportData``;
``build_notice`` writes the notice's text and attachments from it (``text`` holds the
sentences); ``render`` gives Markdown or HTML text, or DOCX or XLSX bytes. Nothing here reads
storage or the network: any tool holding an export can render the same report.
"""

from __future__ import annotations

from collections.abc import Mapping

from crawler.report.document import Notice, build_notice
from crawler.report.model import ReportData, ReportDataError
from crawler.report.reading import parse_export
from crawler.targets.report import ReportSettings

__all__ = [
    "FORMATS",
    "Notice",
    "ReportData",
    "ReportDataError",
    "build_notice",
    "parse_export",
    "render",
]

FORMATS = ("md", "html", "docx", "xlsx")


def render(
    data: ReportData,
    output_format: str,
    *,
    region: str | None = None,
    portal: str | None = None,
    settings: ReportSettings | None = None,
    charts: bool = False,
    screenshots: Mapping[str, bytes] | None = None,
) -> str | bytes:
    """The notice in ``output_format``: text for md and html, bytes for docx and xlsx.
    ``settings`` are the targets file's ``report:`` section (``region`` and ``portal`` win).
    ``charts`` adds the HTML page's 图表 section, ``screenshots`` (images by sha256) its
    附：问题页面截图 (HTML only)."""
    if charts and output_format != "html":
        raise ValueError(f"charts are drawn in the HTML report only, not in {output_format!r}")
    notice = build_notice(data, region=region, portal=portal, settings=settings or ReportSettings())
    if output_format == "md":
        from crawler.report.markdown import render_markdown

        return render_markdown(notice)
    if output_format == "html":
        from crawler.report.html import render_html

        return render_html(notice, data, charts=charts, screenshots=screenshots)
    if output_format == "docx":
        from crawler.report.docx import render_docx

        return render_docx(notice)
    if output_format == "xlsx":
        from crawler.report.xlsx import render_xlsx

        return render_xlsx(notice)
    raise ValueError(f"unknown report format {output_format!r} — use one of {', '.join(FORMATS)}")
