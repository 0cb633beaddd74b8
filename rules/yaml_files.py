"""Reading the YAML input files (targets, rule profiles) safely.

``read_text`` reads a file of bounded size as UTF-8: it refuses what is not a regular file
(``/dev/zero``, a fifo, a directory) and files over ``max_bytes``, so a wrong path can never
read until memory runs out. ``load_yaml`` parses with a safe loader that refuses a key given
twice in one mapping (PyYAML would keep the last and silently drop the first block).

Errors::

    YamlFileError        the file cannot be used: not a regular file, too large, not UTF-8
    DuplicateKeyError    a mapping holds a key twice (a ``yaml.YAMLError``, with its line)

The callers turn both into their own error (``TargetsError``, ``ProfileError``), which names
the file.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import ConstructorError
from yaml.nodes import MappingNode, Node

__all__ = ["DuplicateKeyError", "YamlFileError", "load_yaml", "read_text"]

_MERGE_TAG = "tag:yaml.org,2002:merge"


class YamlFileError(Exception):
    """A YAML input file that cannot be read: ``problem`` says what, ``hint`` what to do."""

    def __init__(self, problem: str, hint: str) -> None:
        self.problem = problem
        self.hint = hint
        super().__init__(f"{problem} — {hint}")


class DuplicateKeyError(ConstructorError):
    """A mapping gives the same key twice; ``problem_mark`` is the second one."""

    def __init__(self, key: object, first: yaml.Mark, second: yaml.Mark) -> None:
        self.key = key
        self.first_line = first.line + 1
        self.line = second.line + 1
        super().__init__(
            "while constructing a mapping",
            first,
            f"duplicate key {key!r} (first given on line {self.first_line})",
            second,
        )


def read_text(path: Path, *, max_bytes: int) -> str:
    """The text of a regular file of at most ``max_bytes``, decoded as UTF-8.

    ``OSError`` (a missing file, no permission) is left to the caller; the rest is a
    ``YamlFileError``.
    """
    if not stat.S_ISREG(path.stat().st_mode):  # before opening: a fifo would block open()
        raise YamlFileError("not a regular file", "give the path of a .yaml file")
    with path.open("rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):  # swapped since the stat
            raise YamlFileError("not a regular file", "give the path of a .yaml file")
        data = handle.read(max_bytes + 1)  # bounded even if the file grows meanwhile
    if len(data) > max_bytes:
        raise YamlFileError(
            f"the file is larger than {max_bytes // 1024**2} MiB",
            "check the path, or split the file",
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise YamlFileError(
            f"line {line}: not UTF-8 text (byte 0x{data[exc.start]:02x})",
            "save the file as UTF-8 (not GBK or GB18030)",
        ) from exc


class _UniqueKeyLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """The safe loader (libyaml's where PyYAML has it), refusing duplicate mapping keys."""

    def construct_mapping(self, node: Node, deep: bool = False) -> dict[Any, Any]:
        if isinstance(node, MappingNode):
            seen: dict[object, yaml.Mark] = {}
            for key_node, _ in node.value:
                if key_node.tag == _MERGE_TAG:  # `<<: *base` may be overridden on purpose
                    continue
                key = self.construct_object(key_node, deep=True)
                try:
                    first = seen.setdefault(key, key_node.start_mark)
                except TypeError:  # an unhashable key: the base loader reports it
                    continue
                if first is not key_node.start_mark:
                    raise DuplicateKeyError(key, first, key_node.start_mark)
        result: dict[Any, Any] = super().construct_mapping(node, deep=deep)
        return result


def load_yaml(text: str) -> Any:
    """The data in a YAML text; ``yaml.YAMLError`` (``DuplicateKeyError`` among them) if bad."""
    return yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - a safe loader
