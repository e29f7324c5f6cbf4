"""Every page is a shareable link: the whole view in the URL, read on open, written after each run.

Each page declares a `Schema` (s2s/ui/link_schema.py: one `Field` per query parameter, with its
type, default, bounds or choices and length limit). On the page's first run in a session,
`read` takes the link's values into session state, where the page's widgets start from them
(`widgets.widget_key`); after the page ran, app.py calls `finish` (in a `finally`, so a page
that stops early is written too), which puts the current view back into the URL: the values
that differ from their defaults, so links stay short. Every link also carries the language
pair (`pair`), the UI language (`lang=ko`) and the projector toggle (`projector=1`).

A bad link never raises: a number out of range is clamped, a value that cannot be read keeps
the default, text over its limit is cut, unknown models are dropped; each says so in the page
(in the UI's language, as plain text: HTML in a value is shown, never run) until the view is
changed. Values bounded by the page's results (the step of a trace, a hypothesis of the beam)
are declared `late=True` and checked with `settle` when the page knows the range.

How a page joins (pages/N_name.py):

    SCHEMA = links.Schema(NS, (links.integer("k", f"{NS}.k", 1, 9, default=3), ...))
    links.read(SCHEMA)  # after st.title / the intro, before the widgets (shows the link's problems)
    k = widgets.keep(f"{NS}.k", st.slider(label, 1, 9, key=widgets.widget_key(f"{NS}.k", 3)))

and `links.stop()` where the page would call st.stop() (after st.stop nothing more can be sent,
so the view is written first; app.py writes it after a page that runs to its end).
Why not Streamlit's own `bind="query-params"`: it drops a bad value silently (the product must
say what it changed), names the parameter after the widget's key, and the language switch
rebuilds every widget (see widgets._language_changed).
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any, Iterable, NoReturn

import streamlit as st

from . import widgets
from .link_schema import (MISSING, Field, Problem, Schema, choice, choices, clamp, encode, flag, integer, number,
                          parse, same, shown, text)
from .strings import LANG_KEY, LANGS, t

__all__ = ["Schema", "Field", "text", "integer", "number", "flag", "choice", "choices", "begin", "read", "settle",
           "settle_many", "stop", "finish", "GLOBAL"]

PAIR_KEY = "app.pair"
GLOBAL = (choice("lang", LANG_KEY, LANGS, default="en"), choice("pair", PAIR_KEY),
          flag("projector", widgets.PROJECTOR_KEY))
RUN = "links.run"  # this run's schema, choices, defaults, message box (set anew by `begin`)


def _key(page: str, what: str) -> str:
    return f"links.{what}.{page}"


def _apply(fields: Iterable[Field], options: dict, defaults: dict, taken: set) -> list[Problem]:
    """Parse the link's values of `fields` into session state; returns what was changed."""
    ss, qp, problems = st.session_state, st.query_params, []
    for f in fields:
        if f.key not in qp:
            continue
        # a late number is bounded by `settle`, which names the range the page has
        spec = replace(f, lo=-math.inf, hi=math.inf) if f.late and f.kind in ("int", "float") else f
        value, found = parse(spec, qp.get_all(f.key), options.get(f.key), defaults.get(f.key))
        problems += found
        if value is not MISSING:
            ss[f.state] = value
            ss.pop("w:" + f.state, None)  # its widget starts again from the kept value
            taken.add(f.key)
    return problems


def begin(pairs: list[str]) -> None:
    """app.py, before the sidebar: a new run; on the session's first, the global values of the link."""
    ss = st.session_state
    default_pair = widgets.default_pair(pairs) if pairs else None
    run = ss[RUN] = {"schema": None, "choices": {"pair": list(pairs)}, "defaults": {"pair": default_pair},
                     "box": None, "settled": set(), "pending": []}
    if _key("global", "read") not in ss:
        ss[_key("global", "read")] = True
        fields = GLOBAL if pairs else GLOBAL[:1] + GLOBAL[2:]
        run["pending"] = _apply(fields, run["choices"], run["defaults"], set())


def read(schema: Schema, choices: dict[str, Iterable] | None = None, defaults: dict[str, Any] | None = None) -> None:
    """The page's fields from the link (once per session and page), and the box its messages go in.
    `choices` / `defaults`: those of the fields that declare none (the pair's models ...)."""
    ss = st.session_state
    run = ss.get(RUN)
    if run is None:  # a page script run on its own (not through app.py)
        begin([])
        run = ss[RUN]
    run["schema"] = schema
    run["choices"].update({k: list(v) for k, v in (choices or {}).items()})
    run["defaults"].update(defaults or {})
    ss.setdefault(_key(schema.page, "defaults"), {}).update(defaults or {})
    run["box"] = st.container()
    problems = ss.setdefault(_key(schema.page, "problems"), [])
    problems += run.pop("pending")
    run["pending"] = []
    if _key(schema.page, "read") not in ss:
        ss[_key(schema.page, "read")] = True
        taken = ss.setdefault(_key(schema.page, "taken"), set())
        problems += _apply(schema.fields, run["choices"], run["defaults"], taken)


