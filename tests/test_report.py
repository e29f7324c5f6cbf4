"""The results table is built from the cards only: evaluated checkpoints show their numbers."""

from s2s.checkpoint import load, write_card
from s2s.evaluate import evaluate
from s2s.report import results_table
from tiny import make_checkpoint


def test_table_rows_come_from_the_cards(tmp_path):
    root = tmp_path / "checkpoints"
    done = make_checkpoint(root / "eng-spa" / "evaluated")
    make_checkpoint(root / "eng-spa" / "fresh", attention="none")
    ckpt = load(done)
    metrics, _ = evaluate(ckpt, beam=2, limit=2, concat_limit=1)
    ckpt.card["metrics"]["test"] = metrics
    write_card(ckpt.path, ckpt.card)

    lines = results_table(root).splitlines()
    assert lines[0].startswith("| checkpoint | decoding | BLEU | chrF | BLEU 1-5")
    assert len(lines) == 4  # header, rule, two checkpoints
    evaluated = next(line for line in lines if "eng-spa/evaluated" in line)
    cells = [c.strip() for c in evaluated.strip("|").split("|")]
    assert cells[1] == f"beam 2, α 1, {metrics['weights']} weights"
    assert cells[2] == f"{metrics['bleu']:.1f}" and cells[3] == f"{metrics['chrf']:.1f}"
    fresh = next(line for line in lines if "eng-spa/fresh" in line)
    assert fresh.count("–") >= 10  # no test metrics: dashes, never made-up numbers


def test_a_recorded_baseline_is_listed_below_the_table(tmp_path):
    root = tmp_path / "checkpoints"
    ckpt = load(make_checkpoint(root / "eng-spa" / "reversed", attention="none"))
    ckpt.card["metrics"]["baseline"] = {"checkpoint": "runs/eng-spa/plain/checkpoint", "bleu": 33.04,
                                        "chrf": 50.0, "delta_bleu": 2.77, "delta_chrf": -0.5}
    write_card(ckpt.path, ckpt.card)
    lines = results_table(root).splitlines()
    assert lines[-1] == ("- eng-spa/reversed against its baseline runs/eng-spa/plain/checkpoint (BLEU 33.0): "
                         "BLEU +2.8, chrF -0.5")


def test_a_continued_run_lists_the_minutes_of_both_runs(tmp_path):
    root = tmp_path / "checkpoints"
    ckpt = load(make_checkpoint(root / "eng-spa" / "continued"))
    ckpt.card["training"] = {"wall_time_s": 8275.3, "initialised_from": {"wall_time_s": 5138.4}}
    write_card(ckpt.path, ckpt.card)
    assert results_table(root).splitlines()[2].endswith("| 86 + 138 min |")
