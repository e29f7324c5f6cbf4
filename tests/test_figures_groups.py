"""s2s.figures.groups.group_bars and the group outlines of similarity_heatmap."""

import pytest

from s2s import figures


def test_group_bars_two_bars_per_model_and_agreement_markers():
    fig = figures.group_bars(["vanilla", "<b>x"], [0.5, 0.3], [0.7, 0.1], [0.0, 1.0], [0.33, 0.4],
                             names={"within": "same meaning"})
    within, between, agree, chance = fig.data
    assert within.name == "same meaning" and list(within.y) == [0.5, 0.3] and list(between.y) == [0.7, 0.1]
    assert list(agree.y) == [0.0, 1.0] and agree.yaxis == "y2" and list(chance.y) == [0.33, 0.4]
    assert list(fig.layout.xaxis.ticktext) == ["vanilla", "&lt;b&gt;x"]
    assert len(figures.group_bars(["a"], [0.1], [0.2]).data) == 2
    with pytest.raises(ValueError):
        figures.group_bars(["a", "b"], [0.1], [0.2, 0.3])


def test_similarity_heatmap_outlines_each_run_of_a_group():
    eye = [[1.0 if i == j else 0.0 for j in range(5)] for i in range(5)]
    fig = figures.similarity_heatmap(eye, list("abcde"), groups=[0, 0, 1, 1, 1])
    boxes = [(s.x0, s.x1) for s in fig.layout.shapes]
    assert boxes == [(-0.5, 1.5), (1.5, 4.5)]
    assert not figures.similarity_heatmap(eye, list("abcde")).layout.shapes
    with pytest.raises(ValueError):
        figures.similarity_heatmap(eye, list("abcde"), groups=[0, 1])
