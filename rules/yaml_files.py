"""Reading the YAML input files (targets, rule profiles) safely.

``read_text`` reads a file of bounded size as UTF-8: it refuses what is not a regular file
(``/dev/zero``, a fifo, a directory) and files over ``max_bytes``, so a wrong path can never
read until memory runs out. ``load_yaml`` parses with a safe loader that refuses a key given
twice in one mapping (PyYAML would keep the last and silently drop the first block).

A large file (a targets file of 1,000 sites is over 1 MiB) is read from the parser's events
straight into its values: the loader's node tree — every scalar a node with two marks — would
peak at some 40 times the text's size, memory the process then keeps. Anything beyond plain
mappings, sequences and scalars (tags, anchors and aliases, merge keys, complex keys) and any
error send the text through the loader itself, so the data and every error stay what it gives.

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
from yaml.events import (
    DocumentEndEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
    StreamStartEvent,
)
from yaml.nodes import MappingNode, Node, ScalarNode

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
    try:
        return _load_plain(text)
    except Exception:
        # Beyond the plain subset, or wrong (a YAML error, or a date such as 2024-13-01 that
        # the constructor refuses): the loader gives the data, or its own error.
        return yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - a safe loader


class _NotPlainError(Exception):
    """The text needs the whole loader: a tag, an anchor, an alias, a merge or complex key,
    a key given twice, not exactly one document."""


# What a plain scalar or a quoted one may resolve to, each built by the safe loader's own
# constructor; any other tag (binary, merge, value) is left to the loader.
_PLAIN_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}" for name in ("null", "bool", "int", "float", "str", "timestamp")
)
_NO_KEY = object()  # a mapping waiting for its next key


def _load_plain(text: str) -> Any:
    """The data of a one-document text of plain mappings, sequences and scalars, built from
    the parser's events with the safe loader's resolver and constructors: the same values as
    ``yaml.load`` without its node tree. ``_NotPlainError`` for anything else."""
    loader = _UniqueKeyLoader(text)
    try:
        if not isinstance(loader.get_event(), StreamStartEvent) or not isinstance(
            loader.get_event(), DocumentStartEvent
        ):
            raise _NotPlainError  # no document at all: the loader says what that is
        data = _plain_value(loader)
        if not isinstance(loader.get_event(), DocumentEndEvent) or not isinstance(
            loader.get_event(), StreamEndEvent
        ):
            raise _NotPlainError  # a second document: the loader refuses it
        return data
    finally:
        loader.dispose()


def _plain_value(loader: Any) -> Any:
    """The next value of the event stream (one scalar, or a whole collection)."""
    # Open collections, innermost last: a list, or a mapping with its pending key.
    open_: list[list[Any] | tuple[dict[Any, Any], list[Any]]] = []
    while True:
        event = loader.get_event()
        if getattr(event, "anchor", None) is not None:
            raise _NotPlainError
        if isinstance(event, ScalarEvent):
            if event.tag not in (None, "!"):
                raise _NotPlainError
            tag = loader.resolve(ScalarNode, event.value, event.implicit)
            if tag not in _PLAIN_TAGS:
                raise _NotPlainError
            # No marks: a constructor's error sends the text to the loader, which has them.
            node = ScalarNode(tag, event.value, style=event.style)
            value = loader.yaml_constructors[tag](loader, node)
        elif isinstance(event, SequenceStartEvent | MappingStartEvent):
            if event.tag not in (None, "!") or _waiting_key(open_):
                raise _NotPlainError  # a tagged collection, or one used as a key
            open_.append([] if isinstance(event, SequenceStartEvent) else ({}, [_NO_KEY]))
            continue
        elif isinstance(event, SequenceEndEvent | MappingEndEvent):
            closed = open_.pop()
            value = closed if isinstance(closed, list) else closed[0]
        else:
            raise _NotPlainError  # an alias
        if not open_:
            return value
        parent = open_[-1]
        if isinstance(parent, list):
            parent.append(value)
        elif _waiting_key(open_):
            if value in parent[0]:
                raise _NotPlainError  # given twice: the loader's error names both lines
            parent[1][0] = value
        else:
            parent[0][parent[1][0]] = value
            parent[1][0] = _NO_KEY


def _waiting_key(open_: list[list[Any] | tuple[dict[Any, Any], list[Any]]]) -> bool:
    """Whether the innermost open collection is a mapping waiting for its next key."""
    return bool(open_) and isinstance(open_[-1], tuple) and open_[-1][1][0] is _NO_KEY
