"""The training lab library: settings, snapshots, thinning, Stop, and what the models learn.

The learning claims run on step budgets (not seconds), so they hold on a loaded machine too."""

import threading
import time

import pytest
import torch

from s2s.errors import ConfigError, InputError
from s2s.lab import KINDS, LabRun, LabSettings, Timeline, decode, load_model, model_bytes, run, train_mean

STEPS = 400  # the step budget both models get for reverse 3-10


@pytest.fixture(autouse=True)
def one_thread():
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def trained(model: str) -> LabRun:
    r = LabRun(LabSettings(task="reverse", model=model, steps=STEPS, seconds=600.0, every=100, seed=0))
    snaps = list(r)
    assert snaps and r.summary["ended"] == "steps"
    return r


@pytest.fixture(scope="module")
def bahdanau():
    return trained("bahdanau")


@pytest.fixture(scope="module")
def vanilla():
    return trained("vanilla")


def test_bahdanau_reaches_95_percent_on_the_trained_lengths_within_its_step_budget(bahdanau):
    s = bahdanau.s
    final = bahdanau.timeline.items[-1]
    assert train_mean(final, s) >= 0.95
    assert bahdanau.summary["time_to_95"] is not None
    assert bahdanau.summary["steps"] == STEPS


def test_vanilla_is_measurably_worse_on_the_longest_trained_lengths(bahdanau, vanilla):
    b, v = bahdanau.summary["exact_match"], vanilla.summary["exact_match"]
    longest = bahdanau.s.max_len
    assert v[longest] <= b[longest] - 0.3, (v[longest], b[longest])
    assert sum(v[n] for n in (longest - 1, longest)) < sum(b[n] for n in (longest - 1, longest))
    assert vanilla.summary["time_to_95"] is None


def test_snapshots_are_ordered_by_step_and_complete(bahdanau):
    snaps = bahdanau.timeline.items
    steps = [s["step"] for s in snaps]
    assert steps == sorted(set(steps)) and steps[0] == 0 and steps[-1] == STEPS
    s = bahdanau.s
    for snap in snaps:
        assert list(snap["exact_match"]) == list(s.test_lengths) == list(range(3, 21))
        assert all(0.0 <= x <= 1.0 for x in (*snap["exact_match"].values(), *snap["token_accuracy"].values()))
        att = snap["probe"]["attention"]
        assert len(att) == s.max_len + 1 and all(len(row) == s.max_len + 1 for row in att)
        assert all(abs(sum(row) - 1.0) < 1e-3 for row in att)
    assert snaps[0]["loss"] is None and all(x["loss"] > 0 for x in snaps[1:])
    assert [x["elapsed"] for x in snaps] == sorted(x["elapsed"] for x in snaps)


def test_the_probe_attention_learns_the_anti_diagonal(bahdanau):
    first, last = bahdanau.timeline.items[0], bahdanau.timeline.items[-1]
    n = bahdanau.s.max_len

    def on_anti_diagonal(att):  # output rows whose largest weight is on the source word they reverse
        return sum(max(range(n + 1), key=att[t].__getitem__) == n - 1 - t for t in range(n))

    assert on_anti_diagonal(last["probe"]["attention"]) >= 0.8 * n
    assert on_anti_diagonal(first["probe"]["attention"]) <= 0.3 * n
    assert last["probe"]["output"] == last["probe"]["target"]


def test_vanilla_snapshots_have_no_attention(vanilla):
    assert all(s["probe"]["attention"] is None for s in vanilla.timeline.items)


def test_same_seed_same_run():
    s = LabSettings(steps=20, every=10, test_per_length=3, seconds=600.0, seed=5)
    a, b = list(run(s)), list(run(s))
    assert [x["loss"] for x in a] == [x["loss"] for x in b]
    assert [x["exact_match"] for x in a] == [x["exact_match"] for x in b]


def test_snapshots_stay_bounded_and_span_the_run():
    r = LabRun(LabSettings(steps=120, every=2, max_snapshots=6, test_per_length=2, seconds=600.0))
    emitted = [s["step"] for s in r]
    kept = [s["step"] for s in r.timeline.items]
    assert len(kept) <= 7 and kept[0] == 0 and kept[-1] == 120
    assert kept == sorted(kept) and set(kept) <= set(emitted)
    assert len(emitted) < 60  # the interval doubled as snapshots were thinned


def test_timeline_keeps_first_and_newest():
    tl = Timeline(4)
    for i in range(20):
        tl.add({"step": i})
        assert len(tl.items) <= 4 and tl.items[0]["step"] == 0 and tl.items[-1]["step"] == i


