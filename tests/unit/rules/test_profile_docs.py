"""docs/rules.md documents every rule of the bundled profiles and every measure."""

from __future__ import annotations

from pathlib import Path

from rules.measures import MEASURES
from rules.profile_files import bundled_profiles, load_profile

DOCS = (Path(__file__).parents[3] / "docs" / "rules.md").read_text(encoding="utf-8")


def test_every_bundled_rule_is_documented() -> None:
    codes = {rule.code for name in bundled_profiles() for rule in load_profile(name).rules}
    assert "account-weekly-posts" in codes
    missing = sorted(code for code in codes if f"`{code}`" not in DOCS)
    assert not missing, f"docs/rules.md does not document {missing}"


def test_every_measure_is_documented() -> None:
    missing = sorted(name for name in MEASURES if f"`{name}`" not in DOCS)
    assert not missing, f"docs/rules.md does not document the measures {missing}"


def test_every_bundled_rule_names_its_source() -> None:
    for name in bundled_profiles():
        for rule in load_profile(name).rules:
            assert rule.source.strip(), rule.code
