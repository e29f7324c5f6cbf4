"""The one styling and sizing rule of every figure: font sizes, margins, cell sizes from the number
of tokens, label escaping, shape checks. `large=True` is the projector size (the sidebar's
"Projector mode"), `large=False` the size for a laptop screen.

The rule, in numbers (px on screen, at the browser's zoom 100 %):
- text: tick labels, legends, hover labels, colour-bar ticks and annotations at `font_size(large)`
  (13 normal, 18 projector: at least 16 px on a 1280x720 projector), titles 4 px larger. They are set
  on every axis, not only on the layout font, because Streamlit's chart theme sets its own tick size.
- a token's cell (heatmaps) or category (bars) along an axis of n tokens: `cell_px(n, large)`, the
  axis length `GRID_PX` shared by n, bounded below by `min_cell_px` (1.6 lines of tick text, so two
  neighbouring labels never overlap, even rotated) and above by `MAX_CELL_PX` (a 3-piece sentence
  does not fill the screen). Height = rows x cell + margins; the margins come from the longest label
  (`label_px`), tick labels longer than `MAX_LABEL_CHARS` are cut with "…" (the hover keeps them whole).
- numbers written in bars or cells (bar values, a similarity matrix's cosines) are drawn at
  `font_size(large)` or not at all, never shrunk: `layout` sets plotly's `uniformtext` (minsize =
  the font size, mode "hide": a number that would have to shrink to fit its bar is left to the
  hover) and the font of every trace that writes in its bars or cells. Horizontal bars get rows that
  hold a line of text inside the bar (`bar_rows_size`); a heatmap's cells never get narrower than
  the number they hold (`number_cell_px`, in `heatmap_size`'s least width), so neighbouring numbers
  never overlap, and it writes them only when that still fits a 1280 px screen (`numbers_fit`).
- width: a figure is drawn at the full width of its container; when its columns need more than that
  (n x min_cell_px + margins: a 40-piece sentence), the figure records that width (`set_min_width`,
  read back by `min_width`) and the page scrolls it horizontally instead of shrinking the cells
  (s2s/ui/widgets.py `show_figure` does this for every figure).

How a page follows the rule (any page, including new ones): build the figure with a builder of
s2s.figures passing `large=widgets.large()`, show it with `widgets.show_figure`, put the intro
through `widgets.intro`, and lay figures side by side with `widgets.figure_columns(n)` (stacked,
one per row, in projector mode). A new builder calls `layout(fig, title, large, height)` last and,
for token axes, `heatmap_size` / `rows_height` / `category_min_width` and `set_min_width`; it never
sets font sizes or margins of its own.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go


PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf")
GRID_PX = {False: 440, True: 560}  # the length a token axis aims for, shared by its tokens
MAX_CELL_PX = {False: 56, True: 80}  # the largest cell (few tokens)
MAX_LABEL_CHARS = 24  # longer tick labels are cut with "…" (the hover shows them whole)
CHAR_EM = 0.62  # average width of a character of the figure font, in ems (measured for Source Sans)
NUMBER_EM = 0.5  # width of a digit, point or minus of the figure font, in ems (measured: 0.44-0.46 in chromium)
AXIS_EM = 5.0  # below a plot: a line of x tick labels and the axis title, with plotly's standoffs (86 px at 18 px)
COLORBAR_PX = 90  # a colour bar with its title, beside a heatmap
MAIN_PX = {False: 820, True: 890}  # the main area's width at 1280 px, sidebar open (chromium, 2026-12-01)
# plotly's own measures of text in bars (plotly.js src/traces/bar/plot.js, src/constants/alignment.js)
TEXT_PAD = 3  # px between a bar's edge and the number written in it, each side
LINE_EM = 1.3  # a line of text, in ems
BAR_GAP = 0.2  # plotly's default gap between bars, a fraction of a category


def font_size(large: bool) -> int:
    """Tick labels, legends, hover text, annotations (px)."""
    return 18 if large else 13


def title_size(large: bool) -> int:
    return font_size(large) + 4


def min_cell_px(large: bool) -> int:
    """The smallest cell along a token axis: 1.6 lines of tick text, so labels never overlap."""
    return math.ceil(1.6 * font_size(large))


def cell_px(n: int, large: bool) -> int:
    """Side of one token's cell along an axis of `n` tokens (px)."""
    if n < 1:
        raise ValueError(f"an axis needs at least one token, got {n}")
    return int(min(MAX_CELL_PX[large], max(min_cell_px(large), round(GRID_PX[large] / n))))


