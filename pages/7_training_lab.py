"""Training lab: train two small models side by side on a toy task and watch them learn
(loss, exact match by length, the probe's attention), then decode your own sequences."""

import streamlit as st

from s2s import figures, toy
from s2s.errors import S2SError
from s2s.lab import CELLS, KINDS, train_mean
from s2s.text import MAX_CHARS
from s2s.ui import lab_runs, links, widgets
from s2s.ui.strings import t

NS = "lab"
REFRESH = 1.0  # seconds between looks at the runs while they train
FOLLOW, STEP = f"{NS}.follow", f"w:{NS}.step"
ACTIVE = ("queued", "running")
HIDDEN = (16, 32, 64, 128)
TYPED = "a b c d e f g"
D = lab_runs.DEFAULTS
SCHEMA = links.Schema(NS, (
    links.choice("task", f"{NS}.task", toy.TASKS, default=D["task"]),
    links.choice("a", f"{NS}.model_a", KINDS, default=D["model_a"]),
    links.choice("b", f"{NS}.model_b", KINDS, default=D["model_b"]),
    links.choice("cell", f"{NS}.cell", CELLS, default=D["cell"]),
    links.integer("hidden", f"{NS}.hidden", min(HIDDEN), max(HIDDEN), default=D["hidden"], late=True),  # one of HIDDEN
    links.integer("min_len", f"{NS}.min_len", 0, 1000, default=D["min_len"]),  # the widgets' bounds: the lab
    links.integer("max_len", f"{NS}.max_len", 0, 1000, default=D["max_len"]),  # refuses what it cannot train
    links.number("seconds", f"{NS}.seconds", 0.0, 100_000.0, default=D["seconds"], step=0.1),
    links.integer("steps", f"{NS}.steps", 0, 10_000_000, default=D["steps"]),
    links.text("typed", f"{NS}.typed", MAX_CHARS, default=TYPED),
))
pool = lab_runs.pool()


def field(name: str) -> str:
    return widgets.widget_key(f"{NS}.{name}", lab_runs.DEFAULTS[name])


def use_preset(name: str) -> None:
    for k, v in lab_runs.PRESETS[name].items():
        st.session_state[f"w:{NS}.{k}"] = st.session_state[f"{NS}.{k}"] = v


st.title(t("lab.title"))
widgets.intro(t("lab.intro"))
links.read(SCHEMA)
p1, p2 = st.columns(2)
p1.button(t("lab.preset.anti_diagonal"), key=f"w:{NS}.preset1", on_click=use_preset, args=("anti_diagonal",))
p2.button(t("lab.preset.longer"), key=f"w:{NS}.preset2", on_click=use_preset, args=("longer",))

c1, c2, c3, c4 = st.columns(4)
values = {
    "task": c1.selectbox(t("lab.task"), toy.TASKS, key=field("task"), format_func=lambda k: t(f"lab.task.{k}")),
    "model_a": c2.selectbox(t("lab.model_a"), KINDS, key=field("model_a")),
    "model_b": c3.selectbox(t("lab.model_b"), KINDS, key=field("model_b")),
    "cell": c4.radio(t("lab.cell"), CELLS, key=field("cell"), horizontal=True),
    "hidden": c1.select_slider(t("lab.hidden"), HIDDEN, key=links.settle(SCHEMA, "hidden", list(HIDDEN), D["hidden"])),
    "min_len": c2.number_input(t("lab.min_len"), 0, 1000, key=field("min_len")),
    "max_len": c3.number_input(t("lab.max_len"), 0, 1000, key=field("max_len")),
    "seconds": c4.number_input(t("lab.seconds", cap=f"{pool.max_seconds:g}"), 0.0, 100_000.0, step=10.0,
                               key=field("seconds")),
    "steps": c1.number_input(t("lab.steps", cap=pool.max_steps), 0, 10_000_000, step=500, key=field("steps")),
}
for k, v in values.items():
    widgets.keep(f"{NS}.{k}", v)

ids = st.session_state.get(lab_runs.RUNS_KEY, {})
b1, b2, _ = st.columns([1, 1, 5])
if b1.button(t("lab.train"), type="primary", key=f"w:{NS}.train"):
    try:
        ids = lab_runs.start(pool, lab_runs.pair_settings(values), ids)
    except S2SError as exc:
        widgets.show_error(t("lab.refused", msg=str(exc)), warning=True)
    else:
        st.session_state[lab_runs.RUNS_KEY] = ids
        st.session_state[FOLLOW] = True
if b2.button(t("lab.stop"), key=f"w:{NS}.stop", disabled=not ids):
    for run_id in ids.values():
        pool.cancel(run_id)

if not ids:
    st.info(t("lab.none_yet"))
    links.stop()
training = any(v is not None and v.status in ACTIVE for v in lab_runs.views(pool, ids).values())


def follow_off() -> None:
    st.session_state[FOLLOW] = False


def go(stops: list[int], delta: int) -> None:
    """The previous / next snapshot (the buttons a clicker's keys press); the slider stops following."""
    here = stops.index(st.session_state[STEP]) if st.session_state.get(STEP) in stops else len(stops) - 1
    st.session_state[STEP] = stops[min(len(stops) - 1, max(0, here + delta))]
    follow_off()


