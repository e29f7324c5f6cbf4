"""The command line: translate (text and --json), evaluate --limit, refused input, bad checkpoints."""

import json
import subprocess
import sys

from s2s.__main__ import main
from tiny import make_checkpoint


def test_translate_json_layout(tmp_path, capsys):
    vanilla = make_checkpoint(tmp_path / "vanilla", attention="none")
    bahdanau = make_checkpoint(tmp_path / "bahdanau")
    assert main(["translate", str(bahdanau), "--beam", "3", "--json", "How are you?", "I like cats."]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 2
    obj = json.loads(lines[0])
    assert obj["source_tokens"][-1] == "</s>"
    assert len(obj["hypotheses"]) == 3
    for hyp in obj["hypotheses"]:
        assert set(hyp) >= {"text", "tokens", "score", "attention"}
        assert len(hyp["attention"]) == len(hyp["tokens"])
        assert all(len(row) == len(obj["source_tokens"]) for row in hyp["attention"])
    assert main(["translate", str(vanilla), "--json", "Hello."]) == 0
    assert json.loads(capsys.readouterr().out)["hypotheses"][0]["attention"] is None


def test_translate_reads_stdin_and_refuses_bad_lines(tmp_path, monkeypatch, capsys):
    ckpt = make_checkpoint(tmp_path / "b")
    monkeypatch.setattr(sys, "stdin", __import__("io").StringIO("Hello.\n\nbad \x07 bell\n"))
    assert main(["translate", str(ckpt)]) == 2
    out = capsys.readouterr()
    assert len(out.out.strip().splitlines()) == 1  # the good line was translated
    assert out.err.strip().splitlines() == ["error: text contains a control character U+0007"]


def test_cli_exit_status_for_bad_input_and_missing_checkpoint(tmp_path):
    ckpt = make_checkpoint(tmp_path / "b")
    run = lambda *args: subprocess.run([sys.executable, "-m", "s2s", *args], capture_output=True, text=True)  # noqa: E731
    empty = run("translate", str(ckpt), "   ")
    assert empty.returncode == 2 and empty.stderr.strip() == "error: text is empty"
    missing = run("translate", str(tmp_path / "nope"), "Hi.")
    assert missing.returncode == 2 and "does not exist" in missing.stderr and "Traceback" not in missing.stderr


def test_evaluate_limit_prints_and_leaves_the_card(tmp_path, capsys):
    ckpt = make_checkpoint(tmp_path / "b")
    card_before = (ckpt / "card.json").read_text()
    assert main(["evaluate", str(ckpt), "--limit", "2"]) == 0
    out = capsys.readouterr().out
    assert "BLEU" in out and "21+ words" in out and "concat 4" in out and "BLEU signature: nrefs:" in out
    assert (ckpt / "card.json").read_text() == card_before


def test_evaluate_baseline_for_writes_the_differences_into_the_other_card(tmp_path, monkeypatch, capsys):
    import s2s.evaluate
    from s2s.checkpoint import load, read_card, write_card

    shipped, baseline = make_checkpoint(tmp_path / "reversed"), make_checkpoint(tmp_path / "plain")
    assert main(["evaluate", str(baseline), "--limit", "2", "--baseline-for", str(shipped)]) == 2  # not evaluated
    assert "metrics" not in read_card(shipped) or "baseline" not in read_card(shipped)["metrics"]
    # full evaluations of tiny models take minutes: both use the numbers of a small slice instead
    small = {}
    for path in (shipped, baseline):
        small[path] = s2s.evaluate.evaluate(load(path), beam=2, limit=3, concat_limit=1)
    card = read_card(shipped)
    card.setdefault("metrics", {})["test"] = small[shipped][0]
    write_card(shipped, card)
    monkeypatch.setattr(s2s.evaluate, "evaluate", lambda ckpt, **kw: small[baseline])
    assert main(["evaluate", str(baseline), "--beam", "5", "--baseline-for", str(shipped)]) == 2  # shipped: beam 2
    assert "beam 2" in capsys.readouterr().err and "baseline" not in read_card(shipped)["metrics"]
    assert main(["evaluate", str(baseline), "--beam", "2", "--baseline-for", str(shipped)]) == 0
    record = read_card(shipped)["metrics"]["baseline"]
    assert record["bleu"] == small[baseline][0]["bleu"]
    assert record["delta_bleu"] == round(small[shipped][0]["bleu"] - small[baseline][0]["bleu"], 2)
    assert f"BLEU {record['delta_bleu']:+.2f}" in capsys.readouterr().out
