"""s2s.figures.attention: the heatmap, entropy line and coverage chart: labels, hover values, bad shapes."""

import numpy as np
import plotly.graph_objects as go
import pytest

from s2s import figures


def _attn(t=3, s=4, seed=0):
    w = np.random.default_rng(seed).random((t, s))
    return w / w.sum(axis=1, keepdims=True)


def test_heatmap_labels_and_hover():
    src, tgt = ["▁the", "▁cat", "▁the", "</s>"], ["▁el", "▁gato", "</s>"]
    fig = figures.attention_heatmap(_attn(), src, tgt, x_title="source", y_title="target", large=True)
    assert isinstance(fig, go.Figure) and len(fig.data) == 1
    assert list(fig.layout.xaxis.ticktext) == ["▁the", "▁cat", "▁the", "&lt;/s&gt;"]  # duplicates kept
    assert list(fig.layout.yaxis.ticktext) == ["▁el", "▁gato", "&lt;/s&gt;"]
    assert fig.layout.xaxis.title.text == "source" and fig.layout.yaxis.title.text == "target"
    assert "%{z:.3f}" in fig.data[0].hovertemplate
    assert fig.layout.font.size > figures.attention_heatmap(_attn(), src, tgt).layout.font.size


def test_heatmap_diverging_is_centred():
    fig = figures.attention_heatmap(_attn() - _attn(seed=1), list("abcd"), list("xyz"), diverging=True)
    assert fig.data[0].zmid == 0 and fig.data[0].zmin == -fig.data[0].zmax


@pytest.mark.parametrize("weights, src, tgt", [
    (np.zeros((3, 4)), list("abc"), list("xyz")),  # too few source labels
    (np.zeros((3, 4)), list("abcd"), list("xy")),  # too few target labels
    (np.zeros(4), list("abcd"), list("x")),  # not 2-D
    (np.zeros((0, 4)), list("abcd"), []),  # empty
])
def test_heatmap_shape_mismatch(weights, src, tgt):
    with pytest.raises(ValueError):
        figures.attention_heatmap(weights, src, tgt)


def test_line_chart():
    fig = figures.line_chart({"a": [0.1, 0.5, 1.0], "b": [1, 2]}, hover_labels={"a": ["x", "y", "z"]},
                             x_title="step", y_title="entropy (bits)")
    assert len(fig.data) == 2 and [d.name for d in fig.data] == ["a", "b"]
    assert list(fig.data[0].x) == [1, 2, 3]
    assert fig.layout.yaxis.title.text == "entropy (bits)"
    with pytest.raises(ValueError):
        figures.line_chart({"a": [0.1, 0.5]}, hover_labels={"a": ["x"]})
    with pytest.raises(ValueError):
        figures.line_chart({})


def test_coverage_chart():
    fig = figures.coverage_chart({"m1": [1.0, 0.2, 1.8], "m2": [1, 1, 1]}, ["a", "b", "<c>"], x_title="source")
    assert len(fig.data) == 2 and all(isinstance(d, go.Bar) for d in fig.data)
    assert list(fig.layout.xaxis.ticktext) == ["a", "b", "&lt;c&gt;"]
    assert {s.y0 for s in fig.layout.shapes} == {0.5, 1.5}
    with pytest.raises(ValueError):
        figures.coverage_chart({"m1": [1.0, 0.2]}, ["a", "b", "c"])
