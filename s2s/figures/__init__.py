"""Figure builders: arrays and labels in, a plotly Figure out, grouped by what they draw.

Pure functions: they never import the model or torch, validate the shapes they are given
(ValueError on a mismatch) and put the numbers in the hover text. `large=True` sets the
sizes for a projector (s2s/figures/style.py, the one sizing rule). Tokens are placed on numeric
axes with tick labels, so a token that occurs twice (two "▁the") keeps two columns instead of
being merged by plotly. Every label is escaped (plotly reads "<s>" as markup).
"""

from .attention import attention_heatmap, coverage_chart, line_chart
from .beam import FATE_STYLE, FATES, beam_tree, tree_layout
from .groups import group_bars
from .lab import exact_by_length, loss_curves
from .metrics import metric_lines
from .step import bar_chart, concat_strip, vector_rows
from .style import PALETTE, esc
from .vectors import projection_scatter, similarity_heatmap

__all__ = ["FATES", "FATE_STYLE", "PALETTE", "attention_heatmap", "bar_chart", "beam_tree", "concat_strip",
           "coverage_chart", "esc", "exact_by_length", "group_bars", "line_chart", "loss_curves", "metric_lines",
           "projection_scatter", "similarity_heatmap",
           "tree_layout", "vector_rows"]
