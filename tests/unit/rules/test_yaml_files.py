"""``load_yaml`` reads plain YAML from the parser's events: the same data and the same errors
as the safe loader it stands in for, on every text."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from rules.yaml_files import _load_plain, _UniqueKeyLoader, load_yaml

ROOT = Path(__file__).parents[3]


def _loaded(load: Any, text: str) -> tuple[str, Any]:
    try:
        return "data", load(text)
    except (yaml.YAMLError, ValueError) as exc:
        return type(exc).__name__, str(exc)


def _by_loader(text: str) -> Any:
    return yaml.load(text, Loader=_UniqueKeyLoader)


def _same(a: Any, b: Any) -> bool:
    """Equal, with the same types all the way down (1 is not True, 1.0 is not 1)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        keys_a, keys_b = list(a), list(b)
        return _same(keys_a, keys_b) and all(_same(a[k], b[k]) for k in keys_a)
    if isinstance(a, list):
        return len(a) == len(b) and all(map(_same, a, b))
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    return bool(a == b)


def _assert_as_the_loader(text: str) -> None:
    (kind, got), (expected_kind, expected) = _loaded(load_yaml, text), _loaded(_by_loader, text)
    assert kind == expected_kind, text
    assert _same(got, expected) if kind == "data" else got == expected, text


PLAIN = [
    "a",
    "key:\n",
    "version: 1\nsites:\n  - id: a\n    columns: []\n",
    "a: {b: {c: [d, {e: f}]}}\nx: [1, 2]\n",
    "-\n  - 1\n  -\n",
    "n: [1, 2.5, .inf, .nan, -0x1f, 0o17, 010, 0b101, 1_000, 1:20, +12, 1e3, 1.0e+3]",
    "b: [yes, No, on, OFF, true, ~, null, '']",
    "d: [2024-01-02, 2024-01-02 10:00:00+08:00, '2024-01-02', \"x\\ty\"]",
    "x: |\n  lit\n  eral\nz: >\n  fold\n  ed\n",
    "%YAML 1.1\n---\na: 1\n...\n",
    "\ufeffa: 1",
    "a: ! 12",
    "{1: a, 1.0: b}",
    "{true: a, 1: b}",
    "a: 1\nb: 2\na: 3\n",
    "a: 'x'\n'a': y",
]
BEYOND = [
    "",
    "- &x 1\n- *x",
    "!!str 1",
    "a: !!binary aGVsbG8=",
    "a: !!set {x, y}",
    "? [1]\n: 2",
    "a: =",
    "--- 1\n--- 2",
    "base: &b {k: 1, j: 2}\nm:\n  <<: *b\n  k: 3\n",
    "a: !!python/object:os.system x",
    "a: !custom 1",
    "a: [1, 2",
    "a:\n  b: 1\n c: 2",
    ": v",
    "a: b: c",
    "a: 2024-13-01",  # a date the constructor refuses (ValueError, as from the loader)
    "a: 2024-13-01\nb: [",
]


@pytest.mark.parametrize("text", PLAIN + BEYOND)
def test_the_data_and_the_errors_are_the_loaders(text: str) -> None:
    _assert_as_the_loader(text)


@pytest.mark.parametrize("text", PLAIN[:11])
def test_plain_yaml_is_read_from_the_events(text: str) -> None:
    assert _same(_load_plain(text), _by_loader(text))


def test_the_example_targets_file_is_plain() -> None:
    text = (ROOT / "targets.example.yaml").read_text(encoding="utf-8")
    assert _same(_load_plain(text), _by_loader(text))


# Pieces that make YAML's every construct, and most of its errors, when strung together.
PIECES = [":", "-", " ", "  ", "\n", "'", '"', "[", "]", "{", "}", ",", "#", "&a", "*a", "!"]
PIECES += ["?", "<<", "|", ">", "a", "b", "1", "yes", "~", "2024-01-01", "0x1", "\t"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=30).map("".join))
def test_any_text_reads_as_the_loader_reads_it(text: str) -> None:
    _assert_as_the_loader(text)
