"""Text from outside the code reaches Streamlit markdown only escaped: model names (checkpoint
directories anyone may name) in headings, captions, lists and error boxes, typed sentences in the
context page's warnings. Judged by what a reader sees: tests/test_escaping.py's `shown`, a
CommonMark + GFM rendering of the element's markdown.
"""

import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from app_fixtures import tiny_root  # noqa: F401  (fixture)
from s2s.tokenizer import Tokenizer
from test_escaping import shown
from tiny import TOKENIZER

APP = str(Path(__file__).resolve().parent.parent / "app.py")
NAME = "**b**_[a](b)<script>x"  # a working Bahdanau checkpoint under this directory name
BROKEN = "#" + NAME  # a checkpoint with corrupt weights
LINE = "**x** [a](b) <script>alert(1)</script> :red[y] $z$"


@pytest.fixture(scope="module")
def hostile_root(tiny_root, tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("hostile") / "checkpoints"
    shutil.copytree(tiny_root, root)
    shutil.copytree(root / "eng-spa" / "bahdanau", root / "eng-spa" / NAME)
    shutil.copytree(root / "eng-spa" / "broken", root / "eng-spa" / BROKEN)
    return root


@pytest.fixture()
def hostile_env(hostile_root, monkeypatch) -> Path:
    monkeypatch.setenv("S2S_CHECKPOINTS", str(hostile_root))
    return hostile_root


def markdown_elements(at: AppTest):
    return [*at.subheader, *at.caption, *at.markdown, *at.error, *at.warning, *at.info, *at.success]


def no_raw_markup(at: AppTest) -> None:
    for element in markdown_elements(at):
        assert "<script>" not in element.value, element.value


def test_model_names_and_load_errors_on_the_translate_page(hostile_env):
    at = AppTest.from_file(APP, default_timeout=180)
    at.query_params["models"] = f"eng-spa/{NAME},eng-spa/{BROKEN},eng-spa/bahdanau"
    at.query_params["text"] = "I am hungry."
    at.run()
    assert not at.exception
    headings = [shown(h.value) for h in at.subheader]
    assert headings[:3] == [NAME, BROKEN, "bahdanau"]
    (error,) = at.error
    path = hostile_env / "eng-spa" / BROKEN / "model.safetensors"
    assert shown(error.value) == (f"Model “{BROKEN}” could not be loaded (CheckpointCorrupt): weights file {path} "
                                  "does not match the SHA-256 recorded in the card")
    (rule,) = [shown(c.value) for c in at.caption if c.value.startswith("Rule")]
    assert f"red: {NAME} · Bahdanau attends more, blue: bahdanau · Bahdanau attends more" in rule
    no_raw_markup(at)


def test_typed_sentences_in_the_context_page_warning(hostile_env):
    at = AppTest.from_file(APP, default_timeout=180).run().switch_page("pages/4_context.py").run()
    at.text_area(key="w:context.lines").input(f"{LINE}\n{LINE}\nI am hungry.").run()
    assert not at.exception
    assert [shown(w.value) for w in at.warning] == [f"Typed more than once, drawn once and marked ◆: {LINE} ×2"]
    no_raw_markup(at)


def test_model_names_in_the_attention_page_flags(hostile_env):
    at = AppTest.from_file(APP, default_timeout=180).run().switch_page("pages/2_attention.py").run()
    at.multiselect(key="w:attention.models").set_value([f"eng-spa/{NAME}"]).run()
    assert not at.exception
    flags = [shown(e.value) for e in (*at.warning, *at.success)]
    assert any(f.startswith(f"{NAME} · Bahdanau — possibly") or f.startswith(f"{NAME} · Bahdanau: every source token")
               for f in flags), flags
    no_raw_markup(at)


def test_model_names_in_the_bottleneck_page_list(hostile_env):
    at = AppTest.from_file(APP, default_timeout=180).run().switch_page("pages/5_bottleneck.py").run()
    assert not at.exception
    items = [shown(m.value.removeprefix("- ")) for m in at.markdown if m.value.startswith("- ")]
    assert f"{NAME}: not evaluated yet" in items and f"{BROKEN}: not evaluated yet" in items
    no_raw_markup(at)


def test_model_names_and_typed_words_on_the_embeddings_page(hostile_env):
    at = AppTest.from_file(APP, default_timeout=180).run().switch_page("pages/8_embeddings.py").run()
    at.multiselect(key="w:embeddings.models").set_value([f"eng-spa/{NAME}"]).run()
    at.text_input(key="w:embeddings.word").input("**dog**").run()
    at.text_area(key="w:embeddings.pairs").input("**dog** = [perro](x)\n<b>cat</b> = gato\ndog = perro").run()
    assert not at.exception
    texts = [m.value for m in (*at.caption, *at.markdown)]
    tok = Tokenizer.load(TOKENIZER)
    pieces = tok.pieces(tok.encode("**dog**"))
    assert "<unk>" in pieces
    assert [shown(c) for c in texts if c.startswith("Pieces")] == [f"Pieces ({len(pieces)}): {' '.join(pieces)}"]
    assert any(f"embedding vectors in {NAME} (PC 1" in shown(c) for c in texts if c.startswith("PCA"))
    onehot = [m.value for m in at.markdown if "one-hot" in m.value]
    assert onehot and f"{NAME}'s" in onehot[0].replace("\\", "") and "<script>" not in onehot[0]
    no_raw_markup(at)