def test_stop_ends_a_run_within_a_second():
    stop = threading.Event()
    r = LabRun(LabSettings(steps=100_000, seconds=600.0), stop)
    it = iter(r)
    next(it)  # the step-0 snapshot
    next(it)  # one more: training is under way
    stop.set()
    t0 = time.monotonic()
    list(it)
    assert time.monotonic() - t0 < 1.0
    assert r.summary["ended"] == "stopped"
    assert r.timeline.items[-1]["step"] == r.summary["steps"] < 100_000


def test_time_budget_ends_a_run():
    r = LabRun(LabSettings(steps=100_000, seconds=1.0, test_per_length=2))
    list(r)
    assert r.summary["ended"] == "seconds" and r.summary["seconds"] < 10


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("cell", ["gru", "lstm"])
def test_every_kind_and_cell_trains_and_decodes(kind, cell):
    r = LabRun(LabSettings(task="sort", model=kind, cell=cell, steps=3, every=1, test_per_length=2, hidden=16,
                           emb_dim=8, min_len=2, max_len=4, seconds=600.0))
    snaps = list(r)
    assert [s["step"] for s in snaps] == [0, 1, 2, 3]
    again = load_model(r.s, model_bytes(r.model))
    out = decode(again, "c a b")
    assert out == decode(r.model, "c a b")
    assert out["source"] == ["c", "a", "b", "</s>"]
    if kind == "vanilla":
        assert out["attention"] is None
    else:
        assert len(out["attention"]) == len(out["output"]) and len(out["attention"][0]) == 4


def test_decode_refuses_unknown_symbols(bahdanau):
    with pytest.raises(InputError, match="allowed: a b c d e f g h i j k l"):
        decode(bahdanau.model, "a b 7")
    out = decode(bahdanau.model, "a b c d e")
    assert out["output"] == ["e", "d", "c", "b", "a", "</s>"]


@pytest.mark.parametrize("changes, match", [
    ({"task": "shuffle"}, "unknown task"),
    ({"model": "luong"}, "unknown model"),
    ({"cell": "rnn"}, "unknown cell"),
    ({"hidden": 4}, "hidden must be a whole number from 8 to 256"),
    ({"hidden": 33}, "hidden must be even"),
    ({"hidden": 10_000}, "hidden must be"),
    ({"min_len": 0}, "min_len must be"),
    ({"max_len": 21}, "max_len must be a whole number from 1 to 20"),
    ({"min_len": 8, "max_len": 5}, "must not exceed"),
    ({"seconds": 0.0}, "seconds must be a number"),
    ({"seconds": 1e9}, "seconds must be"),
    ({"steps": 0}, "steps must be"),
    ({"steps": 2.5}, "steps must be a whole number"),
    ({"lr": -1.0}, "lr must be"),
    ({"steps": True}, "steps must be"),
    ({"seed": -1}, "seed must be"),
])
def test_out_of_range_settings_are_refused_with_a_clear_message(changes, match):
    with pytest.raises(ConfigError, match=match):
        LabSettings(**changes)


def test_settings_round_trip_and_unknown_keys():
    s = LabSettings(model="dot", cell="lstm")
    assert LabSettings.from_dict(s.to_dict()) == s
    with pytest.raises(ConfigError, match="unknown lab settings: colour"):
        LabSettings.from_dict({"colour": "red"})


def test_every_tensor_the_lab_makes_follows_the_model_device():
    """LabRun(device=) puts the model there; training, scoring, the probe and decoding make every
    tensor on the model's device (the ones collate builds on the CPU are moved, see device_watch)."""
    from device_watch import made_tensors, off_device

    cpu = torch.device("cpu")
    s = LabSettings(task="reverse", model="bahdanau", steps=4, every=2, test_per_length=2, hidden=16, emb_dim=8,
                    min_len=2, max_len=4, seconds=600.0)
    with made_tensors() as made:
        r = LabRun(s, device=cpu)
        snaps = list(r)
        again = load_model(s, model_bytes(r.model), device=cpu)
        out = decode(again, "c a b")
    assert r.summary["device"] == "cpu" and {p.device for p in again.parameters()} == {cpu}
    assert {m.where.split(":")[0] for m in made} >= {"s2s/lab.py", "s2s/search.py"}  # the watch saw them
    assert not off_device(made, cpu), off_device(made, cpu)
    plain = LabRun(s)  # the default: the CPU, the same numbers
    assert [(x["step"], x["loss"], x["exact_match"], x["probe"]) for x in plain] == \
        [(x["step"], x["loss"], x["exact_match"], x["probe"]) for x in snaps]
    assert out == decode(plain.model, "c a b")
