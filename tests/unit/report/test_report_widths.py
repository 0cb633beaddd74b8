"""Column widths fitted to the cells' text (crawler.report.widths)."""

from __future__ import annotations

import pytest

from crawler.report.widths import fit_widths, text_width

SITES = [
    ["序号", "1", "2", "20"],
    ["网站名称", "济源市人民政府", "济源产城融合示范区人力资源和社会保障局网站"],
    ["检查结果", "合格", "无法判定"],
    ["存在问题", "无问题", "安全生产、宣传教育、防火防汛抗旱应更新但长期未更新"],
]


@pytest.mark.parametrize(
    ("text", "width"),
    [("", 0), ("序号", 4), ("20", 2), ("IPv6", 4), ("≥126", 5), ("“两微一端”", 12), ("，", 2)],
)
def test_text_width_counts_half_ems(text: str, width: int) -> None:
    assert text_width(text) == width


def test_the_widths_sum_to_the_total_and_follow_the_content() -> None:
    number, name, result, problems = fit_widths(SITES, 8844, half_em=120, padding=250)
    assert number + name + result + problems == 8844
    assert number >= 4 * 120 + 250  # 序号 on one line
    assert result >= 8 * 120 + 250  # 无法判定 on one line
    assert name > 2 * result
    assert problems > name  # the longest texts get the most


def test_a_narrow_table_is_widened_in_proportion_or_kept() -> None:
    columns = [["序号", "1"], ["单位名称", "审计局"]]
    stretched = fit_widths(columns, 1000, half_em=10, padding=0)
    assert sum(stretched) == 1000
    assert stretched == [333, 667]
    assert fit_widths(columns, 1000, half_em=10, padding=0, stretch=False) == [40, 80]


def test_a_table_too_wide_for_its_short_cells_is_shrunk_in_proportion() -> None:
    columns = [["序号"], ["检查结果"], ["存在问题"]]
    assert fit_widths(columns, 100, half_em=10, padding=0) == [20, 40, 40]


@pytest.mark.parametrize("total", [1, 7, 100, 8844])
def test_the_widths_are_whole_and_add_up(total: int) -> None:
    widths = fit_widths(SITES, total, half_em=3.3, padding=1.7)
    assert sum(widths) == total
    assert all(isinstance(w, int) and w >= 0 for w in widths)


def test_no_columns_no_widths() -> None:
    assert fit_widths([], 100, half_em=1, padding=0) == []
