"""s2s.figures.metrics: metric lines with gaps, counts and dashes."""

import pytest

from s2s import figures


def test_metric_lines_gaps_counts_and_dashes():
    fig = figures.metric_lines({"vanilla": [20.0, None, 5.0], "bahdanau (quick)": [22.0, 18.0, 15.0]},
                          ["1-5", "6-10", "21+"], counts={"vanilla": [10, 0, 3]}, dashed=["bahdanau (quick)"],
                          y_title="chrF")
    van, bah = fig.data
    assert list(van.y) == [20.0, None, 5.0] and list(van.x) == ["1-5", "6-10", "21+"]
    assert list(van.customdata) == [10, 0, 3] and list(bah.customdata) == ["–"] * 3
    assert bah.line.dash == "dash" and van.line.dash is None
    assert fig.layout.xaxis.type == "category" and fig.layout.yaxis.title.text == "chrF"
    with pytest.raises(ValueError):
        figures.metric_lines({"a": [1.0]}, ["x", "y"])
    with pytest.raises(ValueError):
        figures.metric_lines({}, ["x"])
    with pytest.raises(ValueError):
        figures.metric_lines({"a": [1.0, 2.0]}, ["x", "y"], counts={"a": [1]})
