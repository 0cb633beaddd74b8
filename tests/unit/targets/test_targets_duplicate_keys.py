"""A key given twice in the targets YAML: an error naming the line and key, not a silent drop."""

from __future__ import annotations

import pytest

from crawler.targets import TargetsError, parse_targets
from rules.yaml_files import DuplicateKeyError, load_yaml

SITE = """
  - id: a
    name: A
    homepage: http://127.0.0.1:8000/
    columns: []
"""


def test_a_top_level_key_given_twice() -> None:
    text = f"version: 1\nsites:{SITE}profile: national-2019\nsites:{SITE}"
    with pytest.raises(TargetsError) as caught:
        parse_targets(text, source="t.yaml")
    message = str(caught.value)
    assert message.startswith("t.yaml: line 8: key 'sites' is given twice (first on line 2)")
    assert "merge" in message


def test_a_nested_key_given_twice() -> None:
    text = "sites:\n  - id: a\n    name: A\n    name: B\n    homepage: http://127.0.0.1/\n"
    with pytest.raises(
        TargetsError, match=r"line 4: key 'name' is given twice \(first on line 3\)"
    ):
        parse_targets(text, source="t.yaml")


def test_merge_keys_may_still_be_overridden() -> None:
    assert load_yaml("base: &b {k: 1, j: 2}\nm:\n  <<: *b\n  k: 3\n")["m"] == {"k": 3, "j": 2}


def test_the_error_carries_the_lines() -> None:
    with pytest.raises(DuplicateKeyError) as caught:
        load_yaml("a: 1\nb: 2\na: 3\n")
    assert (caught.value.key, caught.value.first_line, caught.value.line) == ("a", 1, 3)
