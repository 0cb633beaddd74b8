"""What a measure is: a pure function of one object's facts to a value, or insufficient data.

A measure never decides: it reports the value, how many occurrences a hit would count, and
the evidence. The rule's threshold decides. When the facts cannot support a value (a failed
fetch, no probe data, history that does not reach back far enough) the measure returns
``Insufficient`` with a reason, and the rule is listed as not judged — never as a problem.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Generic, TypeVar

from rules.facts import AccountFacts, SiteFacts
from rules.freshness import PageVerdict
from rules.model import Category, Evidence, PageFacts, Window
from rules.period import Period
from rules.profile import ObjectKind, Threshold

__all__ = [
    "COMMON_FIELDS",
    "Context",
    "Insufficient",
    "MeasureResult",
    "MeasureSpec",
    "Measurement",
]

# Message fields every rule may use; a measure adds its own (MeasureSpec.fields).
COMMON_FIELDS = frozenset(
    {
        "name",
        "column",
        "title",
        "value",
        "value_text",
        "threshold",
        "count",
        "points",
        "points_each",
    }
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Context:
    """Everything a measure may look at: one object's facts, the check time and the period."""

    now: datetime
    period: Period
    site: SiteFacts | None = None
    verdicts: tuple[PageVerdict, ...] = ()  # judge_page's verdict on each of the site's pages
    account: AccountFacts | None = None
    windows: Mapping[Category, Window] = field(default_factory=dict)  # the profile's overrides


@dataclass(frozen=True, slots=True, kw_only=True)
class Measurement:
    value: float  # math.inf: beyond every bound (an undated homepage counts as never updated)
    value_text: str  # the value as a person reads it: "3.5%", "16天", "6个"
    occurrences: int  # how many occurrences a hit counts (points are per occurrence)
    evidence: Evidence
    column: PageFacts | None = None  # the column a column measure looked at
    fields: Mapping[str, object] = field(default_factory=dict)  # extra message fields


@dataclass(frozen=True, slots=True, kw_only=True)
class Insufficient:
    reason: str  # Chinese: why the rule cannot be judged now
    column: PageFacts | None = None
    evidence: Evidence | None = None


MeasureResult = Measurement | Insufficient

P = TypeVar("P")


@dataclass(frozen=True, slots=True, kw_only=True)
class MeasureSpec(Generic[P]):
    name: str
    object: ObjectKind
    params: type[P]  # a frozen dataclass, validated from the profile's ``params``
    fields: frozenset[str]  # message fields the measure adds to COMMON_FIELDS
    # one result per object; per matching column for column measures. The threshold is given
    # for measures that must tell whether unjudged parts could change the decision.
    run: Callable[[Context, P, Threshold], list[MeasureResult]]
    summary: str  # one line for docs/rules.md
    # False: the measure looks at the object's state, not at what it published (an account
    # closed or not); judging it alone never makes the object 合格.
    reads_content: bool = True
