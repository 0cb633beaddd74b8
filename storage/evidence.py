"""Findings to and from JSON: ``Evidence.as_dict`` one way, ``evidence_from_dict`` back."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields
from datetime import date, datetime
from enum import Enum
from typing import Any

from rules.model import Evidence, Outcome

_EVIDENCE_FIELDS = frozenset(f.name for f in fields(Evidence))
_DATE_FIELDS = frozenset({"newest_date", "cutoff"})


def evidence_from_dict(data: Mapping[str, Any]) -> Evidence:
    """Rebuild ``Evidence`` from its stored dict; keys it does not know are ignored."""
    values: dict[str, Any] = {k: v for k, v in data.items() if k in _EVIDENCE_FIELDS}
    values["checked_at"] = datetime.fromisoformat(values["checked_at"])
    if values.get("outcome") is not None:
        values["outcome"] = Outcome(values["outcome"])
    for name in _DATE_FIELDS:
        if values.get(name) is not None:
            values[name] = date.fromisoformat(values[name])
    return Evidence(**values)


def to_json_value(value: object) -> object:
    """A JSON-ready copy of ``value``: dates as ISO strings, enums as their values."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Mapping):
        return {str(k): to_json_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [to_json_value(v) for v in value]
    return value
