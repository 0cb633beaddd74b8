"""The fixed set of measures a profile's rules may name, by name.

Profiles choose among these and set their ``params``; a new kind of measurement is Python code
here, never YAML. Each measure is pure: facts, ``now`` and the period in, a value or
``Insufficient`` out.
"""

from __future__ import annotations

from typing import Any

from rules.measures.account import (
    AccountClosedParams,
    NewestPostParams,
    WeeksBelowParams,
    account_closed,
    newest_post_age_days,
    weeks_below,
)
from rules.measures.base import (
    COMMON_FIELDS,
    Context,
    Insufficient,
    Measurement,
    MeasureResult,
    MeasureSpec,
)
from rules.measures.boards import (
    BoardSilenceParams,
    UnansweredParams,
    board_messages_stale,
    board_replies_stale,
    board_unanswered,
)
from rules.measures.columns import (
    ColumnVerdictParams,
    CountColumnVerdictsParams,
    column_verdict,
    count_column_verdicts,
)
from rules.measures.content import (
    HiddenLinksParams,
    WordingParams,
    hidden_links,
    wording_hits,
)
from rules.measures.site import (
    HomepageAgeParams,
    ProbeFailureParams,
    homepage_age_days,
    probe_failure_ratio,
)
from rules.profile import ObjectKind

__all__ = [
    "COMMON_FIELDS",
    "MEASURES",
    "Context",
    "Insufficient",
    "MeasureResult",
    "MeasureSpec",
    "Measurement",
]

_SPECS: list[MeasureSpec[Any]] = [
    MeasureSpec(
        name="probe_failure_ratio",
        object=ObjectKind.SITE,
        params=ProbeFailureParams,
        fields=frozenset({"failed", "probes", "days", "first_day", "last_day"}),
        run=probe_failure_ratio,
        summary="failed homepage probes / all probes over the whole days before the check date",
    ),
    MeasureSpec(
        name="homepage_age_days",
        object=ObjectKind.SITE,
        params=HomepageAgeParams,
        fields=frozenset({"newest_date", "age_days"}),
        run=homepage_age_days,
        summary="days from the homepage's newest dated item to the check date",
    ),
    MeasureSpec(
        name="board_unanswered",
        object=ObjectKind.SITE,
        params=UnansweredParams,
        fields=frozenset({"board", "letter", "asked", "days", "state"}),
        run=board_unanswered,
        summary="letters of the consult boards asked in the lookback that waited more than "
        "`months` for an answer",
    ),
    MeasureSpec(
        name="board_replies_stale",
        object=ObjectKind.SITE,
        params=BoardSilenceParams,
        fields=frozenset({"board", "newest_date", "months"}),
        run=board_replies_stale,
        summary="1 when the consult boards published no reply dated in the `months` before "
        "the check",
    ),
    MeasureSpec(
        name="board_messages_stale",
        object=ObjectKind.SITE,
        params=BoardSilenceParams,
        fields=frozenset({"board", "newest_date", "months"}),
        run=board_messages_stale,
        summary="1 when the consult boards published no letter asked in the `months` before "
        "the check",
    ),
    MeasureSpec(
        name="wording_hits",
        object=ObjectKind.SITE,
        params=WordingParams,
        fields=frozenset({"where", "wrong", "right", "sentence"}),
        run=wording_hits,
        summary="distinct errors of one kind of the curated wording list in the site's text",
    ),
    MeasureSpec(
        name="hidden_links",
        object=ObjectKind.SITE,
        params=HiddenLinksParams,
        fields=frozenset({"where", "link", "how"}),
        run=hidden_links,
        summary="distinct links to other sites the site's pages hide from visitors (暗链)",
    ),
    MeasureSpec(
        name="count_column_verdicts",
        object=ObjectKind.SITE,
        params=CountColumnVerdictsParams,
        fields=frozenset({"columns", "unjudged", "in_scope"}),
        run=count_column_verdicts,
        summary="how many of the site's columns have one of the verdicts",
    ),
    MeasureSpec(
        name="column_verdict",
        object=ObjectKind.COLUMN,
        params=ColumnVerdictParams,
        fields=frozenset({"verdict", "newest_date", "age_days", "window"}),
        run=column_verdict,
        summary="1 for each matching column with one of the verdicts, else 0",
    ),
    MeasureSpec(
        name="newest_post_age_days",
        object=ObjectKind.ACCOUNT,
        params=NewestPostParams,
        fields=frozenset({"newest_date", "age_days"}),
        run=newest_post_age_days,
        summary="days from the account's newest post to the check date",
    ),
    MeasureSpec(
        name="account_closed",
        object=ObjectKind.ACCOUNT,
        params=AccountClosedParams,
        fields=frozenset({"detail"}),
        run=account_closed,
        summary="1 when the account's platform page says it is closed or banned, else 0",
        reads_content=False,
    ),
    MeasureSpec(
        name="weeks_below",
        object=ObjectKind.ACCOUNT,
        params=WeeksBelowParams,
        fields=frozenset({"weeks", "weeks_judged", "weeks_total", "min_posts"}),
        run=weeks_below,
        summary="complete natural weeks of the period with fewer than min_posts posts",
    ),
]

MEASURES: dict[str, MeasureSpec[Any]] = {spec.name: spec for spec in _SPECS}
