"""Pages 4-6 (context vectors, bottleneck vs attention, step player) through AppTest, on the tiny
checkpoints of tests/app_fixtures.py. The bottleneck page gets its own root where two tiny
checkpoints carry real test metrics (s2s.evaluate with limit=2) and a test_outputs.tsv."""

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from app_fixtures import shipped_root, tiny_env, tiny_root  # noqa: F401  (fixtures)
from s2s import checkpoint, groups
from s2s import trace as trace_mod
from s2s.checkpoint import list_checkpoints
from s2s.evaluate import evaluate
from s2s.intervene import Override
from s2s.text import MAX_CHARS
from s2s.vectors import MAX_SENTENCES, context_vectors, sentence_set
from s2s.ui import page_data

APP = str(Path(__file__).resolve().parent.parent / "app.py")
CONTEXT, BOTTLENECK, STEP = "pages/4_context.py", "pages/5_bottleneck.py", "pages/6_step_player.py"
EVALUATED = ("vanilla", "bahdanau")


def open_page(page: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=180).run()
    return at.switch_page(page).run()


def charts(at: AppTest) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def traces(at: AppTest, kind: str) -> list[dict]:
    return [tr for spec in charts(at) for tr in spec["data"] if tr["type"] == kind]


def messages(at: AppTest) -> list[str]:
    return [e.value for e in (*at.error, *at.warning, *at.info, *at.success)]


def titled(at: AppTest, fragment: str) -> dict:
    (spec,) = [s for s in charts(at) if fragment in str(s["layout"].get("title", {}).get("text", ""))]
    return spec


