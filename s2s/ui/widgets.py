"""Shared widgets: sidebar, sentence box with presets, model picker, decoding controls,
figure and error display, projector mode, clicker keys. Pages call these; no widget code is
copied between pages.

Projector mode lives in s2s/ui/projector.py and is used through this module (widgets.large,
widgets.intro, widgets.figure_columns, widgets.clicker_keys); `show_figure` keeps a figure's least
width (s2s/figures/style.py: the sizing rule).

State lives in st.session_state only, under keys namespaced per page ("translate.sentence").
Widgets use a twin key ("w:translate.sentence") that Streamlit may drop when another page
is shown; the plain key keeps the value, so a page looks the same when one comes back to it.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import streamlit as st

from ..errors import InputError
from ..figures import style
from ..text import MAX_BEAM, clean_text
from . import classroom, models
from .projector import (PROJECTOR_CSS, PROJECTOR_KEY, clicker_keys, css_class, figure_columns, intro, large,  # noqa: F401
                        projector)
from .strings import LANG_KEY, LANGS, t

PRESETS = {
    "eng": {
        "short": ["I am hungry.", "Where is the station?", "She reads a book every night.",
                  "We will go to the beach tomorrow."],
        "long": [
            "When I was a child, my grandmother used to tell me long stories about the small village in the "
            "mountains where she had grown up with her four brothers.",
            "If you had told me last year that I would be living in another country and working at a job I "
            "love, I would not have believed you.",
            "The doctor told my father that he should stop smoking, eat more vegetables and walk for at least "
            "thirty minutes every day if he wanted to feel better.",
        ],
    },
    "spa": {
        "short": ["Tengo hambre.", "¿Dónde está la estación?", "Ella lee un libro cada noche."],
        "long": [
            "Cuando era niño, mi abuela me contaba largas historias sobre el pequeño pueblo en las montañas "
            "donde había crecido con sus cuatro hermanos.",
            "El médico le dijo a mi padre que debería dejar de fumar, comer más verduras y caminar al menos "
            "treinta minutos cada día si quería sentirse mejor.",
        ],
    },
}
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:=^&])")


def escape_md(text: str) -> str:
    """Text safe to put into markdown (st.markdown, st.error ...): every markup character escaped."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def widget_key(key: str, default):
    """Widget key for the persistent value `key` (initialised from it, or from `default`)."""
    wkey = "w:" + key
    if wkey not in st.session_state:
        st.session_state[wkey] = st.session_state.get(key, default)
    return wkey


def keep(key: str, value):
    """Store a widget's value under its persistent key (survives the widget being rebuilt)."""
    st.session_state[key] = value
    return value


def _language_changed() -> None:
    """Every label changes with the language, so every widget is new: drop the widget keys and
    let each widget start again from its kept value (the plain key)."""
    st.session_state[LANG_KEY] = st.session_state["w:" + LANG_KEY]
    for key in [k for k in st.session_state if str(k).startswith("w:") and k != "w:" + LANG_KEY]:
        del st.session_state[key]


def sidebar(infos: list[models.ModelInfo], page_path: str = "") -> str | None:
    """Language pair, UI language, the projector toggle and the share button; returns the chosen pair."""
    with st.sidebar:
        # constant label: a widget whose label changes is a new widget to Streamlit
        st.radio("UI language · 화면 언어", list(LANGS), format_func=LANGS.get, key=widget_key(LANG_KEY, "en"),
                 horizontal=True, on_change=_language_changed)
        st.session_state[LANG_KEY] = st.session_state["w:" + LANG_KEY]
        all_pairs = models.pairs(infos)
        pair = None
        if all_pairs:
            default = default_pair(all_pairs)
            wkey = widget_key("app.pair", default)
            if st.session_state[wkey] not in all_pairs:
                st.session_state[wkey] = default
            pair = keep("app.pair", st.selectbox(t("app.pair"), all_pairs, key=wkey))
        keep(PROJECTOR_KEY, st.toggle(t("app.large"), key=widget_key(PROJECTOR_KEY, False)))
        if large():  # st.markdown, not a style-only st.html: AppTest loses the sidebar beside one
            st.markdown(PROJECTOR_CSS, unsafe_allow_html=True)  # constant CSS only, never user text
        share(page_path)
    return pair


def share(page_path: str) -> None:
    """Classroom address (when served with --classroom) and a button that shows the current view's
    link and its QR code. Shown on the run the button starts: the page has written its view into
    the URL on the run before, so the link is the view on screen (the next change hides it)."""
    room = classroom.classroom_url()
    if room:
        st.info(t("share.classroom", url=escape_md(room)))
        st.caption(t("share.everyone"))
    if not st.button(t("share.button"), key="w:app.share"):
        return
    base = room or st.context.url or f"http://127.0.0.1:{st.get_option('server.port')}"
    url = classroom.view_url(base, page_path, st.query_params.to_dict())
    st.image(classroom.qr_png(url), caption=t("share.qr"), width="stretch")
    st.code(url, language=None, wrap_lines=True)
    if not room and urlsplit(base).hostname in ("127.0.0.1", "localhost", "::1"):
        st.caption(t("share.local_only"))


