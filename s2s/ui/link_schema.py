"""The declared schema of a shareable link, without Streamlit: fields, parsing and encoding.

A `Field` is one query parameter: its name in the URL (`key`), the session-state key of the
value it fills (`state`), its type (`kind`), default, bounds or choices and length limit.
`parse` turns the text of a link into a value that is valid for the field, and says what it
changed (a `Problem`: a locale key and its fields, shown by s2s/ui/links.py in the UI's
language): a number out of range is clamped, a value that cannot be read is refused (the
default stays), text over the limit is cut, unknown choices are dropped. It never raises.
`encode` is its inverse: parse(f, encode(f, v)) == v for every valid v.

Kinds: "str" (one line), "text" (several lines), "int", "float" (on a `step` grid), "bool"
("1"/"0"), "choice" (one of `choices`), "choices" (a comma-separated list of choices).
`choices` and `default` may be left None in the schema and given when the link is read (a
page's models, the first preset of the language pair).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Iterable

KINDS = ("str", "text", "int", "float", "bool", "choice", "choices")
SHOWN = 40  # characters of a refused value quoted in a message
TRUE, FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off", "")


@dataclass(frozen=True)
class Field:
    key: str  # the query parameter
    state: str  # the session-state key the value is kept under (its widget's key is "w:" + state)
    kind: str
    default: Any = None
    lo: float | None = None  # int, float: bounds (inclusive)
    hi: float | None = None
    step: float | None = None  # float: the grid values are rounded to
    choices: tuple | None = None  # choice, choices (None: given when read)
    max_len: int | None = None  # str, text: characters; choices: items
    late: bool = False  # bounded only once the page has its results (links.settle); written only then

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"field {self.key!r}: kind must be one of {KINDS}, got {self.kind!r}")
        if self.kind in ("int", "float") and (self.lo is None or self.hi is None or self.lo > self.hi):
            raise ValueError(f"field {self.key!r}: a number needs bounds lo <= hi")


@dataclass(frozen=True)
class Schema:
    page: str  # the page's namespace (its session-state prefix)
    fields: tuple[Field, ...]

    def __post_init__(self):
        keys = [f.key for f in self.fields]
        if len(set(keys)) != len(keys):
            raise ValueError(f"schema {self.page!r}: a query parameter is declared twice: {keys}")


@dataclass(frozen=True)
class Problem:
    """What a link asked for and what the page does instead: `t(key, **fields)`."""
    key: str
    fields: tuple[tuple[str, Any], ...]

    @classmethod
    def of(cls, key: str, **fields) -> "Problem":
        return cls(key, tuple(fields.items()))


def text(key: str, state: str, max_len: int, default: str | None = None, lines: bool = False,
         late: bool = False) -> Field:
    return Field(key, state, "text" if lines else "str", default=default, max_len=max_len, late=late)


def integer(key: str, state: str, lo: int, hi: int, default: int | None = None, late: bool = False) -> Field:
    return Field(key, state, "int", default=default, lo=lo, hi=hi, late=late)


def number(key: str, state: str, lo: float, hi: float, default: float, step: float) -> Field:
    return Field(key, state, "float", default=default, lo=lo, hi=hi, step=step)


def flag(key: str, state: str, default: bool = False) -> Field:
    return Field(key, state, "bool", default=default)


def choice(key: str, state: str, choices: Iterable | None = None, default=None, late: bool = False) -> Field:
    return Field(key, state, "choice", default=default, choices=None if choices is None else tuple(choices), late=late)


def choices(key: str, state: str, options: Iterable | None = None, default=None, max_len: int | None = None) -> Field:
    return Field(key, state, "choices", default=default, choices=None if options is None else tuple(options),
                 max_len=max_len)


def shown(value: Any) -> str:
    """A value quoted in a message: one line, at most SHOWN characters."""
    text = " ".join(str(value).split())
    return text if len(text) <= SHOWN else text[:SHOWN - 1] + "…"


def _fmt(field: Field, value) -> str:
    if field.kind == "float":
        return f"{value:g}"
    if field.kind == "choices":
        return ", ".join(map(str, value)) or "∅"
    if field.kind == "bool":  # in the link's own terms, as the messages ask for ("not 1 or 0: using 1")
        return encode(field, value)
    return str(value)


def clamp(field: Field, value: float, lo: float, hi: float) -> tuple[Any, Problem | None]:
    """`value` within [lo, hi] (on the field's grid), with a Problem when it was outside (quoting
    the value asked for, not its grid point)."""
    asked = value
    if field.kind == "float" and field.step and math.isfinite(field.lo):
        value = round(field.lo + round((value - field.lo) / field.step) * field.step, 10)
    used = min(hi, max(lo, value))
    if used == value:
        return value, None
    return used, Problem.of("ln.range", name=field.key, value=_fmt(field, asked), lo=_fmt(field, lo),
                            hi=_fmt(field, hi), used=_fmt(field, used))


MISSING = object()  # parse: the link's value is refused, the default stays


def parse(field: Field, raw: str | list[str], choices: Iterable | None = None, default=None
          ) -> tuple[Any, list[Problem]]:
    """(value, problems) for the link's text `raw`; value is MISSING when refused. `choices` and
    `default` stand in for the field's own when it declares none."""
    if isinstance(raw, list):  # ?beam=3&beam=4: the last one, as st.query_params does
        raw = raw[-1] if raw else ""
    raw = str(raw)
    options = tuple(field.choices if field.choices is not None else (choices or ()))
    default = field.default if field.default is not None else default
    used = "—" if default is None else _fmt(field, default)
    kind = field.kind
    if kind in ("str", "text"):
        value = raw.replace("\r\n", "\n").replace("\r", "\n")
        if kind == "str":
            value = " ".join(value.split("\n"))
        if field.max_len is not None and len(value) > field.max_len:
            return value[:field.max_len], [Problem.of("ln.too_long", name=field.key, n=len(value), limit=field.max_len)]
        return value, []
    if kind in ("int", "float"):
        try:
            number = int(raw.strip()) if kind == "int" else float(raw.strip())
            if not math.isfinite(number):
                raise ValueError(raw)
        except ValueError:
            key = "ln.not_whole" if kind == "int" else "ln.not_number"
            return MISSING, [Problem.of(key, name=field.key, value=shown(raw), used=used)]
        value, problem = clamp(field, number, field.lo, field.hi)
        return value, [problem] if problem else []
    if kind == "bool":
        word = raw.strip().lower()
        if word in TRUE or word in FALSE:
            return word in TRUE, []
        return MISSING, [Problem.of("ln.not_bool", name=field.key, value=shown(raw), used=used)]
    if kind == "choice":
        if raw in options:
            return raw, []
        return MISSING, [Problem.of("ln.unknown", name=field.key, value=shown(raw), used=used)]
    # choices: a list, in the link's order, each once
    names = list(dict.fromkeys(n.strip() for n in raw.split(",") if n.strip()))
    problems = []
    unknown = [n for n in names if n not in options]
    if unknown:
        listed = ", ".join(shown(n) for n in unknown[:5]) + (" …" if len(unknown) > 5 else "")
        problems.append(Problem.of("ln.dropped", name=field.key, values=listed))
    value = [n for n in names if n in options]
    if names and not value:  # nothing known: the default stays
        return MISSING, problems
    if field.max_len is not None and len(value) > field.max_len:
        problems.append(Problem.of("ln.too_many", name=field.key, n=len(value), limit=field.max_len))
        value = value[:field.max_len]
    return value, problems


def encode(field: Field, value) -> str:
    """The link's text for `value` (the inverse of `parse`)."""
    if field.kind == "bool":
        return "1" if value else "0"
    if field.kind == "choices":
        return ",".join(str(v) for v in value)
    if field.kind == "float":
        return f"{float(value):g}"
    return str(value)


def same(field: Field, a, b) -> bool:
    """Whether two values of the field are the same view (floats: on the field's grid)."""
    if field.kind == "float":
        try:
            return math.isclose(float(a), float(b), abs_tol=(field.step or 1e-6) * 1e-3)
        except (TypeError, ValueError):
            return False
    if field.kind == "choices":
        return list(a or []) == list(b or [])
    return a == b
