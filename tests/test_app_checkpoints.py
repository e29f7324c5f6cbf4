"""The app and its checkpoints root: none at all, cards that are unreadable or from which no
model entry can be built, and a checkpoint retrained while the server runs."""

import json
import os
import shutil
from pathlib import Path

import pytest
import torch
from streamlit.testing.v1 import AppTest

from app_fixtures import tiny_root  # noqa: F401  (fixture)
from s2s import checkpoint, translate
from s2s.model import Seq2Seq
from s2s.ui import models
from s2s.ui.strings import t
from test_escaping import shown
from tiny import TOKENIZER, tiny_config

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def translations(at: AppTest) -> list[str]:
    return [m.value[5:] for m in at.markdown if m.value.startswith("#### ")]


@pytest.mark.parametrize("make", ["missing", "empty", "only-other-files"])
def test_no_checkpoints_page(tmp_path, monkeypatch, make):
    root = tmp_path / "**no** [ckpts](x) <script>"  # the path is shown, literally
    if make != "missing":
        root.mkdir()
    if make == "only-other-files":
        (root / "eng-spa" / "half-written").mkdir(parents=True)
        (root / "eng-spa" / "half-written" / checkpoint.WEIGHTS).write_bytes(b"")
    monkeypatch.setenv("S2S_CHECKPOINTS", str(root))
    at = AppTest.from_file(APP, default_timeout=180).run()
    assert not at.exception
    assert [x.value for x in at.title] == [t("app.title")]
    assert [shown(w.value) for w in at.warning] == [t("app.no_checkpoints", root=str(root.resolve()))]
    assert not at.error and not at.text_area and not at.get("plotly_chart")
    # (AppTest.switch_page runs a page's script without app.py, so a deep link to another page,
    # which app.py stops here too, is the browser's to check: tests/test_browser.py)


@pytest.fixture()
def odd_cards_env(tiny_root, tmp_path, monkeypatch) -> Path:
    """tiny_root plus eng-spa/garbled (card not JSON) and eng-spa/nopair (valid card whose pair
    lacks 'src', so no catalog entry can be built from it)."""
    root = tmp_path / "checkpoints"
    shutil.copytree(tiny_root, root)
    shutil.copytree(root / "eng-spa" / "general", root / "eng-spa" / "garbled")
    (root / "eng-spa" / "garbled" / checkpoint.CARD).write_text("{not json", encoding="utf-8")
    shutil.copytree(root / "eng-spa" / "dot", root / "eng-spa" / "nopair")
    card = checkpoint.read_card(root / "eng-spa" / "nopair")
    card["pair"] = {"tgt": "spa"}
    checkpoint.write_card(root / "eng-spa" / "nopair", card)
    monkeypatch.setenv("S2S_CHECKPOINTS", str(root))
    return root


def test_catalog_keeps_odd_cards_as_entries_with_their_error(odd_cards_env):
    infos = {i.name: i for i in models.catalog()}
    assert len(infos) == 8
    garbled, nopair = infos["eng-spa/garbled"], infos["eng-spa/nopair"]
    assert garbled.attention is None and "is not valid JSON" in garbled.card_error and garbled.pair == "eng-spa"
    assert nopair.attention is None and nopair.card_error == "'src'" and nopair.pair == "eng-spa"
    assert all(i.card_error is None and i.attention for n, i in infos.items() if n not in ("eng-spa/garbled", "eng-spa/nopair"))


def test_odd_cards_on_the_pages(odd_cards_env):
    at = AppTest.from_file(APP, default_timeout=180)
    at.query_params["models"] = "eng-spa/garbled,eng-spa/nopair,eng-spa/bahdanau"
    at.query_params["text"] = "I am hungry."
    at.run()
    assert not at.exception
    (error,) = at.error  # the unreadable card: named, with the reason; the others translate
    assert shown(error.value).startswith("Model “garbled” could not be loaded (CheckpointCorrupt): ")
    assert "is not valid JSON" in shown(error.value)
    assert len(translations(at)) == 2  # nopair's weights and tokenizer are fine: it translates
    assert t("kind.unknown") in [c.value for c in at.caption]  # ... under "unknown kind"
    at.switch_page("pages/5_bottleneck.py").run()
    assert not at.exception
    warnings = [shown(w.value) for w in at.warning]
    assert "nopair: card unreadable ('src')" in warnings
    assert any(w.startswith("garbled: card unreadable (") and "is not valid JSON" in w for w in warnings)


def test_a_retrained_checkpoint_is_loaded_afresh(tiny_root, tmp_path, monkeypatch):
    """Retraining rewrites the card: its new stamp makes the catalog, the loaded model and the
    cached translations those of the new weights, without restarting the server."""
    root = tmp_path / "checkpoints"
    shutil.copytree(tiny_root / "eng-spa" / "bahdanau", root / "eng-spa" / "model")
    monkeypatch.setenv("S2S_CHECKPOINTS", str(root))
    text = "The cat sleeps on the red sofa."
    query = {"models": "eng-spa/model", "text": text, "beam": "1"}

    def view() -> list[str]:
        at = AppTest.from_file(APP, default_timeout=180)
        for k, v in query.items():
            at.query_params[k] = v
        at.run()
        assert not at.exception
        return [s.replace("\\", "") for s in translations(at)]

    before = view()
    assert before == [translate.translate(checkpoint.load(root / "eng-spa" / "model"), text).best.text]
    (stamp,) = {i.stamp for i in models.catalog()}
    torch.manual_seed(123)  # other weights, same shapes: a retrained model
    checkpoint.save(Seq2Seq(tiny_config("bahdanau")), TOKENIZER, {"name": "model", "pair": {"src": "eng", "tgt": "spa"}},
                    root / "eng-spa" / "model")
    card = root / "eng-spa" / "model" / checkpoint.CARD
    os.utime(card, (stamp + 5, stamp + 5))  # the file system's clock may be coarse
    expected = translate.translate(checkpoint.load(root / "eng-spa" / "model"), text).best.text
    assert expected != before[0]  # the check below can tell the two models apart
    assert view() == [expected]
    (new_stamp,) = {i.stamp for i in models.catalog()}
    assert new_stamp == stamp + 5
    json.loads(card.read_text(encoding="utf-8"))  # still a valid card
