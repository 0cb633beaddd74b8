"""Reading rule profiles from YAML files: validation, inheritance and clear errors.

``load_profile("jiyuan")`` reads the bundled ``rules/profiles/jiyuan.yaml``; a path reads any
file. A profile may ``extends:`` another (a bundled name, or a path relative to its own file):
it inherits every rule, may override any field of a rule by its ``code`` (``params`` and
``threshold`` are merged key by key, every other field is replaced) and may add rules.

Every problem is a ``ProfileError`` naming the file, the key path (``rules[3].threshold.op``)
and what to do.
"""

from __future__ import annotations

import builtins
import dataclasses
import string
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, field_validator

from rules.measures import COMMON_FIELDS, MEASURES
from rules.model import Category, Window
from rules.profile import (
    Effect,
    ObjectKind,
    Op,
    Profile,
    ProfileError,
    Rule,
    Threshold,
    Verified,
)
from rules.yaml_files import DuplicateKeyError, YamlFileError, load_yaml, read_text

__all__ = ["BUNDLED_DIR", "bundled_profiles", "load_profile"]

BUNDLED_DIR = Path(__file__).parent / "profiles"
MAX_PROFILE_BYTES = 1024**2  # a profile is a few KiB; anything near this is the wrong file
_KEBAB = r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$"
_REQUIRED = ("title", "object", "measure", "threshold", "effect", "message", "source", "verified")