def number_px(chars: int, large: bool) -> int:
    """Width on screen of a number of `chars` characters written at `font_size(large)` (px)."""
    return math.ceil(chars * NUMBER_EM * font_size(large))


def number_cell_px(chars: int, large: bool) -> int:
    """The least width of a heatmap's cell holding a number of `chars` characters at the figure's
    font: the number, 2 px either side of it, none of them shared with the neighbour's."""
    return number_px(chars, large) + 4


def numbers_fit(size: HeatmapSize, large: bool) -> bool:
    """A heatmap writes numbers in its cells only when, at its least width with cells that hold
    them (`heatmap_size(..., number_chars=...)`), it fits the main area of a 1280 px wide screen
    (`MAIN_PX`): a larger matrix keeps its readable cells without scrolling, its numbers in the hover."""
    return size.min_width <= MAIN_PX[large]


def bar_row_px(large: bool) -> int:
    """A row of horizontal bars whose bar holds one line of text at `font_size(large)` inside it:
    the line, plotly's padding above and below and 4 px, with the bar (1 - BAR_GAP) of the row."""
    return math.ceil((math.ceil(LINE_EM * font_size(large)) + 2 * TEXT_PAD + 4) / (1 - BAR_GAP))


def bar_rows_size(rows: int, large: bool, title: bool) -> tuple[int, dict]:
    """Height and margins of `rows` horizontal bars with a number in each: rows of `bar_row_px`
    between a title's 60 px on top and `AXIS_EM` lines of x axis below (margins set, not guessed:
    plotly's automargin only grows them)."""
    margin = dict(l=10, r=10, t=60 if title else 20, b=math.ceil(AXIS_EM * font_size(large)))
    return max(1, rows) * bar_row_px(large) + margin["t"] + margin["b"], margin


def short_label(text: str) -> str:
    """A tick label of at most MAX_LABEL_CHARS characters (cut with "…")."""
    text = str(text)
    return text if len(text) <= MAX_LABEL_CHARS else text[:MAX_LABEL_CHARS - 1] + "…"


def label_px(labels: Sequence[str], large: bool) -> int:
    """Length on screen of the longest tick label (after `short_label`; markup escapes count once)."""
    chars = max((len(unesc(short_label(x))) for x in labels), default=0)
    return math.ceil(chars * CHAR_EM * font_size(large))


@dataclass(frozen=True)
class HeatmapSize:
    """Pixel sizes of a [rows x cols] token heatmap: cells, margins, total height and the least width."""

    cell_w: int  # a column at the figure's natural width (it grows when the figure is stretched)
    cell_h: int  # a row
    margin: dict  # l, r, t, b (px)
    height: int
    width: int  # natural width: cols x cell_w + margins
    min_width: int  # cols x min_cell_px + margins: below this, labels would overlap


def heatmap_size(n_rows: int, n_cols: int, row_labels: Sequence[str], col_labels: Sequence[str], large: bool,
                 title: bool = False, colorbar: bool = True, x_top: bool = True, number_chars: int = 0) -> HeatmapSize:
    """The size of a heatmap of `n_rows` x `n_cols` tokens whose column labels stand rotated by 90°
    (on top when `x_top`) and whose row labels read horizontally on the left. `number_chars`: the
    cells hold numbers of that many characters (no column gets narrower than `number_cell_px`)."""
    size = font_size(large)
    axis_title = math.ceil(2.2 * size)
    t = label_px(col_labels, large) + axis_title + 12 + (title_size(large) * 2 if title else 0)
    left = label_px(row_labels, large) + axis_title + 12
    right = (COLORBAR_PX + (30 if large else 0)) if colorbar else 16
    margin = dict(l=left, r=right, t=t if x_top else 24, b=24 if x_top else t)
    least = max(min_cell_px(large), number_cell_px(number_chars, large) if number_chars else 0)
    cell_h, cell_w = cell_px(n_rows, large), max(least, cell_px(n_cols, large))
    extra_w = margin["l"] + margin["r"]
    return HeatmapSize(cell_w=cell_w, cell_h=cell_h, margin=margin,
                       height=int(n_rows * cell_h + margin["t"] + margin["b"]),
                       width=int(n_cols * cell_w + extra_w), min_width=int(n_cols * least + extra_w))


