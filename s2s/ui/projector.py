"""Projector mode: the CSS of the sidebar's toggle, the folded introduction, figures one per row,
and keyboard keys for a presentation clicker. Pages reach these through s2s.ui.widgets.

Projector mode (session key PROJECTOR_KEY): PROJECTOR_CSS grows every text and keeps headings
larger than body text, and nothing in the sidebar or in the model tags is cut off; `intro` folds a
page's introduction into an expander; `figure_columns` stacks figures one per row; the figure
builders get `large=large()` (s2s/figures/style.py: the sizing rule, with how a page follows it).
"""

from __future__ import annotations

import re

import streamlit as st

from .strings import t

PROJECTOR_KEY = "app.large"  # session key of the projector toggle (links may set it: ?projector=1)
# Constant CSS (never user text). Streamlit sizes text, headings and paddings in rem, so a larger
# root font grows all of them together and headings keep their ratio to body text (a font size on
# every element would set headings to body size). The main area's side paddings shrink back to
# about the normal ones, to leave the width to the figures. Page names in the sidebar and model
# tags in multiselects wrap instead of being cut with "…".
PROJECTOR_CSS = """<style>
html { font-size: 22px; }
[data-testid="stMainBlockContainer"] { padding-left: 2rem; padding-right: 2rem; padding-top: 3rem; }
[data-testid="stSidebarNav"] a, [data-testid="stSidebarNav"] a span[label] { height: auto; min-width: 0; }
[data-testid="stSidebarNav"] a span[label] *, [data-testid="stMultiSelectTagsContainer"] [data-tag] > span {
  white-space: normal; overflow: visible; text-overflow: clip; max-width: none; }
[data-testid="stMultiSelect"] [role="group"], [data-testid="stMultiSelectTagsContainer"] { height: auto; max-height: none; }
[data-testid="stMultiSelectTagsContainer"] { flex-wrap: wrap !important; overflow: visible !important;
  mask-image: none !important; -webkit-mask-image: none !important; }
[data-testid="stMultiSelectTagsContainer"] [data-tag] { max-width: none; height: auto; }
</style>"""
# keydown on the page -> click the button under `.st-key-...` (see clicker_keys); constant except
# the two CSS class names, which css_class builds from [A-Za-z0-9_-] only
_CLICKER_JS = """<script>
(() => {
  const keys = {PageDown: "next", ArrowRight: "next", ArrowDown: "next", PageUp: "prev", ArrowLeft: "prev", ArrowUp: "prev"};
  const buttons = {next: ".__NEXT__ button", prev: ".__PREV__ button"};
  const name = "__s2s_clicker___NAME__";
  if (window[name]) document.removeEventListener("keydown", window[name], true);
  window[name] = (e) => {
    const dir = keys[e.key];
    if (!dir || e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return;
    // typing, or a widget that reads these keys itself (a slider steps on arrows by itself)
    if (e.target.closest && e.target.closest('input, textarea, select, [contenteditable="true"], [role="slider"], '
        + '[role="listbox"], [role="combobox"], [role="radiogroup"], [role="tablist"]')) return;
    const button = document.querySelector(buttons[dir]);
    if (!button) return;  // another page is shown
    e.preventDefault();
    if (!button.disabled) button.click();
  };
  document.addEventListener("keydown", window[name], true);
})();
</script>"""

def large() -> bool:
    """Projector mode is on (the sidebar toggle): pass it to every figure builder as `large`."""
    return bool(st.session_state.get(PROJECTOR_KEY, False))


projector = large


def css_class(key: str) -> str:
    """The CSS class Streamlit gives the element (or container) with widget key `key`."""
    return "st-key-" + re.sub(r"[^A-Za-z0-9_-]", "-", str(key))


def intro(text: str) -> None:
    """A page's introduction (markdown from the locale files): shown as it is, folded into an
    expander in projector mode, so the figures start on the first screen."""
    if large():
        with st.expander(t("w.intro")):
            st.markdown(text)
    else:
        st.markdown(text)


def figure_columns(spec, gap: str = "large") -> list:
    """`st.columns(spec)` for figures (or whatever sits beside a figure), except in projector mode:
    there one full-width container per column, stacked, so no figure shares a row."""
    if large():
        n = spec if isinstance(spec, int) else len(spec)
        return [st.container() for _ in range(n)]
    return st.columns(spec, gap=gap)


def clicker_keys(next_key: str, prev_key: str) -> None:
    """Page Down / arrow right / arrow down click the button with widget key `next_key`, Page Up /
    arrow left / arrow up the one with `prev_key`: what a presentation clicker sends. Streamlit has
    no key events, so a small script (st.html, no iframe) listens on the page; it ignores keys typed
    into text boxes and keys a focused slider, list or radio reads itself, and a disabled button
    (the first or the last step) is left alone. Call it once per page, after or before the buttons;
    e.g. `widgets.clicker_keys("w:step.next", "w:step.prev")` (the step player). A slider of
    snapshots gets two such buttons whose callbacks move the slider's value by one (as the step
    player's `go` does), and this call with their keys."""
    name = re.sub(r"[^A-Za-z0-9_]", "_", next_key)
    st.html(_CLICKER_JS.replace("__NEXT__", css_class(next_key)).replace("__PREV__", css_class(prev_key))
            .replace("__NAME__", name), unsafe_allow_javascript=True)
