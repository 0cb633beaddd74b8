"""Rule profiles: which measures a jurisdiction applies, their thresholds, effects and points.

A profile is data (``rules/profiles/*.yaml``, read by ``rules.profile_files``); these are the
frozen values it becomes. Each ``Rule`` names one measure of the fixed set in
``rules.measures``, compares the measured value with its ``Threshold``, and has an ``Effect``:

    veto     单项否决: one hit makes the object 不合格
    deduct   扣分: ``points`` per occurrence, at most ``cap`` for the rule
    note     listed with the findings, no effect on the result

Errors::

    ProfileError        a profile file is missing, malformed, or inconsistent
"""

from __future__ import annotations

import builtins
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from rules.model import Category, Window

__all__ = [
    "Effect",
    "ObjectKind",
    "Op",
    "Profile",
    "ProfileError",
    "Rule",
    "Threshold",
    "Verified",
]


class ProfileError(Exception):
    """A profile file could not be used. The message names the file, the key path and the fix."""

    def __init__(self, file: Path | str, where: str | None, problem: str, hint: str) -> None:
        self.file = str(file)
        self.where = where
        self.problem = problem
        self.hint = hint
        location = f"{self.file}: {where}" if where else self.file
        super().__init__(f"{location}: {problem} — {hint}")


class ObjectKind(StrEnum):
    SITE = "site"
    COLUMN = "column"  # judged per column, reported on the column's site
    ACCOUNT = "account"


class Effect(StrEnum):
    VETO = "veto"
    DEDUCT = "deduct"
    NOTE = "note"


class Verified(StrEnum):
    """Whether the rule's wording and numbers were seen in an official source."""

    YES = "yes"
    PARTIAL = "partial"
    NO = "no"


class Op(StrEnum):
    GT = "gt"
    GTE = "gte"
    LT = "lt"
    LTE = "lte"

    @property
    def symbol(self) -> str:
        return _OP_SYMBOLS[self]


_OP_SYMBOLS = {Op.GT: ">", Op.GTE: "≥", Op.LT: "<", Op.LTE: "≤"}


@dataclass(frozen=True, slots=True, kw_only=True)
class Threshold:
    op: Op
    value: float

    def hit(self, measured: float) -> bool:
        """True when ``measured`` crosses the threshold (``math.inf`` is above every value)."""
        if self.op is Op.GT:
            return measured > self.value
        if self.op is Op.GTE:
            return measured >= self.value
        if self.op is Op.LT:
            return measured < self.value
        return measured <= self.value

    @property
    def label(self) -> str:
        value = int(self.value) if float(self.value).is_integer() else self.value
        return f"{self.op.symbol} {value}"


@dataclass(frozen=True, slots=True, kw_only=True)
class Rule:
    code: str  # stable kebab-case, documented in docs/rules.md
    title: str  # Chinese
    object: ObjectKind
    measure: str  # a name in rules.measures.MEASURES
    params: builtins.object  # the measure's frozen params value
    threshold: Threshold
    effect: Effect
    points: int = 0  # per occurrence (deduct)
    cap: int | None = None  # the most this rule may deduct in total; None: no cap
    message: str  # a Chinese template with named fields, e.g. "发现{count}次(扣{points}分)"
    source: str
    verified: Verified
    enabled: bool = True
    defined_in: str = ""  # the profile file that last set this rule (for error messages)

    def deduction(self, occurrences: int) -> int:
        """Points this rule takes for ``occurrences`` hits: per occurrence, at most ``cap``."""
        if self.effect is not Effect.DEDUCT:
            return 0
        total = self.points * occurrences
        return total if self.cap is None else min(total, self.cap)


@dataclass(frozen=True, slots=True, kw_only=True)
class Profile:
    id: str
    name: str
    extends: str | None = None
    pass_score: int = 60  # 合格 at or above; the notices fail a score "低于60"
    base_score: int = 100
    # What a vetoed object scores: None, not scored ("即判定为不合格网站，不再对其他指标进行
    # 评分", 国办秘函〔2019〕19号), shown as 单项否决; or a number (0) a local scheme gives it.
    veto_score: int | None = None
    windows: Mapping[Category, Window] = field(default_factory=dict)  # column window overrides
    rules: tuple[Rule, ...] = ()
    files: tuple[str, ...] = ()  # the files it was read from, the most general first

    @property
    def enabled_rules(self) -> tuple[Rule, ...]:
        return tuple(rule for rule in self.rules if rule.enabled)

    def rule(self, code: str) -> Rule:
        for rule in self.rules:
            if rule.code == code:
                return rule
        raise KeyError(f"profile {self.id!r} has no rule {code!r}")
