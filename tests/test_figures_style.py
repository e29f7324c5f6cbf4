"""s2s.figures.style: the one sizing rule (fonts, cells from token counts, margins, least width),
normal and projector, for short and 40-piece inputs, and every builder following it."""

import math

import numpy as np
import pytest

from s2s import figures
from s2s.figures import style

SHORT = ["▁I", "▁am", "▁hungry", "."]  # 4 pieces
LONG = [f"▁w{i}" for i in range(40)]  # 40 pieces


def _attn(t, s, seed=0):
    w = np.random.default_rng(seed).random((t, s))
    return w / w.sum(axis=1, keepdims=True)


def test_font_sizes_normal_and_projector():
    assert style.font_size(False) == 13
    assert style.font_size(True) == 18 >= 16  # >= 16 px on a 1280x720 projector
    assert style.title_size(True) > style.font_size(True)


@pytest.mark.parametrize("large, short_cell, long_cell", [(False, 56, 21), (True, 80, 29)])
def test_cell_size_from_the_number_of_tokens(large, short_cell, long_cell):
    assert style.min_cell_px(large) == long_cell  # 1.6 lines of tick text
    assert style.cell_px(len(SHORT), large) == short_cell  # few tokens: the largest cell
    assert style.cell_px(len(LONG), large) == long_cell  # 40 tokens: never below readable
    assert style.cell_px(8, large) == max(long_cell, min(short_cell, round(style.GRID_PX[large] / 8)))
    with pytest.raises(ValueError):
        style.cell_px(0, large)


@pytest.mark.parametrize("large", [False, True])
def test_heatmap_size_short_and_long(large):
    short = style.heatmap_size(len(SHORT), len(SHORT), SHORT, SHORT, large)
    long = style.heatmap_size(len(LONG), len(LONG), LONG, LONG, large)
    margins = short.margin["t"] + short.margin["b"]
    assert short.height == len(SHORT) * style.cell_px(4, large) + margins
    assert long.height == 40 * style.min_cell_px(large) + long.margin["t"] + long.margin["b"]
    assert long.height > short.height
    # at least the width where 40 columns keep a readable cell: wider than a laptop's half column
    assert long.min_width == 40 * style.min_cell_px(large) + long.margin["l"] + long.margin["r"]
    assert long.min_width > short.min_width
    # margins hold the longest label at the font's size
    assert short.margin["l"] >= style.label_px(SHORT, large) and short.margin["t"] >= style.label_px(SHORT, large)


def test_projector_is_larger_for_the_same_input():
    for labels in (SHORT, LONG):
        normal = style.heatmap_size(len(labels), len(labels), labels, labels, False)
        big = style.heatmap_size(len(labels), len(labels), labels, labels, True)
        assert big.height > normal.height and big.min_width > normal.min_width
        assert big.cell_h > normal.cell_h


def test_long_labels_are_cut_for_the_axis_only():
    word = "▁" + "x" * 60
    assert len(style.short_label(word)) == style.MAX_LABEL_CHARS and style.short_label(word).endswith("…")
    assert style.label_px([word], True) == style.label_px([style.short_label(word)], True)
    fig = figures.attention_heatmap(_attn(2, 2), [word, "</s>"], ["a", "b"], large=True)
    assert fig.layout.xaxis.ticktext[0] == style.short_label(word)
    assert fig.layout.xaxis.ticktext[1] == "&lt;/s&gt;"  # escaping kept, counted as 4 characters
    assert word in fig.data[0].customdata[0, 0, 1]  # the hover keeps the whole piece


@pytest.mark.parametrize("large", [False, True])
@pytest.mark.parametrize("n", [4, 40])
def test_attention_heatmap_follows_the_rule(large, n):
    src, tgt = LONG[:n], LONG[:n]
    fig = figures.attention_heatmap(_attn(n, n), src, tgt, large=large)
    size = style.heatmap_size(n, n, tgt, src, large)
    assert fig.layout.height == size.height
    assert style.min_width(fig) == size.min_width
    assert fig.layout.margin.l == size.margin["l"] and fig.layout.margin.t == size.margin["t"]
    # the plot area leaves each row at least a readable cell
    rows_px = fig.layout.height - fig.layout.margin.t - fig.layout.margin.b
    assert rows_px / n >= style.min_cell_px(large)
    # columns at the least width too
    cols_px = style.min_width(fig) - fig.layout.margin.l - fig.layout.margin.r
    assert cols_px / n >= style.min_cell_px(large)


