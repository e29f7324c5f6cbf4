"""s2s.groups: within/between-group cosine, nearest-neighbour agreement and the verdict, on hand-made vectors."""

import numpy as np
import pytest

from s2s.groups import PRESETS, group_stats
from s2s.vectors import sentence_set


def test_two_tight_groups_group_by_meaning():
    x = [[1, 0], [0.9, 0.1], [0, 1], [0.1, 0.9]]
    g = group_stats(x, [0, 0, 1, 1])
    c = 0.9 / np.hypot(0.9, 0.1)
    assert g.within == pytest.approx(c) and g.within_pairs == 2 and g.between_pairs == 4
    assert g.between == pytest.approx(np.mean([0, 0.1 / np.hypot(0.1, 0.9), 0.1 / np.hypot(0.9, 0.1), 2 * 0.09 / 0.82]))
    assert g.agreement == 1.0 and g.chance == pytest.approx(1 / 3) and g.verdict == "meaning"
    assert g.gap == pytest.approx(g.within - g.between)


def test_groups_that_cross_the_clusters_are_not_grouped():
    x = [[1, 0], [0.9, 0.1], [0, 1], [0.1, 0.9]]
    g = group_stats(x, ["a", "b", "a", "b"])  # any hashable labels
    assert g.within < g.between and g.agreement == 0.0 and g.verdict == "not"


def test_partly_and_singletons():
    # group 0 tight (two points), group 1 = one point near group 0's, group 2 = two far apart points
    x = [[1, 0, 0], [1, 0.1, 0], [1, -0.3, 0], [0, 1, 0], [0, 0, 1]]
    g = group_stats(x, [0, 0, 1, 2, 2])
    assert g.sizes == [2, 1, 2] and g.singletons == [1]
    assert g.agreement == pytest.approx(0.5)  # 0 and 1 find each other; 3 and 4 do not
    assert g.chance == pytest.approx(0.25) and g.within > g.between and g.verdict == "partly"


def test_nothing_to_measure():
    assert group_stats([[1, 0], [0, 1]], [0, 0]).verdict is None  # one group: no between pair
    assert group_stats([[1, 0], [0, 1]], [0, 1]).verdict is None  # no group of two
    assert group_stats([[1, 0]], [0]).verdict is None
    with pytest.raises(ValueError):
        group_stats([[1, 0], [0, 1]], [0])


def test_presets_parse_into_their_groups():
    for name, sizes in (("order", [2, 2]), ("voice", [3, 3]), ("paraphrase", [3, 3])):
        sset = sentence_set("\n".join(PRESETS[name]))
        assert np.bincount(sset.groups).tolist() == sizes, name


def test_cli_context_groups_prints_each_preset_and_agrees_with_group_stats(tmp_path, capsys):
    import json

    from s2s import checkpoint
    from s2s.__main__ import main
    from s2s.vectors import context_vectors
    from tiny import make_checkpoint

    path = make_checkpoint(tmp_path / "v", attention="none")
    assert main(["context-groups", str(path), "--json"]) == 0
    rows = [json.loads(x) for x in capsys.readouterr().out.strip().splitlines()]
    assert [r["set"] for r in rows] == list(PRESETS)
    sset = sentence_set("\n".join(PRESETS["voice"]))
    stats = group_stats(context_vectors(checkpoint.load(path), sset.texts), sset.groups)
    assert rows[1]["within"] == pytest.approx(stats.within) and rows[1]["verdict"] == stats.verdict
    (tmp_path / "set.txt").write_text("A dog.\nThe dog.\n\nA cat.\n", encoding="utf-8")
    assert main(["context-groups", str(path), "--file", str(tmp_path / "set.txt")]) == 0
    assert "set.txt" in capsys.readouterr().out
