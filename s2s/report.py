"""`python -m s2s report`: the README's results table, read from the checkpoints' cards.

Only numbers that `python -m s2s evaluate` wrote into a card appear; a checkpoint without
test metrics is listed with dashes.
"""

from __future__ import annotations

from pathlib import Path

from .card import training_runs
from .checkpoint import CHECKPOINTS_DIR, WEIGHTS, list_checkpoints, read_card
from .data import LENGTH_BUCKETS
from .evaluate import CONCAT_SIZES


def _num(value) -> str:
    return "–" if value is None else f"{value:.1f}"


def _decoding(test: dict) -> str:
    if not test:
        return "–"
    search = "greedy" if test.get("beam", 1) == 1 else f"beam {test['beam']}, α {test.get('length_penalty', 1.0):g}"
    return f"{search}, {test['weights']} weights" if "weights" in test else search


def results_table(root: Path = CHECKPOINTS_DIR) -> str:
    """Markdown table: one row per checkpoint, BLEU/chrF overall, BLEU by length and concatenated;
    below it a line per card that records a baseline (`python -m s2s evaluate --baseline-for`)."""
    head = ["checkpoint", "decoding", "BLEU", "chrF", *(f"BLEU {b}" for b in LENGTH_BUCKETS),
            *(f"BLEU ×{k}" for k in CONCAT_SIZES), "MB", "trained"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    notes = []
    for name in list_checkpoints(root):
        card = read_card(root / name)
        test = card.get("metrics", {}).get("test") or {}
        training = card.get("training", {})
        by_length = test.get("by_length", {})
        concat = test.get("concat", {})
        size = (root / name / WEIGHTS).stat().st_size / 2**20
        runs = [r.get("wall_time_s") for r in training_runs(training)]
        row = [
            name,
            _decoding(test),
            _num(test.get("bleu")),
            _num(test.get("chrf")),
            *(_num(by_length.get(b, {}).get("bleu")) for b in LENGTH_BUCKETS),
            *(_num(concat.get(str(k), {}).get("bleu")) for k in CONCAT_SIZES),
            f"{size:.1f}",
            "–" if None in runs or not runs else " + ".join(f"{m / 60:.0f}" for m in runs) + " min",
        ]
        lines.append("| " + " | ".join(row) + " |")
        if "baseline" in card.get("metrics", {}):
            base = card["metrics"]["baseline"]
            notes.append(f"- {name} against its baseline {base['checkpoint']} (BLEU {base['bleu']:.1f}): "
                         f"BLEU {base['delta_bleu']:+.1f}, chrF {base['delta_chrf']:+.1f}")
    return "\n".join(lines + ([""] + notes if notes else []))
