"""The training lab page's link to the shared worker pool (s2s/lab_pool.py) and its data shaping.

`pool()` is one LabPool per server (st.cache_resource: shared by every session, thread-safe).
A session's two runs are owned by "<session id>:a" and "<session id>:b", so pressing Train twice
finds the runs already there instead of starting two more (and while either of them still trains,
Train starts nothing, not even the one that has finished).
"""

from __future__ import annotations

import uuid

import streamlit as st

from ..errors import S2SError
from ..lab import LabSettings, load_model, decode as lab_decode
from ..lab_pool import LabPool, RunView

SLOTS = ("a", "b")
SESSION_KEY = "lab.session"
RUNS_KEY = "lab.runs"
# page presets: the form's values (model_a/model_b are the two runs' kinds)
PRESETS = {
    "anti_diagonal": {"task": "reverse", "model_a": "vanilla", "model_b": "bahdanau", "cell": "gru", "hidden": 64,
                      "min_len": 3, "max_len": 10, "seconds": 60.0, "steps": 3000},
    "longer": {"task": "copy", "model_a": "vanilla", "model_b": "bahdanau", "cell": "gru", "hidden": 64,
               "min_len": 3, "max_len": 8, "seconds": 60.0, "steps": 3000},
}
DEFAULTS = PRESETS["anti_diagonal"]


@st.cache_resource(show_spinner=False)
def pool() -> LabPool:
    return LabPool.from_env()


def session_id() -> str:
    return st.session_state.setdefault(SESSION_KEY, uuid.uuid4().hex)


def pair_settings(values: dict) -> tuple[LabSettings, LabSettings]:
    """The two runs' settings from the form's values; ConfigError names the bad one."""
    common = {k: values[k] for k in ("task", "cell", "hidden", "min_len", "max_len", "seconds", "steps")}
    common["seconds"], common["steps"] = float(common["seconds"]), int(common["steps"])
    for k in ("hidden", "min_len", "max_len"):
        common[k] = int(common[k])
    return LabSettings(model=values["model_a"], **common), LabSettings(model=values["model_b"], **common)


def start(p: LabPool, settings: tuple[LabSettings, LabSettings], current: dict[str, str] | None = None) -> dict[str, str]:
    """Submit both runs (or neither: a refusal of the second cancels the first). While either of
    the session's `current` runs is still queued or training, nothing new starts: those are returned."""
    if current and any(v is not None and v.active for v in views(p, current).values()):
        return current
    sid, ids = session_id(), {}
    try:
        for slot, s in zip(SLOTS, settings):
            ids[slot] = p.submit(f"{sid}:{slot}", s)
    except S2SError:
        for run_id in ids.values():
            p.cancel(run_id)
        raise
    return ids


def views(p: LabPool, ids: dict[str, str]) -> dict[str, RunView | None]:
    return {slot: p.status(run_id) for slot, run_id in ids.items()}


def steps(vs: dict[str, RunView | None]) -> list[int]:
    """Every snapshot step of the runs, sorted (the scrubbing slider's stops)."""
    return sorted({snap["step"] for v in vs.values() if v for snap in v.snapshots})


def at(view: RunView, step: int | None) -> dict | None:
    """The run's last snapshot at or before `step` (None: its newest)."""
    snaps = view.snapshots
    if not snaps:
        return None
    if step is None:
        return snaps[-1]
    before = [s for s in snaps if s["step"] <= step]
    return before[-1] if before else snaps[0]


def label(slot: str, view: RunView) -> str:
    return f"{slot.upper()}: {view.settings.model} ({view.settings.cell})"


def loss_series(vs: dict[str, RunView | None]) -> dict[str, tuple[list, list]]:
    return {label(slot, v): ([s["step"] for s in v.snapshots], [s["loss"] for s in v.snapshots])
            for slot, v in vs.items() if v and v.snapshots}


def exact_series(vs: dict[str, RunView | None], step: int | None) -> tuple[list[int], dict[str, list[float]]]:
    """(test lengths, {run: exact match per length}) at `step`."""
    lengths, series = [], {}
    for slot, v in vs.items():
        snap = at(v, step) if v else None
        if snap is not None:
            lengths = list(v.settings.test_lengths)
            series[label(slot, v)] = [snap["exact_match"][n] for n in lengths]
    return lengths, series


def trained_model(view: RunView):
    """The run's trained model, rebuilt from its weights (None before it has any)."""
    if view.weights is None:
        return None
    return _model(view.id, view.settings, view.weights)


@st.cache_resource(max_entries=16, show_spinner=False)
def _model(run_id: str, _settings: LabSettings, _weights: bytes):
    """Keyed by the run's id alone: a run's weights never change once it has them."""
    return load_model(_settings, _weights)


def decode(view: RunView, text: str) -> dict | None:
    model = trained_model(view)
    return None if model is None else lab_decode(model, text)