def settle(schema: Schema, key: str, allowed, default) -> str:
    """Bound a `late` field now that the page knows its range: `allowed` is a tuple (lo, hi) for a
    number, else a list of the valid values. A value outside is clamped (numbers) or replaced by `default`;
    a message says so when the value came from the link. Returns the widget's key.

    The value is written to the widget's key on every run, changed or not: a late field's options
    are the page's results, so their text can change while the value stays valid (hypothesis 1 of
    another beam is another sentence). Streamlit sends a keyed widget's value to the browser only
    when it was set this run, and the value read here before the widget is drawn is kept as read;
    unset, the browser would go on showing the text of the options it drew before, where a fresh
    browser opening the same link shows the new text."""
    f = next(f for f in schema.fields if f.key == key)
    ss = st.session_state
    run = ss.get(RUN) or {}
    run.setdefault("settled", set()).add(key)
    run.setdefault("defaults", {})[key] = default
    ss.setdefault(_key(schema.page, "defaults"), {})[key] = default
    wkey = "w:" + f.state
    value = ss.get(wkey, ss.get(f.state, default))
    problem = None
    if isinstance(allowed, tuple):  # (lo, hi) of a number
        lo, hi = allowed
        try:
            used, problem = clamp(f, value, lo, hi)
        except TypeError:
            used = default
    else:
        allowed = list(allowed)
        used = value if value in allowed else default
        if used != value:
            problem = Problem.of("ln.unknown", name=f.key, value=shown(value), used=shown(default))
    taken = ss.get(_key(schema.page, "taken"), set())
    if problem is not None and key in taken:
        ss.setdefault(_key(schema.page, "problems"), []).append(problem)
        ss.pop(_key(schema.page, "first"), None)  # the view with the message starts now
    taken.discard(key)  # settled once: a later clamp follows the user's own changes, not the link
    ss[wkey] = used  # every run: the browser shows the options' current text (see settle)
    ss[f.state] = used
    return wkey


def settle_many(schema: Schema, key: str, allowed, default: list) -> str:
    """`settle` for a late `choices` field (the pieces of a sentence to block): the values of the link
    or the widget that are in `allowed` (compared as text: a link's "3" is the piece 3), in their order;
    the others are dropped, with a message when they came from the link. Returns the widget's key."""
    f = next(f for f in schema.fields if f.key == key)
    ss = st.session_state
    run = ss.get(RUN) or {}
    run.setdefault("settled", set()).add(key)
    run.setdefault("defaults", {})[key] = list(default)
    ss.setdefault(_key(schema.page, "defaults"), {})[key] = list(default)
    wkey = "w:" + f.state
    held = ss.get(wkey, ss.get(f.state, default))
    value = list(held) if isinstance(held, (list, tuple)) else [held]
    by_text = {str(a): a for a in allowed}
    used = [by_text[str(v)] for v in value if str(v) in by_text]
    unknown = [shown(v) for v in value if str(v) not in by_text]
    taken = ss.get(_key(schema.page, "taken"), set())
    if unknown and key in taken:
        listed = ", ".join(unknown[:5]) + (" …" if len(unknown) > 5 else "")
        ss.setdefault(_key(schema.page, "problems"), []).append(Problem.of("ln.dropped", name=f.key, values=listed))
        ss.pop(_key(schema.page, "first"), None)
    taken.discard(key)
    ss[wkey] = used  # every run, a list (a multiselect's value, never a lone value): see settle
    ss[f.state] = used
    return wkey


def view(schema: Schema | None) -> dict[str, str]:
    """The query parameters of the current view: global and page fields that differ from their default."""
    ss = st.session_state
    run = ss.get(RUN) or {}
    defaults = {**(ss.get(_key(schema.page, "defaults"), {}) if schema else {}), **run.get("defaults", {})}
    params = {}
    for f in GLOBAL + (schema.fields if schema else ()):
        if f.state not in ss or (f.late and f.key not in run.get("settled", ())):
            continue
        value = ss[f.state]
        default = f.default if f.default is not None else defaults.get(f.key)
        if default is None or not same(f, value, default):
            params[f.key] = encode(f, value)
    return params


def _show(problems: list[Problem]) -> None:
    for p in problems:
        widgets.show_error(t(p.key, **dict(p.fields)), warning=True)


def stop() -> NoReturn:
    """st.stop() for pages that join: the view is written first. (After st.stop, every Streamlit
    call raises StopException again, so app.py's `finish` in its `finally` could not write.)"""
    finish()
    st.stop()


def finish() -> None:
    """app.py, after the page ran: the view into the URL; the link's messages while it is unchanged."""
    ss = st.session_state
    run = ss.get(RUN)
    if run is None or run.get("finished"):
        return
    run["finished"] = True
    schema = run["schema"]
    params = view(schema)
    if st.query_params.to_dict() != params:
        st.query_params.from_dict(params)
    if schema is None:  # a page that has not joined: the global values' messages, at its end
        _show(run.get("pending", []))
        return
    page = {k: v for k, v in params.items() if k != "lang"}  # a new language re-labels the messages
    first = ss.setdefault(_key(schema.page, "first"), page)
    problems = ss.get(_key(schema.page, "problems"), [])
    if page != first:
        problems.clear()
    if problems and run["box"] is not None:
        with run["box"]:
            _show(problems)
