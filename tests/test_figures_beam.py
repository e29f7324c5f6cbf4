"""s2s.figures.beam: the beam tree's traces, legend and layout; bad input refused."""

import pytest

from s2s import figures


def _tree():
    #        0 (<s>)
    #   1 kept      2 pruned
    #   3 finished  4 kept
    return dict(parents=[None, 0, 0, 1, 1], steps=[0, 1, 1, 2, 2], labels=["<s>", "▁a", "▁b", "</s>", "▁c"],
                log_probs=[0, -0.1, -2.0, -0.5, -0.7], scores=[0, -0.1, -2.0, -0.6, -0.8],
                fates=["kept", "kept", "pruned", "finished", "kept"])


def test_beam_tree_traces_and_legend():
    fig = figures.beam_tree(**_tree(), highlight=[0, 1, 3], x_title="step")
    names = [d.name for d in fig.data if d.showlegend is not False]
    assert names == ["kept", "pruned", "finished", "chosen hypothesis"]
    kept, pruned, finished = (next(d for d in fig.data if d.name == n) for n in ("kept", "pruned", "finished"))
    assert len(kept.x) == 3 and len(pruned.x) == 1 and len(finished.x) == 1
    assert kept.marker.symbol != pruned.marker.symbol != finished.marker.symbol
    assert kept.marker.color != pruned.marker.color != finished.marker.color
    assert "log P" in kept.hovertemplate and "score" in kept.hovertemplate
    assert fig.layout.xaxis.title.text == "step"
    assert list(finished.customdata[0][:1]) == ["&lt;/s&gt;"]


def test_beam_tree_bad_input():
    tree = _tree()
    with pytest.raises(ValueError):
        figures.beam_tree(**{**tree, "labels": tree["labels"][:-1]})
    with pytest.raises(ValueError):
        figures.beam_tree(**{**tree, "fates": ["kept"] * 4 + ["lost"]})
    with pytest.raises(ValueError):
        figures.beam_tree(**{**tree, "parents": [None, 0, 0, 1, 9]})


def test_tree_layout_layers():
    #  step 1: 1 (parent 0), 2 (parent 0); step 2: 3, 4 (parent 2, listed first), 5 (parent 1)
    parents, steps = [None, 0, 0, 2, 2, 1], [0, 1, 1, 2, 2, 2]
    ys = figures.tree_layout(parents, [0, -0.1, -2.0, -2.5, -2.1, -0.6], steps)
    assert ys[0] == 0 and ys[1] < ys[2]  # better score higher up (smaller y, drawn on top after flip)
    assert ys[5] < ys[4] < ys[3]  # children follow their parents' order, siblings by score
    assert sorted(ys[3:]) == [-1.0, 0.0, 1.0]  # centred
