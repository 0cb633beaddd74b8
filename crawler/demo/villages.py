"""The demo's 550 村居: the villages and communities of the 18 towns, each a 政务公开 unit.

Section 三 of the notice counts 591 专栏 — 23 departments, 18 towns and 550 村居 — and 2361
items, of which 附件3's departments and towns hold 649 + 1546: the villages published the other
166 in the quarter. Nine named villages (``NAMED_VILLAGES``) hold those 166 and carry the
problems of 三(二) that are the villages' (王屋镇's village overviews are over two years old,
as are those of every 王屋镇 village); the other 541 are generated (``village_rows``), named
from common place-name parts (…村 under a town, …社区 under a 街道 or a 开发区), and published
nothing in the quarter: their lists hold older items only. A village's 专栏 is served by its
town's host, under ``/cun/<id>/`` (``crawler.demo.disclosure``).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

__all__ = ["NAMED_VILLAGES", "VILLAGES_PER_TOWN", "VillageRow", "village_rows"]

VillageRow = tuple[str, str, str, int]
"""id, name, town id, items dated in the quarter."""

# The named villages: together 2361 − 649 − 1546 = 166 items in the quarter.
NAMED_VILLAGES: tuple[VillageRow, ...] = (
    ("wwz-wwc", "王屋村", "wwz", 30),
    ("wwz-ygc", "愚公村", "wwz", 25),
    ("wwz-xmc", "西门村", "wwz", 21),
    ("kjz-zmc", "枣庙村", "kjz", 20),
    ("kjz-xzc", "勋掌村", "kjz", 18),
    ("slz-shcc", "水洪池村", "slz", 16),
    ("slz-slc", "思礼村", "slz", 14),
    ("yqjd-nyc", "南姚村", "yqjd", 12),
    ("yqjd-dsc", "大社村", "yqjd", 10),
)

# Town id → its 村居 (the named ones included), in 附件3's order of the towns: 550 in all.
VILLAGES_PER_TOWN: Mapping[str, int] = MappingProxyType(
    {
        "xyz": 32, "zcz": 42, "kjz": 48, "syz": 40, "slz": 26, "ttjd": 24,
        "bhjd": 22, "clz": 36, "wlkz": 44, "jkq": 12, "yqjd": 26, "ptz": 40,
        "qyjd": 20, "gxq": 10, "dyz": 30, "llz": 34, "jsjd": 22, "wwz": 42,
    }
)  # fmt: skip

_FIRST = "东西南北上下前后大小新老中高张王李刘赵杨柳桃枣石马龙凤白黄青"
_SECOND = "庄河岭沟坡峪泉店寨头湾桥营屯窑口"


def _suffix(town_name: str) -> str:
    return "社区" if town_name.endswith(("街道", "开发区")) else "村"


def village_rows(towns: Mapping[str, str]) -> tuple[VillageRow, ...]:
    """Every 村居 of ``towns`` (id → name, in order): the named villages first in each town,
    then the generated ones, ``VILLAGES_PER_TOWN`` in all; the same every time."""
    rows: list[VillageRow] = []
    for offset, (town_id, town_name) in enumerate(towns.items()):
        named = [row for row in NAMED_VILLAGES if row[2] == town_id]
        rows += named
        taken = {name for _, name, _, _ in named}
        suffix = _suffix(town_name)
        wanted = VILLAGES_PER_TOWN.get(town_id, 0) - len(named)
        # walk the name parts from a place of the town's own, so towns differ
        step = 0
        number = 0
        while number < wanted:
            first = _FIRST[(offset * 5 + step) % len(_FIRST)]
            second = _SECOND[(offset * 3 + step // len(_FIRST) + step) % len(_SECOND)]
            step += 1
            name = f"{first}{second}{suffix}"
            if name in taken:
                continue
            taken.add(name)
            number += 1
            rows.append((f"{town_id}-{number:03d}", name, town_id, 0))
    return tuple(rows)