def pair_models(infos: list[models.ModelInfo]) -> list[models.ModelInfo]:
    pair = st.session_state.get("app.pair")
    return [i for i in infos if i.pair == pair] or infos


def model_label(info: models.ModelInfo, long: bool = False) -> str:
    """"bahdanau · Bahdanau" (short, for pickers) or the full kind name (long, for captions)."""
    prefix = "kind." if long else "short."
    kind = t(f"{prefix}{info.attention}") if info.attention else t("kind.unknown")
    if kind.startswith(prefix):
        kind = str(info.attention)
    text = kind if long else f"{info.short} · {kind}"
    return text + (f" ({t('kind.reversed')})" if info.reverse else "")


def model_heading(info: models.ModelInfo) -> None:
    st.subheader(escape_md(info.short), anchor=False)
    st.caption(escape_md(model_label(info, long=True)))
    model_card(info)


def model_card(info: models.ModelInfo) -> None:
    """The checkpoint's model card (its README.md) in a closed expander."""
    text = models.model_card(info.path, info.stamp)
    with st.expander(t("w.card")):
        st.caption(t("w.card.file", path=escape_md(f"{info.path}/README.md")))
        if text is None:
            st.info(t("w.card.none", cmd=escape_md(f"python -m s2s card {info.path}")))
        else:
            st.markdown(text)  # written by `s2s card` from the card; no HTML is rendered


def default_pair(all_pairs: list[str]) -> str:
    """The language pair the sidebar starts on (`all_pairs` not empty)."""
    return "eng-spa" if "eng-spa" in all_pairs else all_pairs[0]


def default_models(infos: list[models.ModelInfo]) -> list[str]:
    """Vanilla vs Bahdanau when present, else the first two."""
    picks = [next((i.name for i in infos if i.vanilla), None),
             next((i.name for i in infos if i.attention == "bahdanau"), None)]
    picks = [p for p in picks if p]
    return picks if len(picks) == 2 else [i.name for i in infos[:2]]


def default_model(infos: list[models.ModelInfo], kind: str = "bahdanau") -> list[str]:
    """The one model a single-model page starts on: the first checkpoint of attention `kind` ("none":
    vanilla), else the first."""
    return [next((i.name for i in infos if i.attention == kind), infos[0].name)] if infos else []


def model_picker(ns: str, infos: list[models.ModelInfo], default: list[str] | None = None,
                 multi: bool = True) -> list[models.ModelInfo]:
    """Multiselect (or selectbox) of checkpoints; returns the chosen ModelInfos in order."""
    by_name = {i.name: i for i in infos}
    names = list(by_name)
    key = f"{ns}.models"
    wkey = widget_key(key, default if default is not None else default_models(infos))
    labels = {n: model_label(by_name[n]) for n in names}  # fixed now: format_func may run outside the script
    if multi:
        st.session_state[wkey] = [n for n in st.session_state[wkey] if n in by_name]
        chosen = st.multiselect(t("w.models"), names, key=wkey, format_func=labels.get, placeholder=t("w.choose"))
    else:
        current = st.session_state[wkey]
        current = current[0] if isinstance(current, list) and current else current
        st.session_state[wkey] = current if current in by_name else names[0]
        chosen = [st.selectbox(t("w.model"), names, key=wkey, format_func=labels.get, placeholder=t("w.choose_one"))]
    keep(key, list(chosen))
    return [by_name[n] for n in chosen]


def decoding_controls(ns: str, allow_greedy: bool = True, default_beam: int = 5) -> tuple[int, float]:
    """Greedy/beam choice, beam size and length penalty; returns (beam, length penalty).
    The beam the page decodes with is kept under "<ns>.beam" (1: greedy), the slider's last
    value under "<ns>.beam_size" (it comes back when one returns from greedy to beam)."""
    ss, key = st.session_state, f"{ns}.beam"
    kept = int(ss.get(key, 1 if allow_greedy else default_beam))
    beam = kept
    if allow_greedy:
        if f"w:{ns}.mode" not in ss:  # the radio follows the kept beam (a link's beam=3 is beam search)
            ss[f"w:{ns}.mode"] = "beam" if kept > 1 else "greedy"
        mode = st.radio(t("w.decoding"), ["greedy", "beam"], horizontal=True,
                        format_func={m: t(f"w.{m}") for m in ("greedy", "beam")}.get, key=f"w:{ns}.mode")
        beam = 1
    else:
        mode = "beam"
    if mode == "beam":
        if f"w:{key}" not in ss:
            ss[f"w:{key}"] = kept if kept > 1 or not allow_greedy else int(ss.get(f"{ns}.beam_size", default_beam))
        beam = keep(f"{ns}.beam_size", st.slider(t("w.beam_size"), 1 if not allow_greedy else 2, MAX_BEAM,
                                                 key=f"w:{key}"))
    keep(key, int(beam))
    lp = keep(f"{ns}.lp", st.slider(t("w.lp"), 0.0, 2.0, step=0.1, help=t("w.lp.help"),
                                     key=widget_key(f"{ns}.lp", 1.0)))
    return int(beam), float(lp)


