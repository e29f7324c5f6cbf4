"""The command line of explanations and interventions: `explain` (text and --json), `translate
--block/--remove`, refusals with a clear message and exit status 2."""

import json

import pytest
import torch

from s2s.__main__ import main
from s2s.explain import METHODS
from tiny import make_checkpoint

FIELDS = ["source_tokens", "target_tokens", "attention", "attributions", "agreement", "convergence_delta"]


@pytest.fixture(scope="module")
def ckpts(tmp_path_factory):
    root = tmp_path_factory.mktemp("cli")
    return {"bahdanau": make_checkpoint(root / "bahdanau"), "vanilla": make_checkpoint(root / "vanilla", attention="none")}


def test_explain_json_fields(ckpts, capsys):
    assert main(["explain", str(ckpts["bahdanau"]), "--steps", "8", "--json", "I like cats.", "How are you?"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 2
    obj = json.loads(lines[0])
    assert list(obj) == FIELDS
    s, t = len(obj["source_tokens"]), len(obj["target_tokens"])
    assert obj["source_tokens"][-1] == "</s>" and len(obj["attention"]) == t
    assert set(obj["attributions"]) == set(METHODS[1:])
    assert all(len(m) == t and all(len(r) == s for r in m) for m in obj["attributions"].values())
    assert set(obj["agreement"]["occlusion"]) == {"kendall_tau", "js", "top1"} and len(obj["convergence_delta"]) == t


def test_explain_methods_beam_and_vanilla(ckpts, capsys):
    assert main(["explain", str(ckpts["bahdanau"]), "--methods", "attention,occlusion", "--beam", "3", "--json",
                 "I like cats."]) == 0
    obj = json.loads(capsys.readouterr().out)
    assert list(obj["attributions"]) == ["occlusion"] and obj["convergence_delta"] is None
    assert main(["explain", str(ckpts["vanilla"]), "--methods", "saliency", "--json", "I like cats."]) == 0
    obj = json.loads(capsys.readouterr().out)
    assert obj["attention"] is None and obj["agreement"] is None and list(obj["attributions"]) == ["saliency"]
    assert main(["explain", str(ckpts["bahdanau"]), "--steps", "4", "I like cats."]) == 0
    out = capsys.readouterr().out
    assert "agreement with attention" in out and "max |convergence delta|" in out


def test_explain_refusals(ckpts, capsys):
    assert main(["explain", str(ckpts["bahdanau"]), "--methods", "attention,lime", "x"]) == 2
    assert capsys.readouterr().err.strip() == "error: unknown method 'lime'; valid methods: " + ", ".join(METHODS)
    assert main(["explain", str(ckpts["bahdanau"]), "--steps", "0", "I like cats."]) == 2
    assert "steps must be an integer from 1 to" in capsys.readouterr().err
    assert main(["explain", str(ckpts["vanilla"]), "--test", "2"]) == 2
    assert "vanilla model has no attention" in capsys.readouterr().err


def test_translate_block_and_remove(ckpts, capsys):
    path = str(ckpts["bahdanau"])
    assert main(["translate", path, "--block", "0,2", "--json", "I like cats."]) == 0
    obj = json.loads(capsys.readouterr().out)
    assert obj["blocked"] == [0, 2]
    for hyp in obj["hypotheses"]:
        assert all(row[0] == 0 and row[2] == 0 for row in hyp["attention"])
    assert main(["translate", path, "--remove", "1", "--json", "I like cats."]) == 0
    obj = json.loads(capsys.readouterr().out)
    assert obj["removed"] == [1] and obj["source_tokens"][1] == "<unk>"
    assert main(["translate", str(ckpts["vanilla"]), "--remove", "1", "I like cats."]) == 0


@pytest.mark.parametrize("args, message", [
    (["--block", "1"], "a vanilla model has no attention to block; use remove"),
    (["--block", "9"], "block: index 9 is out of range; valid indices are 0 to 4 (5 source pieces)"),
    (["--block", "1,1"], "block: index 1 is given twice"),
    (["--block", "0,1,2,3,4"], "all 5 source pieces blocked"),
    (["--block", "one"], "expected comma-separated 0-based piece indices"),
    (["--remove", "4"], "remove: index 4 is out of range; valid indices are 0 to 3"),
])
def test_translate_bad_indices(ckpts, capsys, args, message):
    path = str(ckpts["vanilla" if "vanilla" in message else "bahdanau"])
    assert main(["translate", path, *args, "I like cats."]) == 2  # 5 pieces: ▁I ▁like ▁cats . </s>
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


@pytest.mark.skipif(torch.cuda.is_available(), reason="the default (auto) is the CPU only without CUDA")
def test_explain_device_cpu_gives_the_default_numbers(ckpts, capsys):
    outs = []
    for extra in ([], ["--device", "cpu"]):
        assert main(["explain", str(ckpts["bahdanau"]), "--steps", "8", "--json", *extra, "I like cats."]) == 0
        outs.append(json.loads(capsys.readouterr().out))
    assert outs[0] == outs[1] and outs[0]["convergence_delta"] is not None
