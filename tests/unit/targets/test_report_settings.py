"""The targets file's ``report:`` section: what a notice says of its office, and its errors."""

from __future__ import annotations

import pytest

from crawler.targets import TargetsError, parse_targets
from crawler.targets.report import DEFAULT_BANDS, DEFAULT_LEVELS, ReportSettings

SITES = """
version: 1
sites:
  - id: jyty
    name: 教育体育局
    homepage: http://127.0.0.1:8000/
"""


def _problems(text: str) -> list[str]:
    with pytest.raises(TargetsError) as caught:
        parse_targets(text, source="t.yaml")
    return caught.value.problems


def test_without_the_section_the_defaults() -> None:
    settings = parse_targets(SITES).report
    assert settings == ReportSettings()
    assert settings.bands == DEFAULT_BANDS
    assert dict(settings.levels) == dict(DEFAULT_LEVELS)
    assert (settings.example_sites, settings.example_accounts) == (3, 3)


def test_every_key() -> None:
    text = (
        SITES
        + """
report:
  office: 示范区管委会办公室
  region: 示范区
  documents:
    - 《国务院办公厅关于印发政府网站发展指引的通知》（国办发〔2017〕47号）
    - 《国务院办公厅关于推进政务新媒体健康有序发展的意见》（国办发〔2018〕123号）
  portal: jyty
  levels: {town: 乡镇街道}
  tables: {town: 乡镇、街道}
  bands: [150, 80, 15, 5]
  examples: {sites: 2}
"""
    )
    settings = parse_targets(text).report
    assert settings.office == "示范区管委会办公室"
    assert settings.region == "示范区"
    assert len(settings.documents) == 2
    assert settings.portal == "jyty"
    assert settings.levels["town"] == "乡镇街道"
    assert settings.levels["department"] == "区管委会部门"  # the others keep their default
    assert settings.tables["town"] == "乡镇、街道"
    assert settings.bands == (150, 80, 15, 5)
    assert (settings.example_sites, settings.example_accounts) == (2, 3)


@pytest.mark.parametrize(
    ("section", "expected"),
    [
        ("  portal: nope\n", "report.portal: no site with id 'nope' — known ids: jyty"),
        ("  bands: [10, 20, 100, 200]\n", "report.bands: [10, 20, 100, 200] — give four counts"),
        ("  bands: [200, 100]\n", "report.bands"),
        ("  examples: {sites: -1}\n", "report.examples.sites"),
        ("  colour: red\n", "report.colour: unknown key"),
        ("  levels: {county: 县}\n", "report.levels.county: unknown key"),
        ("  documents: ['  ']\n", "report.documents: a document is empty"),
    ],
)
def test_mistakes_name_the_key(section: str, expected: str) -> None:
    problems = _problems(SITES + "report:\n" + section)
    assert any(expected in problem for problem in problems), problems