def test_max_height_never_below_a_readable_row():
    fig = figures.attention_heatmap(_attn(40, 40), LONG, LONG, large=True, max_height=300)
    assert (fig.layout.height - fig.layout.margin.t - fig.layout.margin.b) / 40 >= style.min_cell_px(True)
    short = figures.attention_heatmap(_attn(4, 4), SHORT, SHORT, large=True, max_height=200)
    assert short.layout.height <= max(200, 4 * style.min_cell_px(True) + short.layout.margin.t + short.layout.margin.b)


def _every_builder(large):
    v = np.random.default_rng(1).random(6)
    return {
        "heatmap": figures.attention_heatmap(_attn(4, 6), LONG[:6], SHORT, title="t", large=large),
        "line": figures.line_chart({"a": [0.1, 0.5], "b": [1, 2]}, large=large),
        "coverage": figures.coverage_chart({"m": v}, LONG[:6], large=large),
        "metric": figures.metric_lines({"a": [1, None], "b": [2, 3]}, ["1-5", "6-10"], large=large),
        "bars": figures.bar_chart(v, LONG[:6], highlight=0, large=large),
        "hbars": figures.bar_chart(v, LONG[:6], horizontal=True, large=large),
        "vectors": figures.vector_rows({"c": v, "s": v[:3]}, large=large),
        "concat": figures.concat_strip({"s": v, "c": v[:2]}, large=large),
        "scatter": figures.projection_scatter(np.zeros((2, 2)), ["a", "b"], large=large),
        "similarity": figures.similarity_heatmap(np.eye(3), ["a", "b", "c"], large=large),
        "beam": figures.beam_tree([None, 0, 0], [0, 1, 1], ["<s>", "a", "b"], [0, -1, -2], [0, -1, -2],
                                  ["kept", "finished", "pruned"], large=large),
    }


@pytest.mark.parametrize("large", [False, True])
def test_every_builder_sets_every_font(large):
    """Ticks, axis titles, legend, hover and colour bars at font_size, set on each axis (Streamlit's
    chart theme overrides a layout-only font with its own 12 px ticks)."""
    size = style.font_size(large)
    for name, fig in _every_builder(large).items():
        assert fig.layout.font.size == size, name
        assert fig.layout.hoverlabel.font.size == size, name
        assert fig.layout.legend.font.size == size, name
        for axis in (fig.layout.xaxis, fig.layout.yaxis):
            assert axis.tickfont.size == size and axis.title.font.size == size, name
        for trace in fig.data:
            if "colorbar" in trace:
                assert trace.colorbar.tickfont.size == size, name
        for note in fig.layout.annotations:
            assert note.font.size >= size - 2, name
        if large:
            assert size >= 16


def test_bars_record_a_least_width_from_their_count():
    v = np.ones(40)
    fig = figures.bar_chart(v, LONG, large=True)
    assert style.min_width(fig) == style.category_min_width(40, True) >= 40 * style.min_cell_px(True)
    assert style.min_width(figures.bar_chart(v, LONG, horizontal=True, large=True)) is None  # grows in height
    assert figures.bar_chart(v, LONG, horizontal=True, large=True).layout.height == style.bar_rows_size(40, True, title=False)[0]


@pytest.mark.parametrize("large", [False, True])
def test_numbers_in_bars_and_cells_are_never_shrunk(large):
    """Every figure: plotly's uniformtext at the font size, mode "hide" (a number drawn in a bar is
    at the font size or left to the hover); every trace that writes in its bars or cells at that size."""
    size = style.font_size(large)
    written = 0
    for name, fig in _every_builder(large).items():
        assert fig.layout.uniformtext.minsize == size and fig.layout.uniformtext.mode == "hide", name
        for trace in fig.data:
            if (trace.type == "bar" and trace.text is not None) or (trace.type == "heatmap" and trace.texttemplate):
                assert trace.textfont.size == size, name
                written += 1
    assert written == 3  # the vertical and horizontal bars, the 3-sentence similarity matrix
    if large:
        assert size >= 16


