"""The targets file for a running demo fleet, in the shape ``crawler.targets`` loads.

A fleet with 政务新媒体 accounts adds the top-level ``rsshub`` and ``weibo_api`` base URLs and
an ``accounts`` list, each account's ``source`` an RSSHub route or a Weibo uid.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping

from crawler.demo.account_feeds import rsshub_route
from crawler.demo.board import BOARD_KIND, BOARD_NAME, BOARD_PATH, BOARD_REPLY_DAYS
from crawler.demo.model import AccountSource, DemoAccount, Fleet
from crawler.demo.platform_pages import platform_path
from crawler.demo.styles import style_for
from rules.model import Category

__all__ = ["render_targets"]

_PLAIN = re.compile(r"^[A-Za-z\u4e00-\u9fff][\w\u4e00-\u9fff./:-]*$")
_YAML_WORDS = frozenset({"yes", "no", "on", "off", "true", "false", "null", "y", "n", "~"})


def _scalar(value: str) -> str:
    """``value`` as a YAML scalar: plain when unambiguous, else double-quoted."""
    if _PLAIN.match(value) and value.lower() not in _YAML_WORDS:
        return value
    return json.dumps(value, ensure_ascii=False)


def render_targets(
    fleet: Fleet,
    base_urls: Mapping[str, str],
    *,
    rsshub_url: str | None = None,
    weibo_api_url: str | None = None,
) -> str:
    """A complete targets file for ``fleet`` served at ``base_urls`` (site id → homepage),
    its accounts at ``rsshub_url`` and ``weibo_api_url`` (both needed when it has any)."""
    lines = [
        "# The xunjian demo fleet: the 20 sites of 附件1 (2022年第二季度政府网站检查情况),",
        f"# simulated on this machine and dated relative to {fleet.today.isoformat()}.",
        "version: 1",
    ]
    if any(site.id == NOTICE_PORTAL for site in fleet.sites):
        lines += _report_section()
    if fleet.accounts:
        if rsshub_url is None or weibo_api_url is None:
            raise ValueError(
                "a fleet with accounts needs rsshub_url and weibo_api_url: serve it first"
            )
        lines += [
            "# The 98 政务新媒体 of 附件2 (2022年第二季度政务新媒体检查情况), served on two ports,",
            "# judged by the local profile of the notice (每周更新少于2次 −5).",
            "profile: jiyuan",
            f"rsshub: {rsshub_url}",
            f"weibo_api: {weibo_api_url}",
        ]
    lines.append("sites:")
    for site in fleet.sites:
        homepage = base_urls[site.id]
        origin = homepage.rstrip("/")
        style = style_for(site.style)
        lines += [
            f"  - id: {site.id}",
            f"    name: {_scalar(site.name)}",
            f"    homepage: {homepage}",
            f'    site_code: "{site.site_code}"',
            f"    unit: {_scalar(site.unit)}",
            "    robots: respect",
            "    columns:",
        ]
        for column in site.columns:
            lines += [
                f"      - id: {column.id}",
                f"        name: {_scalar(column.name)}",
                f"        url: {origin}{style.column_path(column)}",
                f"        category: {column.category.value}",
            ]
            if column.category is Category.UPDATE:
                lines.append(f"        max_age_days: {column.max_age_days}")
        if site.letters:
            lines += [
                "    boards:",
                "      - id: wszx",
                f"        name: {BOARD_NAME}",
                f"        kind: {BOARD_KIND}",
                f"        url: {origin}{BOARD_PATH}",
                f"        reply_days: {BOARD_REPLY_DAYS}",
            ]
    if fleet.accounts:
        lines.append("accounts:")
    for account in fleet.accounts:
        if account.source is AccountSource.WEIBO_UID:
            source = f"{{weibo_uid: {json.dumps(account.handle)}}}"
        elif account.source is AccountSource.PAGE:
            assert rsshub_url is not None  # checked above
            source = f"{{page: {_scalar(rsshub_url.rstrip('/') + platform_path(account))}}}"
        else:
            source = f"{{rsshub: {_scalar(rsshub_route(account))}}}"
        lines += [
            f"  - id: {account.id}",
            f"    name: {_scalar(account.name)}",
            f"    platform: {_platform(account)}",
            f"    unit: {_scalar(account.unit)}",
            f"    source: {source}",
        ]
    return "\n".join(lines) + "\n"


NOTICE_PORTAL = "jiyuan-gov"
NOTICE_OFFICE = "示范区管委会办公室"
NOTICE_REGION = "示范区"
NOTICE_DOCUMENTS = (
    "《国务院办公厅关于印发政府网站发展指引的通知》（国办发〔2017〕47号）",
    "《国务院办公厅关于推进政务新媒体健康有序发展的意见》（国办发〔2018〕123号）",
    "《河南省人民政府办公厅关于推进政务新媒体健康有序发展的通知》（豫政办明电〔2019〕28号）",
    "《国务院办公厅政府信息与政务公开办公室关于规范政府信息公开平台有关事项的通知》"
    "（国办公开办函〔2019〕61号）",
)


def _report_section() -> list[str]:
    """The notice's own words, as the office of the seed notice writes them: who inspected,
    the documents it cites, the area and its portal."""
    lines = [
        "# The notice's own words (crawl report), as the 2022 Q2 notice has them.",
        "report:",
        f"  office: {NOTICE_OFFICE}",
        f"  region: {NOTICE_REGION}",
        "  documents:",
    ]
    lines += [f"    - {_scalar(document)}" for document in NOTICE_DOCUMENTS]
    lines.append(f"  portal: {NOTICE_PORTAL}")
    # as the notice: its platform's three levels, and two sites named in 一(二)
    lines.append("  platform: 市、镇、村三级政务公开平台")
    lines.append("  examples: {sites: 2, accounts: 3}")
    return lines


def _platform(account: DemoAccount) -> str:
    """订阅号 and 服务号 name the platform (微信) and the 类型 the notices print."""
    return account.kind if account.kind in ("订阅号", "服务号") else account.platform.value
