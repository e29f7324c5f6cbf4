"""Training-lab figures: loss curves and exact match by length."""

import math

import pytest

from s2s import figures


def test_loss_curves_one_line_per_run_on_a_log_axis():
    fig = figures.loss_curves({"A: vanilla": ([0, 50, 100], [None, 2.0, 1.0]), "B: <b>x</b>": ([0, 50], [None, 0.5])},
                              title="Training loss")
    assert [tr.name for tr in fig.data] == ["A: vanilla", "B: &lt;b&gt;x&lt;/b&gt;"]
    assert list(fig.data[0].x) == [0, 50, 100] and math.isnan(fig.data[0].y[0]) and fig.data[0].y[2] == 1.0
    assert fig.layout.yaxis.type == "log"


def test_exact_by_length_marks_the_trained_range():
    fig = figures.exact_by_length([3, 4, 5, 6], {"A": [1.0, 0.5, 0.25, 0.0]}, (3, 4), trained_label="trained")
    assert list(fig.data[0].y) == [1.0, 0.5, 0.25, 0.0]
    (rect,) = fig.layout.shapes
    assert (rect.x0, rect.x1) == (2.5, 4.5)
    assert fig.layout.annotations[0].text == "trained"


@pytest.mark.parametrize("call", [
    lambda: figures.loss_curves({}),
    lambda: figures.loss_curves({"A": ([0, 1], [1.0])}),
    lambda: figures.exact_by_length([3, 4], {"A": [1.0]}, (3, 4)),
    lambda: figures.exact_by_length([3, 4], {"A": [1.0, 0.0]}, (5, 4)),
    lambda: figures.exact_by_length([3], {}, (3, 3)),
])
def test_mismatched_shapes_are_refused(call):
    with pytest.raises(ValueError):
        call()
