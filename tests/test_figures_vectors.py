"""s2s.figures.vectors: projection layers and hover, similarity matrix; shapes validated."""

import numpy as np
import pytest

from s2s import figures


def test_projection_scatter_layers_and_hover():
    fig = figures.projection_scatter(
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
    fig = figures.projection_scatter([[0.0, 0.0]], ["one"])
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
        figures.projection_scatter(**kwargs)


def test_similarity_heatmap():
    m = np.array([[1.0, 0.2], [0.2, 1.0]])
    fig = figures.similarity_heatmap(m, ["a", "b" * 50])
    (heat,) = fig.data
    assert np.allclose(heat.z, m) and heat.zmin == -1 and heat.zmax == 1
    assert len(fig.layout.xaxis.ticktext[1]) <= 30
    assert heat.customdata[0][1][1] == "b" * 50  # full sentence in the hover
    with pytest.raises(ValueError):
        figures.similarity_heatmap(np.ones((2, 3)), ["a", "b"])
    with pytest.raises(ValueError):
        figures.similarity_heatmap(m, ["a"])