def frame(at: AppTest, column: str):
    """The first dataframe with this column (AppTest does not expose a dataframe's key)."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def add_test_metrics(root: Path, names=EVALUATED) -> Path:
    """Real (tiny) test metrics and test_outputs.tsv for the checkpoints `names` under root/eng-spa."""
    for name in names:
        path = root / "eng-spa" / name
        ckpt = checkpoint.load(path)
        metrics, outputs = evaluate(ckpt, limit=2, concat_limit=1)
        ckpt.card.setdefault("metrics", {})["test"] = metrics
        checkpoint.write_card(path, ckpt.card)
        lines = ["source\tpart\thypothesis"] + ["\t".join(row) for row in outputs]
        (path / "test_outputs.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def evaluated_root(tiny_root, tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("evaluated") / "checkpoints"
    shutil.copytree(tiny_root, root)
    return add_test_metrics(root)


@pytest.fixture()
def evaluated_env(evaluated_root, monkeypatch) -> Path:
    monkeypatch.setenv("S2S_CHECKPOINTS", str(evaluated_root))
    return evaluated_root


# ----- context vectors ------------------------------------------------------------------------

def projection(at: AppTest) -> list[dict]:
    """The traces of the PCA projection (the page's first chart; the group chart has scatters too)."""
    return charts(at)[0]["data"]


def typed_points(at: AppTest) -> dict:
    (pts,) = [tr for tr in projection(at) if tr.get("mode") == "markers+text"]
    return pts


def test_context_projection_of_a_preset_over_the_background(tiny_env):
    at = open_page(CONTEXT)
    assert not at.exception and at.title[0].value == "Context vectors"
    assert len(typed_points(at)["x"]) == 4  # the default preset: John/Mary in four orders
    (bg,) = [tr for tr in projection(at) if tr.get("mode") == "markers"]
    assert len(bg["x"]) == page_data.BACKGROUND
    (cos,) = traces(at, "heatmap")
    z = np.array(cos["z"], dtype=float)
    assert z.shape == (4, 4) and np.allclose(np.diag(z), 1.0, atol=1e-5)
    assert any("fixed context vector" in c.value for c in at.caption)  # says what space is shown
    at.selectbox(key="w:context.preset").set_value("voice").run()
    assert not at.exception
    assert at.text_area(key="w:context.lines").value.startswith("I gave her a card")
    assert len(typed_points(at)["x"]) == 6  # two groups of three


def test_context_attention_model_draws_the_trajectory(tiny_env):
    at = open_page(CONTEXT)
    at.selectbox(key="w:context.models").set_value("eng-spa/bahdanau").run()
    assert not at.exception
    (traj,) = [tr for tr in projection(at) if tr.get("mode") == "lines+markers+text"]
    assert len(traj["x"]) >= 1
    assert any("encoder-state space" in c.value for c in at.caption)
    at.selectbox(key="w:context.traj").set_value("Mary admires John.").run()
    assert not at.exception and len(typed_points(at)["x"]) == 4


@pytest.mark.parametrize("text, points, expect", [
    ("Only one sentence here.", 1, "PCA needs at least two"),
    ("Hello there.\nHello   there.\nGood night.", 2, "marked ◆"),
    ("Fine sentence.\n" + "x" * (MAX_CHARS + 1), 1, "Line 2 left out"),
    ("<script>alert(1)</script>\nI am hungry.", 2, None),
])
def test_context_bad_or_odd_input(tiny_env, text, points, expect):
    at = open_page(CONTEXT)
    at.text_area(key="w:context.lines").input(text).run()
    assert not at.exception
    pts = typed_points(at)
    assert len(pts["x"]) == points
    if expect:
        assert any(expect in m for m in messages(at)), messages(at)
    if "◆" in (expect or ""):
        assert "diamond" in pts["marker"]["symbol"]
    for element in (*at.markdown, *at.error, *at.warning, *at.caption):
        assert "<script>" not in element.value


def test_context_empty_input(tiny_env):
    at = open_page(CONTEXT)
    at.text_area(key="w:context.lines").input("  \n \n").run()
    assert not at.exception and any("at least one sentence" in m for m in messages(at))
    assert not charts(at)


def group_table(at: AppTest):
    return frame(at, "within groups")


def test_context_groups_measured_per_model_with_outlines(tiny_env):
    at = open_page(CONTEXT)
    assert not at.exception
    table = group_table(at)
    loadable = sorted(n for n in list_checkpoints(tiny_env) if not n.endswith("broken"))
    assert len(table) == len(loadable)  # every model of the pair that loads; the broken one is named
    assert any("broken" in m for m in messages(at))
    sset = sentence_set("\n".join(groups.PRESETS["order"]))
    for name, row in zip(loadable, table.itertuples(index=False)):
        stats = groups.group_stats(context_vectors(checkpoint.load(tiny_env / name), sset.texts), sset.groups)
        assert row[1] == pytest.approx(stats.within, abs=1e-3) and row[2] == pytest.approx(stats.between, abs=1e-3)
        assert row[4] == pytest.approx(stats.agreement) and row[6] == {"meaning": "yes", "partly": "partly",
                                                                        "not": "no"}[stats.verdict]
    spec = next(s for s in charts(at) if s["data"][0]["type"] == "heatmap")
    assert [(b["x0"], b["x1"]) for b in spec["layout"]["shapes"]] == [(-0.5, 1.5), (1.5, 3.5)]
    (bars,) = [s for s in charts(at) if s["data"][0]["type"] == "bar"]
    assert len(bars["data"][0]["x"]) == len(loadable)
    said = [m.value for m in at.markdown if "group this set" in m.value or "groups this set" in m.value]
    assert len(said) == len(loadable) and any("Sutskever" in m.value for m in at.markdown)


@pytest.mark.parametrize("text, expect", [
    ("A dog runs.\nThe dog runs.\nA cat sleeps.", "one group"),
    ("A dog runs.\n\nA cat sleeps.\n\nThe sun is hot.", "No group has two sentences"),
    ("A dog runs.\nThe dog runs.\n\nA cat sleeps.", "One-sentence group"),
    ("\n".join(f"Sentence {i}." for i in range(MAX_SENTENCES + 3)), "Only the first"),
])
def test_context_group_messages(tiny_env, text, expect):
    at = open_page(CONTEXT)
    at.text_area(key="w:context.lines").input(text).run()
    assert not at.exception and any(expect in m for m in messages(at)), messages(at)
    assert traces(at, "heatmap")  # the rest of the page still works
    if expect == "One-sentence group":
        assert len(group_table(at)) >= 1


def test_context_groups_in_korean(tiny_env):
    at = AppTest.from_file(APP, default_timeout=180).run()
    at.radio(key="w:app.lang").set_value("ko").run()
    at.switch_page(CONTEXT).run()
    assert not at.exception and len(frame(at, "그룹 안")) == len(list_checkpoints(tiny_env)) - 1  # all but broken
    assert any("의미로 묶" in m.value and "Sutskever" in m.value for m in at.markdown)


# ----- bottleneck vs attention ----------------------------------------------------------------

def test_bottleneck_lines_from_the_cards_and_not_evaluated(evaluated_env):
    at = open_page(BOTTLENECK)
    assert not at.exception
    length = charts(at)[0]
    assert [tr["name"] for tr in length["data"]] == ["vanilla", "bahdanau"]  # one line per evaluated checkpoint
    card = checkpoint.read_card(evaluated_env / "eng-spa" / "bahdanau")["metrics"]["test"]
    shown = length["data"][1]["y"]
    for got, bucket in zip(shown, card["by_length"].values()):
        assert got is None if not bucket["n"] else got == pytest.approx(bucket["bleu"])
    assert len(charts(at)[1]["data"]) == 2  # concatenated inputs
    table = frame(at, "numbers from")
    assert list(table["checkpoint"]) == ["vanilla", "bahdanau"] and set(table["n"]) == {2}
    waiting = " ".join(m.value for m in at.markdown)
    for name in ("dot", "general", "concat"):
        assert f"{name}: not evaluated yet" in waiting.replace("\\", "")
    diffs = frame(at, "Δ")
    assert 1 <= len(diffs) <= 10 and ((diffs["Δ"] - (diffs["chrF B"] - diffs["chrF A"])).abs() <= 0.11).all()


def test_bottleneck_quick_live_evaluation(evaluated_env):
    at = open_page(BOTTLENECK)
    at.number_input(key="w:bottleneck.quick_n").set_value(2).run()
    at.button(key="w:bottleneck.run.eng-spa/dot").click().run()
    assert not at.exception
    names = [tr["name"] for tr in charts(at)[0]["data"]]
    assert len(names) == 3 and "quick" in names[2]
    assert charts(at)[0]["data"][2]["line"]["dash"] == "dash"
    table = frame(at, "numbers from")
    assert "QUICK" in table.iloc[2]["numbers from"]
    card = checkpoint.read_card(evaluated_env / "eng-spa" / "dot")
    assert not card["metrics"].get("test")  # live numbers never reach the card
    at.radio(key="w:bottleneck.metric").set_value("chrf").run()
    assert not at.exception and charts(at)[0]["layout"]["yaxis"]["title"]["text"] == "chrF"


def test_bottleneck_without_metrics_invents_nothing(tiny_env):
    at = open_page(BOTTLENECK)
    assert not at.exception
    assert not charts(at)
    assert any("No checkpoint" in m for m in messages(at))
    assert any("Two evaluated checkpoints" in m for m in messages(at))


# ----- step player ----------------------------------------------------------------------------

def step_weights(at: AppTest) -> np.ndarray:
    return np.array(titled(at, "softmax weights")["data"][0]["y"], dtype=float)


def test_step_player_steps_and_weights_sum_to_one(tiny_env):
    at = open_page(STEP)
    assert not at.exception
    assert step_weights(at).sum() == pytest.approx(1.0, abs=1e-4)
    assert len(titled(at, "raw scores")["data"][0]["y"]) == len(step_weights(at))
    assert len(titled(at, "top-10")["data"][0]["x"]) == 10
    assert at.latex and "tanh" in at.latex[0].value  # Bahdanau's score
    assert at.select_slider(key="w:step.t").value == 1
    at.button(key="w:step.next").click().run()
    assert not at.exception and at.select_slider(key="w:step.t").value == 2
    assert step_weights(at).sum() == pytest.approx(1.0, abs=1e-4)
    assert any("Step 2 of" in m.value for m in at.markdown)
    at.button(key="w:step.prev").click().run()
    assert at.select_slider(key="w:step.t").value == 1
    assert any("teacher forcing is off" in m for m in messages(at))  # no reference


@pytest.mark.parametrize("kind, score", [("dot", r"\tau\, h_t^\top h_j, \quad \tau = 0.177 \text{ (learnt)}"),
                                         ("general", "W_a h_j"), ("concat", "[h_t; h_j]")])
def test_step_player_formula_per_attention_type(tiny_env, kind, score):
    at = open_page(STEP)
    at.selectbox(key="w:step.models").set_value(f"eng-spa/{kind}").run()
    assert not at.exception and score in at.latex[0].value and "tilde h_t" in at.latex[-1].value
    assert step_weights(at).sum() == pytest.approx(1.0, abs=1e-4)


def test_step_player_vanilla_says_there_is_no_attention(tiny_env):
    at = open_page(STEP)
    at.selectbox(key="w:step.models").set_value("eng-spa/vanilla").run()
    assert not at.exception
    assert any("same context vector" in m for m in messages(at))
    assert not [s for s in charts(at) if "softmax" in str(s["layout"].get("title"))]
    assert titled(at, "top-10")


def test_step_player_teacher_forced_vs_free_running(tiny_env):
    at = open_page(STEP)
    at.text_area(key="w:step.sentence").input("I am hungry.").run()
    at.text_input(key="w:step.reference").input("Tengo hambre.").run()
    assert not at.exception
    side = frame(at, "forced: input")
    assert side.iloc[0]["forced: input"] == "<s>" and side.iloc[0]["free: input"] == "<s>"
    assert any("They part at step" in m or "match the reference" in m for m in messages(at))
    at.radio(key="w:step.feed").set_value("forced").run()
    assert not at.exception and step_weights(at).sum() == pytest.approx(1.0, abs=1e-4)
    at.text_input(key="w:step.reference").input("x" * (MAX_CHARS + 1)).run()
    assert not at.exception and any("Reference refused" in m for m in messages(at))
    at.text_input(key="w:step.reference").input("").run()
    assert not at.exception and any("teacher forcing is off" in m for m in messages(at))


def test_step_player_overrides_this_steps_attention(tiny_env):
    """All the weight on one piece, or typed weights (scaled to sum to 1): the step's next-piece
    distribution with the model's own attention and with the override, as s2s.trace computes them,
    and both continuations; the model's own weights typed in change nothing."""
    at = open_page(STEP)
    at.text_area(key="w:step.sentence").input("Tom bought a red car yesterday.").run()
    at.button(key="w:step.next").click().run()
    assert not [s for s in charts(at) if "attention overridden" in str(s["layout"].get("title"))]  # off by default
    at.radio(key="w:step.ov").set_value("piece").run()
    at.selectbox(key="w:step.ov_piece").set_value(2).run()
    assert not at.exception
    ckpt = checkpoint.load(tiny_env / "eng-spa" / "bahdanau")
    free = trace_mod.trace(ckpt, "Tom bought a red car yesterday.", top_k=10)
    n = len(free.source_pieces)
    forced = trace_mod.trace(ckpt, "Tom bought a red car yesterday.", top_k=10, override=Override.one_hot(2, 2, n))
    shown = titled(at, "Next piece at step 2: attention overridden")["data"][0]
    assert np.allclose(shown["x"], forced.steps[1].top_probs, atol=1e-6)
    own = titled(at, "Next piece at step 2: the model's own attention")["data"][0]
    assert np.allclose(own["x"], free.steps[1].top_probs, atol=1e-6)
    assert any(f"with all the weight on `{free.source_pieces[2]}`" in m.value for m in at.markdown)
    at.radio(key="w:step.ov").set_value("weights").run()
    at.text_input(key="w:step.ov_w").input("1 2").run()
    assert not at.exception and any("Weights refused" in m and "2 numbers given" in m for m in messages(at))
    assert not [s for s in charts(at) if "attention overridden" in str(s["layout"].get("title"))]
    own_weights = " ".join(repr(float(w)) for w in free.steps[1].weights)
    at.text_input(key="w:step.ov_w").input(own_weights).run()
    assert not at.exception
    assert titled(at, "attention overridden")["data"][0]["x"] == titled(at, "the model's own attention")["data"][0]["x"]
    assert any("with the weights you set" in m.value for m in at.markdown)


def test_step_player_override_only_while_free_running(tiny_env):
    at = open_page(STEP)
    at.text_input(key="w:step.reference").input("Tengo hambre.").run()
    at.radio(key="w:step.feed").set_value("forced").run()
    assert not at.exception and any("choose free-running" in m for m in messages(at))
    at.selectbox(key="w:step.models").set_value("eng-spa/vanilla").run()
    assert not at.exception and not any("Override" in getattr(h, "value", "") for h in at.subheader)


def test_step_player_bad_sentence(tiny_env):
    at = open_page(STEP)
    at.text_area(key="w:step.sentence").input("x" * (MAX_CHARS + 1)).run()
    assert not at.exception and any("too long" in m for m in messages(at))


# ----- Korean -----------------------------------------------------------------------------------

def test_korean_ui_on_the_new_pages(evaluated_env):
    at = AppTest.from_file(APP, default_timeout=180).run()
    at.radio(key="w:app.lang").set_value("ko").run()
    for page, title in ((CONTEXT, "컨텍스트 벡터"), (BOTTLENECK, "병목 vs 어텐션"), (STEP, "한 시점씩 보기")):
        at.switch_page(page).run()
        assert not at.exception and at.title[0].value == title
    assert any("티처 포싱" in m for m in messages(at))
    at.selectbox(key="w:step.models").set_value("eng-spa/dot").run()  # tiny dot model: learnt scale
    assert not at.exception and r"\text{ (학습된 값)}" in at.latex[0].value
    at.selectbox(key="w:step.models").set_value("eng-spa/vanilla").run()
    assert not at.exception and "인코더의 마지막 상태" in at.latex[0].value


def test_step_player_play_runs_to_the_last_step(tiny_env, monkeypatch):
    monkeypatch.setattr("time.sleep", lambda s: None)  # the page waits PLAY_DELAY between steps
    at = open_page(STEP)
    last = at.select_slider(key="w:step.t").options[-1]
    at.button(key="w:step.play").click().run()
    assert not at.exception
    assert at.select_slider(key="w:step.t").value == int(last)
    assert not at.session_state["step.playing"]
    assert step_weights(at).sum() == pytest.approx(1.0, abs=1e-4)


@pytest.mark.parametrize("kind", ["vanilla", "bahdanau", "general"])
def test_feature_parts_are_the_state_and_the_context(tiny_root, kind):
    from s2s.trace import trace

    ckpt = checkpoint.load(tiny_root / "eng-spa" / kind)
    step = trace(ckpt, "The cat sleeps.").steps[1]
    attention = {"vanilla": "none"}.get(kind, kind)
    parts = page_data.feature_parts(attention, step.features, len(step.state), len(step.context))
    assert np.allclose(parts["c_t"], step.context)
    assert np.allclose(parts["h_t" if kind == "general" else "s_t"], step.state)
    assert sum(p.size for p in parts.values()) == step.features.size
    with pytest.raises(ValueError):
        page_data.feature_parts(attention, step.features, len(step.state), step.features.size)


@pytest.mark.skipif(shipped_root() is None, reason="no shipped checkpoints in checkpoints/eng-spa yet")
def test_new_pages_on_the_shipped_checkpoints(monkeypatch):
    monkeypatch.delenv("S2S_CHECKPOINTS", raising=False)
    at = open_page(CONTEXT)
    assert not at.exception and len(typed_points(at)["x"]) == 4  # the default preset's sentences
    (bg,) = [tr for tr in projection(at) if tr.get("mode") == "markers"]
    assert len(bg["x"]) == page_data.BACKGROUND
    sset = sentence_set("\n".join(groups.PRESETS["order"]))  # the default preset
    table = group_table(at)
    for name, row in zip(sorted(n for n in list_checkpoints(shipped_root()) if n.startswith("eng-spa/")),
                         table.itertuples(index=False)):
        stats = groups.group_stats(context_vectors(checkpoint.load(shipped_root() / name), sset.texts), sset.groups)
        assert row[1] == pytest.approx(stats.within, abs=1e-3) and row[2] == pytest.approx(stats.between, abs=1e-3)
    at = open_page(BOTTLENECK)
    shipped = sorted(n.split("/", 1)[1] for n in list_checkpoints(shipped_root()) if n.startswith("eng-spa/"))
    assert not at.exception and sorted(tr["name"] for tr in charts(at)[0]["data"]) == shipped  # one line each
    at = open_page(STEP)
    assert not at.exception and step_weights(at).sum() == pytest.approx(1.0, abs=1e-4)
    at.button(key="w:step.next").click().run()
    assert at.select_slider(key="w:step.t").value == 2 and step_weights(at).sum() == pytest.approx(1.0, abs=1e-4)