def default_sentence() -> str:
    """The sentence a page starts with in a new session: the pair's first short preset."""
    src_lang = str(st.session_state.get("app.pair") or "eng-spa").split("-")[0]
    return PRESETS.get(src_lang, PRESETS["eng"])["short"][0]


def sentence_box(ns: str) -> str:
    """Preset picker + text area (+ a Translate button that commits the text); returns the text."""
    key = f"{ns}.sentence"
    src_lang = str(st.session_state.get("app.pair") or "eng-spa").split("-")[0]
    presets = PRESETS.get(src_lang, PRESETS["eng"])
    options = [""] + [f"{kind}|{s}" for kind in ("short", "long") for s in presets[kind]]

    def label(o: str) -> str:
        if not o:
            return t("w.preset.none")
        kind, text = o.split("|", 1)
        return f"[{t('w.preset.' + kind)}, {len(text.split())}w] {text}"

    pkey = widget_key(f"{ns}.preset", "")  # set from session state: a new language re-labels it
    if st.session_state[pkey] not in options:  # another pair's preset
        st.session_state[pkey] = ""

    def use_preset():
        choice = st.session_state.get(pkey) or ""
        if choice:
            st.session_state["w:" + key] = st.session_state[key] = choice.split("|", 1)[1]

    keep(f"{ns}.preset", st.selectbox(t("w.preset"), options, format_func={o: label(o) for o in options}.get,
                                      key=pkey, on_change=use_preset, placeholder=t("w.choose_one")))
    default = st.session_state.get("app.sentence", presets["short"][0])
    text = st.text_area(t("w.sentence"), key=widget_key(key, default), height=90)
    st.button(t("w.run"), type="primary", key=f"w:{ns}.run")
    st.session_state["app.sentence"] = text
    return keep(key, text)


def show_figure(fig, key: str, filename: str = "attention-lab") -> None:
    """Plotly chart, full width, with a PNG export button (scale 2) in its toolbar. A figure that
    records a least width (figures.style.set_min_width: a 40-piece heatmap) keeps it and scrolls
    sideways in its place when the main area is narrower: its labels never overlap."""
    least = style.min_width(fig)
    if not least:
        _plotly(fig, key, filename)
        return
    # Streamlit draws a chart at its container's width: a container held at least that wide
    # (inner) inside one that scrolls sideways (outer). Classes of [A-Za-z0-9_-] and a number only.
    name = re.sub(r"[^A-Za-z0-9_-]", "-", key)
    outer, inner = f"figscroll-{name}", f"figwide-{name}"
    with st.container(key=outer, gap=None):
        st.markdown(f"<style>.{css_class(outer)} {{ overflow-x: auto; }} .{css_class(inner)} {{ min-width: {least}px; }}"
                    "</style>", unsafe_allow_html=True)
        with st.container(key=inner):
            _plotly(fig, key, filename)


def _plotly(fig, key: str, filename: str) -> None:
    st.plotly_chart(fig, width="stretch", key=key, config={
        "displaylogo": False,
        "toImageButtonOptions": {"format": "png", "scale": 2, "filename": filename},
    })


def show_error(message: str, warning: bool = False) -> None:
    """Plain-text message box (markup escaped: user text is never interpreted)."""
    (st.warning if warning else st.error)(escape_md(message))


def require_text(text: str) -> None:
    """Stop the page with a plain message when `text` is empty or would be refused."""
    from . import links  # links builds on this module

    if not text.strip():
        st.info(t("w.empty"))
        links.stop()
    try:
        clean_text(text)
    except InputError as exc:
        show_error(t("w.input_error", msg=str(exc)), warning=True)
        links.stop()


def show_model_error(info: models.ModelInfo, error: Exception) -> None:
    if isinstance(error, models.CheckpointError):
        show_error(t("w.load_error", name=info.short, kind=type(error).__name__, msg=str(error)))
    else:
        show_error(t("w.input_error", msg=str(error)), warning=True)


def show_source(pieces: list[str], unk_count: int) -> None:
    st.caption(t("w.source_pieces"))
    st.code(" ".join(pieces), language=None, wrap_lines=True)
    if unk_count:
        show_error(t("w.unk", n=unk_count), warning=True)


def translation_text(text: str) -> None:
    """A translation in large type; escaped, so markup in the output is shown as it is."""
    st.markdown("#### " + (escape_md(text) or "∅"))
