"""互动交流 in the notice: 二's 网民咨询 and 我为政府网站找错 sentences, from the export's
``interaction`` section (``crawler.output.interaction``).

The seed's words: "网民咨询办理方面，各部门共受理网民咨询83个，办结80个，办结率96%。收到
“我为政府网站找错”留言3条，按期处理3条。" The consult counts are the portal's consult
boards' (咨询, 投诉, 建议, 信箱); a board that could not be read is said so, never counted
as zero. The 找错 counts are the portal's imported reports; without any, nothing is said.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from crawler.report.model import Interaction, ReportDataError

__all__ = ["interaction_sentence", "parse_interaction"]


def _int(value: Any, where: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise ReportDataError(f"export.interaction.{where}: expected a whole number")
    return value


def _names(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, Sequence) or isinstance(value, str):
        raise ReportDataError(f"export.interaction.{where}: expected a list of names")
    return tuple(str(name) for name in value)


def parse_interaction(value: Any) -> Interaction:
    """The section as the report reads it; ``ReportDataError`` when it is malformed."""
    if not isinstance(value, Mapping):
        raise ReportDataError("export.interaction: expected an object")
    consult = value.get("consult") or {}
    zhaocuo: dict[str, tuple[int, int]] = {}
    for n, row in enumerate(value.get("zhaocuo") or ()):
        if not isinstance(row, Mapping):
            raise ReportDataError(f"export.interaction.zhaocuo[{n}]: expected an object")
        zhaocuo[str(row.get("site"))] = (
            _int(row.get("received"), f"zhaocuo[{n}].received"),
            _int(row.get("on_time"), f"zhaocuo[{n}].on_time"),
        )
    return Interaction(
        portal=consult.get("site"),
        consult_boards=_names(consult.get("boards", ()), "consult.boards"),
        consult_unread=_names(consult.get("unread", ()), "consult.unread"),
        received=_int(consult.get("received", 0), "consult.received"),
        answered=_int(consult.get("answered", 0), "consult.answered"),
        rate_text=str(consult.get("rate_text") or "—"),
        zhaocuo=zhaocuo,
    )


def interaction_sentence(interaction: Interaction | None, portal: str | None) -> str:
    """二's sentences on 网民咨询 and 找错 for the portal site ``portal`` ("" when there is
    nothing to say)."""
    if interaction is None:
        return ""
    text = ""
    if interaction.consult_boards and interaction.portal == (portal or interaction.portal):
        if len(interaction.consult_unread) == len(interaction.consult_boards):
            names = "、".join(interaction.consult_unread)
            text += f"网民咨询办理方面，{names}栏目本期未能读取，办理情况无检查数据。"
        else:
            text += (
                f"网民咨询办理方面，各部门共受理网民咨询{interaction.received}个，"
                f"办结{interaction.answered}个，办结率{interaction.rate_text}。"
            )
            if interaction.consult_unread:
                names = "、".join(interaction.consult_unread)
                text += f"（{names}栏目本期未能读取，未计入。）"
    site = portal or interaction.portal
    if site is not None and site in interaction.zhaocuo:
        received, on_time = interaction.zhaocuo[site]
        text += f"收到“我为政府网站找错”留言{received}条，按期处理{on_time}条。"
    return text
