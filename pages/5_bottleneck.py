"""Bottleneck vs attention: BLEU/chrF by source length and on concatenated inputs for every
checkpoint (from the cards; live evaluation on demand), and the sentences where two differ most."""

import pandas as pd
import streamlit as st

from s2s import compare, figures
from s2s.data import LENGTH_BUCKETS
from s2s.errors import S2SError
from s2s.evaluate import CONCAT_SIZES, evaluate
from s2s.ui import links, models, page_data, widgets
from s2s.ui.strings import t

NS = "bottleneck"
LIVE = f"{NS}.live"  # session state: "name@stamp" -> (metrics, outputs, limit); never written to a card
SCHEMA = links.Schema(NS, (
    links.choice("metric", f"{NS}.metric", ("bleu", "chrf"), default="bleu"),
    links.flag("quick", f"{NS}.quick", default=True),  # a live evaluation's settings (its numbers stay here)
    links.integer("n", f"{NS}.quick_n", 2, 500, default=20),
    links.choice("a", f"{NS}.a", late=True),  # the two checkpoints compared sentence by sentence
    links.choice("b", f"{NS}.b", late=True),
    links.choice("dir", f"{NS}.dir", compare.DIRECTIONS, default=compare.DIRECTIONS[0]),
))
infos = sorted(widgets.pair_models(models.catalog()), key=lambda i: (not i.vanilla, i.name))  # vanilla first
live = st.session_state.setdefault(LIVE, {})

st.title(t("bn.title"))
widgets.intro(t("bn.intro"))
links.read(SCHEMA, choices={"a": [i.name for i in infos], "b": [i.name for i in infos]})
metric = st.radio(t("bn.metric"), ["bleu", "chrf"], format_func={"bleu": "BLEU", "chrf": "chrF"}.get, horizontal=True,
                  key=widgets.widget_key(f"{NS}.metric", "bleu"))
widgets.keep(f"{NS}.metric", metric)
name_of = {"bleu": "BLEU", "chrf": "chrF"}[metric]

results, labels, dashed, waiting = {}, {}, [], []  # name -> metrics; name -> legend label
for info in infos:
    card = page_data.test_metrics(info.path, info.stamp)
    if card is not None:
        results[info.name], labels[info.name] = (card, None, None), info.short
    elif f"{info.name}@{info.stamp}" in live:  # a retrained checkpoint (new stamp) is not evaluated
        results[info.name] = live[f"{info.name}@{info.stamp}"]
        limit = results[info.name][2]
        labels[info.name] = f"{info.short} " + (t("bn.quick_suffix", n=limit) if limit else t("bn.live_suffix"))
        dashed.append(labels[info.name])
    else:
        waiting.append(info)


def value(m: dict | None):
    return None if not m or not m.get("n") else m.get(metric)


if results:
    c1, c2 = widgets.figure_columns(2)
    with c1:
        st.subheader(t("bn.by_length", metric=name_of))
        by_length = {labels[n]: [value(r[0]["by_length"].get(b)) for b in LENGTH_BUCKETS] for n, r in results.items()}
        counts = {labels[n]: [(r[0]["by_length"].get(b) or {}).get("n") for b in LENGTH_BUCKETS] for n, r in results.items()}
        widgets.show_figure(figures.metric_lines(
            by_length, LENGTH_BUCKETS, counts=counts, dashed=dashed, x_title=t("bn.by_length.x"), y_title=name_of,
            large=widgets.large()), key=f"{NS}.length", filename=f"{metric}-by-length")
    with c2:
        st.subheader(t("bn.concat", metric=name_of))
        sizes = ["1"] + [str(k) for k in CONCAT_SIZES]
        concat = {labels[n]: [value(r[0])] + [value(r[0].get("concat", {}).get(str(k))) for k in CONCAT_SIZES]
                  for n, r in results.items()}
        counts = {labels[n]: [r[0].get("n")] + [(r[0].get("concat", {}).get(str(k)) or {}).get("n") for k in CONCAT_SIZES]
                  for n, r in results.items()}
        widgets.show_figure(figures.metric_lines(
            concat, sizes, counts=counts, dashed=dashed, x_title=t("bn.concat.x"), y_title=name_of,
            large=widgets.large()), key=f"{NS}.concat", filename=f"{metric}-concatenated")
        st.caption(t("bn.concat.cap"))
    st.subheader(t("bn.table"))
    by_name = {i.name: i for i in infos}
    st.dataframe(pd.DataFrame({
        t("bn.col.model"): [by_name[n].short for n in results],
        t("bn.col.kind"): [widgets.model_label(by_name[n], long=True) for n in results],
        "BLEU": [r[0].get("bleu") for r in results.values()],
        "chrF": [r[0].get("chrf") for r in results.values()],
        t("bn.col.decoding"): ["greedy" if r[0].get("beam", 1) == 1 else f"beam {r[0]['beam']}, α {r[0].get('length_penalty', 1.0):g}"
                               for r in results.values()],
        "n": [r[0].get("n") for r in results.values()],
        t("bn.col.source"): [t("bn.from_card") if r[1] is None else (t("bn.from_quick", n=r[2]) if r[2] else t("bn.from_live"))
                             for r in results.values()],
    }), hide_index=True, width="stretch", key=f"{NS}.table")
