"""The notice as Markdown: headings, paragraphs and pipe tables, ready to paste and edit."""

from __future__ import annotations

from crawler.report.document import Attachment, Notice, Table

__all__ = ["render_markdown"]


def _cell(value: str | int) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def _table(table: Table) -> list[str]:
    lines = [f"**{table.caption}**", ""] if table.caption else []
    lines.append("| " + " | ".join(table.headers) + " |")
    lines.append("|" + "|".join("---" for _ in table.headers) + "|")
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in table.rows]
    return [*lines, ""]


def _attachment(attachment: Attachment) -> list[str]:
    lines = [f"## 附件{attachment.number}：{attachment.title}", ""]
    if attachment.note:
        lines += [attachment.note, ""]
    if not any(table.rows for table in attachment.tables):
        return [*lines, attachment.empty, ""]
    for table in attachment.tables:
        lines += _table(table)
    return lines


def render_markdown(notice: Notice) -> str:
    lines = [f"# {notice.title}", "", notice.intro, ""]
    for section in notice.sections:
        lines += [f"## {section.heading}", ""]
        for paragraph in section.paragraphs:
            lead = f"**{paragraph.lead}**" if paragraph.lead else ""
            lines += [lead + paragraph.text, ""]
    lines += ["附件：", ""]
    lines += [f"{a.number}. {a.title}" for a in notice.attachments]
    lines.append("")
    for attachment in notice.attachments:
        lines += _attachment(attachment)
    return "\n".join(lines).rstrip("\n") + "\n"