def category_min_width(n: int, large: bool, extra: int = 120) -> int:
    """The least width of a figure with `n` categories side by side on x (bars): `extra` px for axis
    titles, y tick labels and legend."""
    return int(n * min_cell_px(large) + extra)


def set_min_width(fig: go.Figure, px: int) -> go.Figure:
    """Record the width below which the figure's labels would overlap (read by `min_width`)."""
    meta = dict(fig.layout.meta) if isinstance(fig.layout.meta, dict) else {}
    meta["min_width"] = int(px)
    fig.update_layout(meta=meta)
    return fig


def min_width(fig: go.Figure) -> int | None:
    """The width recorded by `set_min_width` (None: any width will do)."""
    meta = fig.layout.meta
    return int(meta["min_width"]) if isinstance(meta, dict) and meta.get("min_width") else None


def layout(fig: go.Figure, title: str | None, large: bool, height: int | None = None,
           margin: dict | None = None) -> go.Figure:
    """Fonts, margins, template and height of a figure: the last call of every builder."""
    size = font_size(large)
    text = dict(size=size)
    fig.update_layout(
        title=dict(text=esc(title), font=dict(size=title_size(large)), automargin=True, yref="container") if title else None,
        font=text,
        template="plotly_white",
        margin=margin or dict(l=10, r=10, t=60 if title else 20, b=10),
        hoverlabel=dict(font_size=size),
        legend=dict(font=text),
        uniformtext=dict(minsize=size, mode="hide"),  # numbers in bars: at the font size or not at all
    )
    # Streamlit's chart theme sets the axes' own fonts: set them here, or ticks stay at 12 px
    fig.update_xaxes(tickfont=text, title_font=text, automargin=True)
    fig.update_yaxes(tickfont=text, title_font=text, automargin=True)
    for trace in fig.data:
        if (trace.type == "bar" and (trace.text is not None or trace.texttemplate)) or \
                (trace.type == "heatmap" and trace.texttemplate):
            trace.textfont.size = size  # a heatmap would otherwise shrink its numbers to its cells
        if "colorbar" in trace:
            trace.colorbar.tickfont = text
            trace.colorbar.title.font = text
    for note in fig.layout.annotations:
        note.font.size = note.font.size or size
    if height:
        fig.update_layout(height=height)
    return fig


def matrix(weights, name: str = "weights") -> np.ndarray:
    arr = np.asarray(weights, dtype=float)
    if arr.ndim != 2 or 0 in arr.shape:
        raise ValueError(f"{name} must be a non-empty 2-D array [target, source], got shape {arr.shape}")
    return arr


def esc(text) -> str:
    """Plotly reads <b>, <s>, <br> ... in any text as markup: show "</s>" or "<script>" literally."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def unesc(text: str) -> str:
    """The text `esc` was given (to count its characters)."""
    return str(text).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def check_labels(labels: Sequence[str], n: int, what: str) -> list[str]:
    """Labels as display text (markup escaped), or ValueError when there are not n of them."""
    labels = [esc(x) for x in labels]
    if len(labels) != n:
        raise ValueError(f"{len(labels)} {what} labels for {n} {what} positions")
    return labels


def tick_text(labels: Sequence[str]) -> list[str]:
    """Escaped labels (from `check_labels`) cut to MAX_LABEL_CHARS for the axis."""
    return [esc(short_label(unesc(x))) for x in labels]


def rows_height(rows: int, large: bool, extra: int = 120) -> int:
    """Height of a figure with `rows` rows of bars or labels read horizontally: 1.25 x min_cell_px
    a row (a bar and a gap) plus `extra` px for titles and axes."""
    return int(extra + max(1, rows) * round(1.25 * min_cell_px(large)))


def xy_points(xy, n: int | None, what: str) -> np.ndarray:
    arr = np.asarray(xy, dtype=float).reshape(-1, 2) if np.size(xy) == 0 else np.asarray(xy, dtype=float)
    if arr.ndim != 2 or arr.shape[1] != 2:
        raise ValueError(f"{what} must be an array [N, 2], got shape {arr.shape}")
    if n is not None and arr.shape[0] != n:
        raise ValueError(f"{arr.shape[0]} {what} for {n} labels")
    return arr
