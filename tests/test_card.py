"""Model cards: `python -m s2s card` writes README.md from card.json; every shipped checkpoint's
README.md is exactly what its card gives today."""

import pytest

from s2s import card
from s2s.__main__ import main
from s2s.checkpoint import CHECKPOINTS_DIR, list_checkpoints, read_card
from tiny import make_checkpoint

SHIPPED = list_checkpoints(CHECKPOINTS_DIR)


def test_there_are_shipped_checkpoints():
    assert len(SHIPPED) >= 8


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_readme_agrees_with_its_card(name):
    path = CHECKPOINTS_DIR / name
    readme = (path / card.README).read_text(encoding="utf-8")
    assert readme == card.render(read_card(path), path), f"run: python -m s2s card checkpoints/{name}"
    test = read_card(path)["metrics"]["test"]
    assert readme.startswith("---\nlanguage:\n") and "license_name: cc-by-2.0-fr" in readme
    assert f"- bleu: `{test['signature']['bleu']}`" in readme  # the sacrebleu signature
    for bucket, m in test["by_length"].items():
        assert f"| {bucket} | {m['bleu']:.2f} | {m['chrf']:.2f} | {m['n']} |" in readme
    for section in ("## Model description", "## Intended use and limits", "## Training data and licence",
                    "## Training procedure and hardware", "## Evaluation", "## How to load it"):
        assert section in readme


def test_card_command_writes_a_readme_for_an_unevaluated_checkpoint(tmp_path, capsys):
    ckpt = make_checkpoint(tmp_path / "tiny")
    assert main(["card", str(ckpt)]) == 0
    text = (ckpt / "README.md").read_text(encoding="utf-8")
    assert "Not evaluated yet" in text and "model-index" not in text and "The card records no training run." in text
    assert capsys.readouterr().out.strip() == f"wrote {ckpt / 'README.md'}"
    assert main(["card", str(ckpt)]) == 0 and (ckpt / "README.md").read_text(encoding="utf-8") == text


def test_card_command_refuses_a_directory_without_a_card(tmp_path, capsys):
    assert main(["card", str(tmp_path)]) == 2
    assert "no card.json" in capsys.readouterr().err


def test_the_app_shows_each_models_card(monkeypatch):
    from pathlib import Path

    from streamlit.testing.v1 import AppTest

    monkeypatch.delenv("S2S_CHECKPOINTS", raising=False)
    app = Path(__file__).resolve().parent.parent / "app.py"
    at = AppTest.from_file(str(app), default_timeout=180).run()
    assert not at.exception
    labels = [e.label for e in at.expander]
    assert labels.count("Model card") == 2  # the two default models of the home page
    shown = [m.value for m in at.markdown if m.value.startswith("## Model description")]
    expected = card.body((CHECKPOINTS_DIR / "eng-spa" / "vanilla-gru" / card.README).read_text(encoding="utf-8"))
    assert expected.strip() in [s.strip() for s in shown]
    assert not any(s.startswith("---") or "<!--" in s for s in shown)