@st.fragment(run_every=REFRESH if training else None)
def live() -> None:
    vs = lab_runs.views(pool, ids)
    cols = widgets.figure_columns(len(vs))
    for col, (slot, v) in zip(cols, vs.items()):
        with col:
            if v is None:
                st.warning(t("lab.forgotten"))
                continue
            st.markdown(f"#### {widgets.escape_md(lab_runs.label(slot, v))}")
            snap = v.snapshots[-1] if v.snapshots else None
            if v.status == "queued":
                st.info(t("lab.queued", pos=v.position))
            elif v.status == "error":
                widgets.show_error(t("lab.error", msg=v.error))
            elif snap is None:
                st.caption(t("lab.starting"))
            else:
                st.caption(t(f"lab.status.{v.status}", step=snap["step"], s=f"{snap['elapsed']:.1f}",
                             em=f"{train_mean(snap, v.settings):.0%}"))
            if v.summary is not None:
                when = v.summary["time_to_95"]
                st.caption(t("lab.t95", s=f"{when:.1f}") if when is not None else t("lab.t95.none"))
    stops = lab_runs.steps(vs)
    if not stops:
        return
    if st.session_state.get(FOLLOW, True) or st.session_state.get(STEP) not in stops:
        st.session_state[STEP] = stops[-1]
    here = stops.index(st.session_state[STEP])
    with st.container(horizontal=True, vertical_alignment="bottom"):  # buttons as wide as their labels
        st.button(t("lab.prev"), key=f"w:{NS}.prev", on_click=go, args=(stops, -1), disabled=here == 0)
        st.button(t("lab.next"), key=f"w:{NS}.next", on_click=go, args=(stops, 1), disabled=here == len(stops) - 1)
        step = (st.select_slider(t("lab.scrub"), stops, key=STEP, on_change=follow_off) if len(stops) > 1
                else stops[0])
    widgets.clicker_keys(f"w:{NS}.next", f"w:{NS}.prev")  # a presentation clicker: Page Down / Up, arrows
    if not st.session_state.get(FOLLOW, True):
        st.button(t("lab.follow"), key=f"w:{NS}.follow", on_click=lambda: st.session_state.update({FOLLOW: True}))
    left, right = widgets.figure_columns(2)
    with left:
        widgets.show_figure(figures.loss_curves(lab_runs.loss_series(vs), title=t("lab.fig.loss"),
                                                y_title=t("lab.fig.loss.y"), x_title=t("lab.fig.step"),
                                                large=widgets.large()), key=f"{NS}.loss", filename="lab-loss")
    lengths, series = lab_runs.exact_series(vs, step)
    some = next(v for v in vs.values() if v)
    with right:
        widgets.show_figure(figures.exact_by_length(
            lengths, series, (some.settings.min_len, some.settings.max_len), title=t("lab.fig.exact", step=step),
            x_title=t("lab.fig.length"), y_title=t("lab.fig.exact.y"), trained_label=t("lab.fig.trained"),
            large=widgets.large()), key=f"{NS}.exact", filename="lab-exact")
    st.markdown(f"##### {t('lab.probe')}")
    cols = widgets.figure_columns(len(vs))
    for col, (slot, v) in zip(cols, vs.items()):
        snap = lab_runs.at(v, step) if v else None
        with col:
            if snap is None:
                continue
            probe = snap["probe"]
            st.caption(t("lab.probe.out", out=" ".join(probe["output"]) or "∅"))
            if probe["attention"] is None:
                st.info(t("lab.vanilla"))
            else:
                widgets.show_figure(figures.attention_heatmap(
                    probe["attention"], probe["source"] + ["</s>"], probe["target"] + ["</s>"],
                    title=t("lab.fig.probe", name=lab_runs.label(slot, v), step=snap["step"]),
                    x_title=t("lab.fig.input"), y_title=t("lab.fig.output"), large=widgets.large(),
                    max_height=420), key=f"{NS}.probe.{slot}", filename=f"lab-probe-{slot}")
    if training and not any(v is not None and v.status in ACTIVE for v in vs.values()):
        st.rerun()  # done: draw the page once more without the timer, with the decoding box


live()
if training:
    links.stop()

vs = lab_runs.views(pool, ids)
st.subheader(t("lab.try"))
typed = st.text_input(t("lab.try.input", symbols=" ".join(toy.SYMBOLS)), key=widgets.widget_key(f"{NS}.typed", TYPED))
widgets.keep(f"{NS}.typed", typed)
cols = widgets.figure_columns(len(vs))
for col, (slot, v) in zip(cols, vs.items()):
    with col:
        if v is None or v.weights is None:
            continue
        st.markdown(f"#### {widgets.escape_md(lab_runs.label(slot, v))}")
        try:
            out = lab_runs.decode(v, typed)
        except S2SError as exc:
            widgets.show_error(t("lab.try.refused", msg=str(exc)), warning=True)
            continue
        st.code(" ".join(out["output"]), language=None)
        if out["attention"] is None:
            st.info(t("lab.vanilla"))
        else:
            widgets.show_figure(figures.attention_heatmap(out["attention"], out["source"], out["output"],
                                                          x_title=t("lab.fig.input"), y_title=t("lab.fig.output"),
                                                          large=widgets.large(), max_height=520),
                                key=f"{NS}.try.{slot}", filename=f"lab-try-{slot}")
