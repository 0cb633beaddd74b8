"""The docs keep up with the code: every finding code and every command is documented."""

from __future__ import annotations

import re
from pathlib import Path

import click

import rules.freshness
from crawler.cli import main

ROOT = Path(__file__).parents[2]


def finding_codes() -> set[str]:
    source = Path(rules.freshness.__file__).read_text(encoding="utf-8")
    return set(re.findall(r'"((?:column|site)-[a-z-]+)"', source))


def test_every_finding_code_is_documented() -> None:
    docs = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    codes = finding_codes()
    assert len(codes) >= 9
    missing = sorted(code for code in codes if f"`{code}`" not in docs)
    assert not missing, f"docs/rules.md does not document {missing}"


def test_every_command_is_documented() -> None:
    docs = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    for name, command in main.commands.items():
        if isinstance(command, click.Group):
            for sub in command.commands:
                assert f"crawl {name} {sub}" in docs
        else:
            assert f"crawl {name}" in docs


def test_readme_names_the_two_commands_first() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first_block = readme.split("```", 2)[1]
    assert "scripts/demo" in first_block
    assert "scripts/test" in first_block
