"""s2s.figures.step: the step player's bars, vector rows and concatenation strip."""

import numpy as np
import pytest

from s2s import figures


def test_bar_chart_vertical_and_horizontal():
    w = np.array([0.1, 0.6, 0.3])
    fig = figures.bar_chart(w, ["▁the", "▁cat", "▁the"], highlight=1)
    (bar,) = fig.data
    assert list(bar.y) == pytest.approx(w.tolist()) and list(bar.x) == [0, 1, 2]
    assert list(fig.layout.xaxis.ticktext) == ["▁the", "▁cat", "▁the"]  # a repeated piece keeps its bar
    assert bar.marker.color[1] == "#d62728" and bar.marker.color[0] != "#d62728"
    hfig = figures.bar_chart([0.5, 0.2], ["</s>", "▁y"], horizontal=True)
    assert hfig.data[0].orientation == "h" and list(hfig.data[0].x) == [0.5, 0.2]
    assert hfig.layout.yaxis.ticktext[0] == "&lt;/s&gt;"
    for bad in (dict(values=[], labels=[]), dict(values=[1.0], labels=["a", "b"]),
                dict(values=[1.0], labels=["a"], highlight=3), dict(values=np.ones((2, 2)), labels=["a", "b"])):
        with pytest.raises(ValueError):
            figures.bar_chart(**bad)


def test_vector_rows_truncates_and_labels_norms():
    fig = figures.vector_rows({"context": np.arange(100.0), "state": [3.0, 4.0]}, max_dims=10)
    (heat,) = fig.data
    assert len(heat.z) == 2 and len(heat.z[0]) == 10
    assert heat.z[1][:2] == (3.0, 4.0) or list(heat.z[1][:2]) == [3.0, 4.0]
    assert heat.z[1][2] is None  # shorter vector: empty cells
    assert "[2]" in fig.layout.yaxis.ticktext[1] and "5.00" in fig.layout.yaxis.ticktext[1]
    with pytest.raises(ValueError):
        figures.vector_rows({})
    with pytest.raises(ValueError):
        figures.vector_rows({"x": np.ones((2, 2))})


def test_concat_strip_spans_every_part():
    fig = figures.concat_strip({"s_t": [1.0, 2.0, 3.0], "c_t": [-1.0], "E y": [0.5, 0.5]})
    (heat,) = fig.data
    assert list(heat.z[0]) == [1.0, 2.0, 3.0, -1.0, 0.5, 0.5]
    assert [a.text for a in fig.layout.annotations] == ["s_t [3]", "c_t [1]", "E y [2]"]
    assert [tuple(c) for c in heat.customdata[0]][3] == ("c_t", 1)
    assert len(fig.layout.shapes) == 2  # a line between each pair of parts
    with pytest.raises(ValueError):
        figures.concat_strip({})
    with pytest.raises(ValueError):
        figures.concat_strip({"a": []})