@pytest.mark.parametrize("large", [False, True])
@pytest.mark.parametrize("n", [4, 40])
@pytest.mark.parametrize("title", [None, "top-k"])
def test_horizontal_bar_rows_hold_a_line_of_text(large, n, title):
    """A horizontal bar (top-k) holds its number inside at the font size: the plot area between the
    margins the builder sets gives each row `bar_row_px`, and the bar, (1 - BAR_GAP) of its row, is a
    line of text (LINE_EM, 24 px at 18 px in chromium) plus plotly's padding above and below."""
    fig = figures.bar_chart(np.linspace(1, 0.01, n), LONG[:n], horizontal=True, large=large, title=title)
    size = style.font_size(large)
    row = (fig.layout.height - fig.layout.margin.t - fig.layout.margin.b) / n
    assert row == style.bar_row_px(large)
    assert row * (1 - style.BAR_GAP) >= math.ceil(style.LINE_EM * size) + 2 * style.TEXT_PAD + 2
    assert fig.layout.margin.b >= style.AXIS_EM * size  # the x axis's ticks and title (86 px measured at 18)
    assert fig.layout.margin.t == (60 if title else 20)
    assert (fig.layout.height, fig.layout.margin.to_plotly_json()) == style.bar_rows_size(n, large, bool(title))
    assert fig.data[0].textposition == "auto" and list(fig.data[0].text[:2]) == ["1.000", format(1 - 0.99 / (n - 1), ".3f")]


@pytest.mark.parametrize("large", [False, True])
def test_heatmap_cells_hold_their_numbers(large):
    """Cells with numbers are never narrower than the number at the font size (and plotly's padding):
    the least width grows with it; without numbers it is the tick labels' rule."""
    labels = [f"s{i}" for i in range(6)]
    plain = style.heatmap_size(6, 6, labels, labels, large)
    numbered = style.heatmap_size(6, 6, labels, labels, large, number_chars=5)
    cell = style.number_cell_px(5, large)
    assert cell >= style.number_px(5, large) + 4
    assert style.number_px(5, large) == math.ceil(5 * style.NUMBER_EM * style.font_size(large))
    assert style.number_px(5, True) >= 41  # "0.453" measured 40.3 px wide at 18 px in chromium
    assert numbered.min_width - numbered.margin["l"] - numbered.margin["r"] == 6 * max(cell, style.min_cell_px(large))
    assert numbered.min_width > plain.min_width and numbered.cell_w >= cell
    assert numbered.height == plain.height  # rows: 1.6 lines, already more than a line of numbers
    assert style.min_cell_px(large) >= style.LINE_EM * style.font_size(large) + 1


@pytest.mark.parametrize("large", [False, True])
def test_similarity_matrix_writes_numbers_only_where_they_fit(large):
    rng = np.random.default_rng(3)
    for n in (3, 6, 12, 20):
        m = np.clip(rng.normal(0, 0.5, (n, n)), -1, 1)
        labels = [f"sentence {i}" for i in range(n)]
        fig = figures.similarity_heatmap(m, labels, large=large)
        (heat,) = fig.data
        written = heat.texttemplate is not None
        cells = (style.min_width(fig) - fig.layout.margin.l - fig.layout.margin.r) / n
        if written:
            chars = max(len(x) for row in heat.text for x in row)
            assert heat.textfont.size == style.font_size(large)
            assert cells >= style.number_cell_px(chars, large)  # neighbouring numbers never overlap
            assert style.min_width(fig) <= style.MAIN_PX[large]  # and the matrix needs no sideways scroll
            assert heat.text[0][1] == format(m[0, 1], ".2f")
        else:
            assert heat.text is None and cells == style.min_cell_px(large)
        with_numbers = style.heatmap_size(n, n, labels, labels, large, number_chars=5 if (m < 0).any() else 4)
        assert written == (with_numbers.min_width <= style.MAIN_PX[large]), (n, large)
    assert figures.similarity_heatmap(np.eye(3), ["a", "b", "c"], large=large).data[0].texttemplate
    assert figures.similarity_heatmap(np.full((40, 40), -0.5), LONG, large=large).data[0].texttemplate is None