else:
    st.info(t("bn.none"))

if waiting:
    st.subheader(t("bn.unevaluated"))
    st.caption(t("bn.unevaluated.cap"))
    q1, q2 = st.columns([3, 1])
    quick = q1.checkbox(t("bn.quick"), key=widgets.widget_key(f"{NS}.quick", True))
    widgets.keep(f"{NS}.quick", quick)
    quick_n = int(q2.number_input(t("bn.quick_n"), 2, 500, key=widgets.widget_key(f"{NS}.quick_n", 20), disabled=not quick))
    widgets.keep(f"{NS}.quick_n", quick_n)
    for info in waiting:
        if info.card_error:
            widgets.show_error(t("bn.unreadable", name=info.short, msg=info.card_error), warning=True)
            continue
        a, b = st.columns([3, 2])
        a.markdown("- " + widgets.escape_md(t("bn.not_evaluated", name=info.short)))
        if b.button(t("bn.run", name=info.short), key=f"w:{NS}.run.{info.name}"):
            ckpt, error = models.load(info)
            if error is not None:
                widgets.show_model_error(info, error)
                continue
            bar = st.progress(0.0, text=t("bn.running", name=info.short))
            limit = quick_n if quick else None
            try:
                metrics, outputs = evaluate(ckpt, limit=limit, concat_limit=limit if quick else 500,
                                            progress=lambda done, total: bar.progress(done / max(total, 1)))
            except (S2SError, OSError, ValueError) as exc:
                widgets.show_error(t("bn.eval_error", name=info.short, msg=str(exc)))
                continue
            live[f"{info.name}@{info.stamp}"] = (metrics, {src: hyp for src, _, hyp in outputs}, limit)
            st.rerun()

st.divider()
st.subheader(t("bn.diff"))
outputs = {}
for name in results:
    info = next(i for i in infos if i.name == name)
    out = results[name][1] if results[name][1] is not None else page_data.test_outputs(info.path, info.stamp)
    if out:
        outputs[name] = out
if len(outputs) < 2:
    st.info(t("bn.diff.need"))
    links.stop()
names = list(outputs)
vanilla = [n for n in names if next(i for i in infos if i.name == n).vanilla]
attn = [n for n in names if n not in vanilla]
d1, d2, d3 = st.columns(3)
show = {n: labels[n] for n in names}
a = widgets.keep(f"{NS}.a", d1.selectbox(t("tr.diff.a"), names, format_func=show.get,
                                         key=links.settle(SCHEMA, "a", names, (vanilla or names)[0])))
b_default = (attn or [n for n in names if n != a])[0]
b = widgets.keep(f"{NS}.b", d2.selectbox(t("tr.diff.b"), names, format_func=show.get,
                                         key=links.settle(SCHEMA, "b", names, b_default)))
direction = widgets.keep(f"{NS}.dir", d3.radio(
    t("bn.diff.dir"), list(compare.DIRECTIONS), format_func={d: t(f"bn.dir.{d}") for d in compare.DIRECTIONS}.get,
    horizontal=True, key=widgets.widget_key(f"{NS}.dir", compare.DIRECTIONS[0])))
try:
    refs = page_data.references(next(i for i in infos if i.name == a).pair)
except (OSError, ValueError) as exc:
    widgets.show_error(str(exc))
    links.stop()
diffs = compare.largest_differences(outputs[a], outputs[b], refs, n=10, direction=direction)
st.caption(t("bn.diff.cap"))
if not diffs:
    st.info(t("bn.diff.none"))
    links.stop()
st.dataframe(pd.DataFrame({
    t("bn.col.source_text"): [d.source for d in diffs],
    t("bn.col.reference"): [" | ".join(d.references) for d in diffs],
    f"A: {labels[a]}": [d.hyp_a for d in diffs],
    f"B: {labels[b]}": [d.hyp_b for d in diffs],
    "chrF A": [round(d.chrf_a, 1) for d in diffs],
    "chrF B": [round(d.chrf_b, 1) for d in diffs],
    "Δ": [round(d.diff, 1) for d in diffs],
}), hide_index=True, width="stretch", key=f"{NS}.diffs")
