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


CURVE = [{"step": 1152, "epoch": 0, "minutes": 19.93, "lr": 0.001, "loss": 2.4606, "dev": {"bleu": 41.27}},
         {"step": 2337, "epoch": 1, "minutes": 63.0, "lr": 0.0005, "loss": 1.84, "dev": {"bleu": 43.59}}]
FIRST = {"path": "checkpoints/eng-spa/tiny", "steps": 11685, "epochs": 5.0, "wall_time_s": 5138.4,
         "hardware": "AMD EPYC, 1 threads", "dev": {"bleu": 39.96}}


def test_a_continued_run_shows_both_runs_and_its_curve(tmp_path):
    """A run continued from another's weights (`init_from`): both commands, both runs' updates and
    minutes, and the dev curve row by row; the checkpoint's own place under checkpoints/ wins over
    where the run wrote it."""
    ckpt = make_checkpoint(tmp_path / "tiny")
    c = read_card(ckpt)
    c["name"] = "tiny"
    c["training"] = {"settings": {"name": "tiny", "output": "runs/converge/eng-spa/tiny/checkpoint", "lr": 0.001,
                                  "patience": 2, "decay_from_epoch": 1},
                     "curve": CURVE, "epochs": 1.0, "steps": 2337, "target_tokens": 10, "wall_time_s": 3780.0,
                     "tokens_per_s": 800.0, "hardware": "AMD EPYC, 1 threads", "initialised_from": FIRST}
    text = card.render(c, ckpt)
    assert ("Trained in two runs: `python -m s2s train configs/eng-spa/tiny.toml`, then `python -m s2s train "
            "configs/converge/eng-spa/tiny.toml`") in text
    assert "| updates | 11,685 + 2,337 |" in text and "| training time | 86 + 63 min (800 target tokens/s) |" in text
    assert "| epochs run | 5.0 + 1.0 |" in text and "| patience | 2 |" in text
    assert "The first run ended at dev BLEU 39.96" in text
    assert "| 1,152 | 0 | 20 | 0.001 | 2.46 | 41.27 |" in text and "| 2,337 | 1 | 63 | 0.0005 | 1.84 | 43.59 |" in text
    assert "translate runs/converge/eng-spa/tiny/checkpoint" in text  # not under checkpoints/: where it was written
    del c["training"]["initialised_from"]
    alone = card.render(c, ckpt)
    assert "Reproduce with `python -m s2s train configs/eng-spa/tiny.toml`." in alone and "| updates | 2,337 |" in alone


def test_a_baseline_comparison_shows_every_difference(tmp_path):
    """`evaluate --baseline-for` writes metrics.baseline; the card gives the baseline, its scores and
    this model minus it overall, by source length and on joined inputs."""
    ckpt = make_checkpoint(tmp_path / "tiny")
    c = read_card(ckpt)
    c["metrics"] = {"test": {"bleu": 41.35, "chrf": 58.44, "n": 2000, "beam": 5},
                    "baseline": {"checkpoint": "runs/plain", "bleu": 41.5, "chrf": 58.9, "delta_bleu": -0.15,
                                 "delta_chrf": -0.46, "delta_bleu_by_length": {"1-5": -0.68, "11-15": 1.88},
                                 "delta_bleu_concat": {"2": 1.44}}}
    text = card.render(c, ckpt)
    assert ("Against its baseline `runs/plain` (BLEU 41.50, chrF 58.90), decoded the same way, this model scores "
            "BLEU -0.15 and chrF -0.46") in text
    assert "| 1-5 source words | -0.68 |\n| 11-15 source words | +1.88 |\n| 2 joined sentences | +1.44 |" in text
    del c["metrics"]["baseline"]
    assert "baseline" not in card.render(c, ckpt)


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