class _Doc(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _ThresholdDoc(_Doc):
    op: Op | None = None
    value: float | None = None


class _RuleDoc(_Doc):
    code: str = Field(pattern=_KEBAB)
    title: str | None = None
    object: ObjectKind | None = None
    measure: str | None = None
    params: dict[builtins.str, Any] | None = None
    threshold: _ThresholdDoc | None = None
    effect: Effect | None = None
    points: int | None = Field(default=None, ge=0)
    cap: int | None = Field(default=None, ge=0)
    message: builtins.str | None = None
    source: builtins.str | None = None
    verified: Verified | None = None
    enabled: builtins.bool | None = None

    @field_validator("verified", mode="before")
    @classmethod
    def _yaml_booleans(cls, value: builtins.object) -> builtins.object:
        # YAML 1.1 reads a bare yes/no as a boolean.
        return {True: "yes", False: "no"}.get(value, value) if isinstance(value, bool) else value


class _WindowDoc(_Doc):
    months: int = Field(default=0, ge=0)
    days: int = Field(default=0, ge=0)
    label: str = Field(min_length=1)


class _ProfileDoc(_Doc):
    id: str = Field(pattern=_KEBAB)
    name: str
    extends: str | None = None
    pass_score: int | None = Field(default=None, ge=0)
    base_score: int | None = Field(default=None, gt=0)
    veto_score: int | None = Field(default=None, ge=0)
    windows: dict[Literal["news", "notice", "plan"], _WindowDoc] | None = None
    rules: list[_RuleDoc] = Field(default_factory=list)


_MODELS_BY_DEPTH: dict[tuple[str, ...], type[BaseModel]] = {
    (): _ProfileDoc,
    ("rules",): _RuleDoc,
    ("rules", "threshold"): _ThresholdDoc,
    ("windows",): _WindowDoc,
}


def bundled_profiles() -> list[str]:
    """Names of the profiles shipped in ``rules/profiles``."""
    return sorted(path.stem for path in BUNDLED_DIR.glob("*.yaml"))


def load_profile(name_or_path: str | Path) -> Profile:
    """A bundled profile by name (``national-2019``) or a profile file by path."""
    chain: list[tuple[Path, _ProfileDoc]] = []
    path = _locate(name_or_path, referrer=None)
    while True:
        if path in [seen for seen, _ in chain]:
            cycle = " -> ".join(str(p) for p, _ in chain) + f" -> {path}"
            raise ProfileError(
                chain[-1][0], "extends", f"extends cycle: {cycle}", "remove one of the extends"
            )
        doc = _read(path)
        chain.append((path, doc))
        if doc.extends is None:
            break
        path = _locate(doc.extends, referrer=path)
    chain.reverse()  # the most general first
    return _build(chain)


def _locate(ref: str | Path, *, referrer: Path | None) -> Path:
    text = str(ref)
    if isinstance(ref, Path) or "/" in text or text.endswith((".yaml", ".yml")):
        path = Path(ref)
        if referrer is not None and not path.is_absolute():
            path = referrer.parent / path
        if not path.is_file():
            raise ProfileError(
                referrer or path,
                "extends" if referrer else None,
                f"profile file {str(path)!r} does not exist",
                "check the path",
            )
        return path.resolve()
    path = BUNDLED_DIR / f"{text}.yaml"
    if not path.is_file():
        raise ProfileError(
            referrer or text,
            "extends" if referrer else None,
            f"no bundled profile named {text!r}",
            f"use one of {', '.join(bundled_profiles())}, or give the path of a .yaml file",
        )
    return path.resolve()


def _read(path: Path) -> _ProfileDoc:
    try:
        raw = load_yaml(read_text(path, max_bytes=MAX_PROFILE_BYTES))
    except OSError as exc:
        raise ProfileError(path, None, f"cannot read the file ({exc})", "check the path") from exc
    except YamlFileError as exc:
        raise ProfileError(path, None, exc.problem, exc.hint) from exc
    except DuplicateKeyError as exc:
        raise ProfileError(
            path,
            f"line {exc.line}",
            f"key {exc.key!r} is given twice (first on line {exc.first_line})",
            "merge the two into one; only the last would be read",
        ) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise ProfileError(
            path, where, f"not valid YAML: {problem}", "fix the YAML syntax"
        ) from exc
    if not isinstance(raw, dict):
        raise ProfileError(
            path, None, "the file is not a mapping", "start with 'id:', 'name:' and 'rules:'"
        )
    try:
        return _ProfileDoc.model_validate(raw)
    except ValidationError as exc:
        raise _translate(path, exc, prefix=(), models=_MODELS_BY_DEPTH) from exc


def _translate(
    path: Path,
    exc: ValidationError,
    *,
    prefix: tuple[str | int, ...],
    models: dict[tuple[str, ...], type[BaseModel]] | None = None,
    allowed: list[str] | None = None,
) -> ProfileError:
    error = exc.errors()[0]
    loc = prefix + tuple(error["loc"])
    where = _dotted(loc)
    kind = error["type"]
    if kind in ("extra_forbidden", "unexpected_keyword_argument"):
        if models is not None:
            shape = tuple(part for part in loc[:-1] if isinstance(part, str) and part != "windows")
            if loc[:1] == ("windows",):
                shape = ("windows",)
            model = models.get(shape)
            allowed = sorted(model.model_fields) if model else None
        hint = f"use one of: {', '.join(allowed)}" if allowed else "remove it"
        return ProfileError(path, where, f"unknown key {loc[-1]!r}", hint)
    if kind == "missing":
        return ProfileError(path, where, "required key is missing", "add it")
    got = error.get("input")
    problem = error["msg"] if isinstance(got, dict | list) else f"{error['msg']} (got {got!r})"
    return ProfileError(path, where, problem, "correct the value")


def _dotted(loc: tuple[str | int, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def _build(chain: list[tuple[Path, _ProfileDoc]]) -> Profile:
    merged: dict[str, dict[str, Any]] = {}
    origin: dict[str, tuple[Path, int]] = {}
    windows: dict[Category, Window] = {}
    pass_score, base_score = 60, 100
    veto_score: int | None = None
    for path, doc in chain:
        seen: set[str] = set()
        for index, rule_doc in enumerate(doc.rules):
            if rule_doc.code in seen:
                raise ProfileError(
                    path,
                    f"rules[{index}].code",
                    f"rule {rule_doc.code!r} appears twice in this file",
                    "merge the two entries",
                )
            seen.add(rule_doc.code)
            fields = rule_doc.model_dump(exclude_unset=True)
            current = merged.setdefault(rule_doc.code, {})
            for key, value in fields.items():
                if key in ("params", "threshold") and isinstance(current.get(key), dict):
                    current[key] = {**current[key], **value}
                else:
                    current[key] = value
            origin[rule_doc.code] = (path, index)
        for category, window_doc in (doc.windows or {}).items():
            if window_doc.months == 0 and window_doc.days == 0:
                raise ProfileError(
                    path, f"windows.{category}", "the window is empty", "give months or days"
                )
            windows[Category(category)] = Window(
                months=window_doc.months, days=window_doc.days, label=window_doc.label
            )
        pass_score = doc.pass_score if doc.pass_score is not None else pass_score
        base_score = doc.base_score if doc.base_score is not None else base_score
        veto_score = doc.veto_score if doc.veto_score is not None else veto_score
    leaf_path, leaf = chain[-1]
    if pass_score > base_score:
        raise ProfileError(
            leaf_path,
            "pass_score",
            f"pass_score {pass_score} is above base_score {base_score}",
            "lower pass_score",
        )
    rules = tuple(_rule(fields, *origin[code]) for code, fields in merged.items())
    return Profile(
        id=leaf.id,
        name=leaf.name,
        extends=leaf.extends,
        pass_score=pass_score,
        base_score=base_score,
        veto_score=veto_score,
        windows=windows,
        rules=rules,
        files=tuple(str(path) for path, _ in chain),
    )


def _rule(fields: dict[str, Any], path: Path, index: int) -> Rule:
    here = f"rules[{index}]"
    code = fields["code"]
    for key in _REQUIRED:
        if fields.get(key) is None:
            raise ProfileError(
                path,
                f"{here}.{key}",
                f"rule {code!r} has no {key}",
                "a new rule needs " + ", ".join(_REQUIRED) + "; to change an inherited rule, "
                "check the spelling of its code",
            )
    threshold = fields["threshold"]
    for key in ("op", "value"):
        if threshold.get(key) is None:
            raise ProfileError(path, f"{here}.threshold.{key}", "required key is missing", "add it")
    spec = MEASURES.get(fields["measure"])
    if spec is None:
        raise ProfileError(
            path,
            f"{here}.measure",
            f"unknown measure {fields['measure']!r}",
            f"use one of: {', '.join(sorted(MEASURES))}",
        )
    kind = ObjectKind(fields["object"])
    if spec.object is not kind:
        raise ProfileError(
            path,
            f"{here}.object",
            f"measure {spec.name!r} measures a {spec.object.value}, not a {kind.value}",
            f"set object: {spec.object.value}",
        )
    try:
        params = TypeAdapter(spec.params).validate_python(fields.get("params") or {})
    except ValidationError as exc:
        names = [f.name for f in dataclasses.fields(spec.params)]
        raise _translate(path, exc, prefix=("rules", index, "params"), allowed=names) from exc
    effect = Effect(fields["effect"])
    points = fields.get("points") or 0
    if effect is Effect.DEDUCT and points == 0:
        raise ProfileError(path, f"{here}.points", "a deduct rule needs points", "add points: N")
    if effect is not Effect.DEDUCT and (points or fields.get("cap") is not None):
        raise ProfileError(
            path,
            f"{here}.points",
            f"points and cap apply only to deduct, not {effect.value}",
            "remove them or set effect: deduct",
        )
    _check_message(fields["message"], spec.fields, path, f"{here}.message")
    return Rule(
        code=code,
        title=fields["title"],
        object=kind,
        measure=spec.name,
        params=params,
        threshold=Threshold(op=Op(threshold["op"]), value=threshold["value"]),
        effect=effect,
        points=points,
        cap=fields.get("cap"),
        message=fields["message"],
        source=fields["source"],
        verified=Verified(fields["verified"]),
        enabled=fields.get("enabled", True),
        defined_in=str(path),
    )


def _check_message(template: str, extra: frozenset[str], path: Path, where: str) -> None:
    allowed = COMMON_FIELDS | extra
    try:
        names = {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}
    except ValueError as exc:
        raise ProfileError(
            path, where, f"bad template: {exc}", "write fields as {name}, braces as {{ }}"
        ) from exc
    unknown = sorted(name for name in names if name not in allowed)
    if unknown or "" in names:
        raise ProfileError(
            path,
            where,
            f"unknown template fields {unknown or ['{}']}",
            f"use named fields among: {', '.join(sorted(allowed))}",
        )
    sample: dict[str, object] = {name: 0 for name in allowed}
    try:
        template.format_map(sample)
    except (ValueError, TypeError) as exc:
        raise ProfileError(path, where, f"bad template: {exc}", "check the format specs") from exc
