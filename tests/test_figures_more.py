"""Figure builders of pages 4-6: shapes validated, values and labels where the hover reads them."""

import numpy as np
import pytest

from s2s import figures_more as fm


def test_projection_scatter_layers_and_hover():
    fig = fm.projection_scatter(
        [[0, 1], [2, 3]], ["John admires Mary.", "<s> sneaky"], background=np.zeros((5, 2)),
        background_labels=[f"bg {i}" for i in range(5)], trajectory=[[0, 0], [1, 1], [2, 2]],
        trajectory_labels=["▁Juan", "▁admira", "</s>"], marked=[False, True],
        names={"typed": "your sentences"}, x_title="PC 1 (40%)")
    bg, traj, typed = fig.data
    assert len(bg.x) == 5 and bg.name == "background"
    assert list(traj.customdata) == ["1: ▁Juan", "2: ▁admira", "3: &lt;/s&gt;"]
    assert list(typed.x) == [0, 2] and typed.name == "your sentences"
    assert typed.customdata[1] == "&lt;s&gt; sneaky"  # markup shown literally
    assert list(typed.marker.symbol) == ["circle", "diamond"]
    assert fig.layout.xaxis.title.text == "PC 1 (40%)"


def test_projection_scatter_without_background_or_trajectory():
    fig = fm.projection_scatter([[0.0, 0.0]], ["one"])
    assert len(fig.data) == 1


@pytest.mark.parametrize("kwargs", [
    dict(points=[[0, 1]], labels=["a", "b"]),
    dict(points=[0, 1, 2], labels=["a"]),
    dict(points=[[0, 1]], labels=["a"], marked=[True, False]),
    dict(points=[[0, 1]], labels=["a"], background=np.zeros((3, 2)), background_labels=["x"]),
    dict(points=[[0, 1]], labels=["a"], trajectory=np.zeros((2, 3)), trajectory_labels=["x", "y"]),
])
def test_projection_scatter_validates(kwargs):
    with pytest.raises(ValueError):
        fm.projection_scatter(**kwargs)


def test_similarity_heatmap():
    m = np.array([[1.0, 0.2], [0.2, 1.0]])
    fig = fm.similarity_heatmap(m, ["a", "b" * 50])
    (heat,) = fig.data
    assert np.allclose(heat.z, m) and heat.zmin == -1 and heat.zmax == 1
    assert len(fig.layout.xaxis.ticktext[1]) <= 30
    assert heat.customdata[0][1][1] == "b" * 50  # full sentence in the hover
    with pytest.raises(ValueError):
        fm.similarity_heatmap(np.ones((2, 3)), ["a", "b"])
    with pytest.raises(ValueError):
        fm.similarity_heatmap(m, ["a"])


def test_metric_lines_gaps_counts_and_dashes():
    fig = fm.metric_lines({"vanilla": [20.0, None, 5.0], "bahdanau (quick)": [22.0, 18.0, 15.0]},
                          ["1-5", "6-10", "21+"], counts={"vanilla": [10, 0, 3]}, dashed=["bahdanau (quick)"],
                          y_title="chrF")
    van, bah = fig.data
    assert list(van.y) == [20.0, None, 5.0] and list(van.x) == ["1-5", "6-10", "21+"]
    assert list(van.customdata) == [10, 0, 3] and list(bah.customdata) == ["–"] * 3
    assert bah.line.dash == "dash" and van.line.dash is None
    assert fig.layout.xaxis.type == "category" and fig.layout.yaxis.title.text == "chrF"
    with pytest.raises(ValueError):
        fm.metric_lines({"a": [1.0]}, ["x", "y"])
    with pytest.raises(ValueError):
        fm.metric_lines({}, ["x"])
    with pytest.raises(ValueError):
        fm.metric_lines({"a": [1.0, 2.0]}, ["x", "y"], counts={"a": [1]})


def test_bar_chart_vertical_and_horizontal():
    w = np.array([0.1, 0.6, 0.3])
    fig = fm.bar_chart(w, ["▁the", "▁cat", "▁the"], highlight=1)
    (bar,) = fig.data
    assert list(bar.y) == pytest.approx(w.tolist()) and list(bar.x) == [0, 1, 2]
    assert list(fig.layout.xaxis.ticktext) == ["▁the", "▁cat", "▁the"]  # a repeated piece keeps its bar
    assert bar.marker.color[1] == "#d62728" and bar.marker.color[0] != "#d62728"
    hfig = fm.bar_chart([0.5, 0.2], ["</s>", "▁y"], horizontal=True)
    assert hfig.data[0].orientation == "h" and list(hfig.data[0].x) == [0.5, 0.2]
    assert hfig.layout.yaxis.ticktext[0] == "&lt;/s&gt;"
    for bad in (dict(values=[], labels=[]), dict(values=[1.0], labels=["a", "b"]),
                dict(values=[1.0], labels=["a"], highlight=3), dict(values=np.ones((2, 2)), labels=["a", "b"])):
        with pytest.raises(ValueError):
            fm.bar_chart(**bad)


def test_vector_rows_truncates_and_labels_norms():
    fig = fm.vector_rows({"context": np.arange(100.0), "state": [3.0, 4.0]}, max_dims=10)
    (heat,) = fig.data
    assert len(heat.z) == 2 and len(heat.z[0]) == 10
    assert heat.z[1][:2] == (3.0, 4.0) or list(heat.z[1][:2]) == [3.0, 4.0]
    assert heat.z[1][2] is None  # shorter vector: empty cells
    assert "[2]" in fig.layout.yaxis.ticktext[1] and "5.00" in fig.layout.yaxis.ticktext[1]
    with pytest.raises(ValueError):
        fm.vector_rows({})
    with pytest.raises(ValueError):
        fm.vector_rows({"x": np.ones((2, 2))})


def test_concat_strip_spans_every_part():
    fig = fm.concat_strip({"s_t": [1.0, 2.0, 3.0], "c_t": [-1.0], "E y": [0.5, 0.5]})
    (heat,) = fig.data
    assert list(heat.z[0]) == [1.0, 2.0, 3.0, -1.0, 0.5, 0.5]
    assert [a.text for a in fig.layout.annotations] == ["s_t [3]", "c_t [1]", "E y [2]"]
    assert [tuple(c) for c in heat.customdata[0]][3] == ("c_t", 1)
    assert len(fig.layout.shapes) == 2  # a line between each pair of parts
    with pytest.raises(ValueError):
        fm.concat_strip({})
    with pytest.raises(ValueError):
        fm.concat_strip({"a": []})
