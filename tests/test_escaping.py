"""The two escaping rules: s2s.ui.widgets.escape_md (text put into Streamlit markdown: st.markdown,
st.caption, st.error ...) and s2s.figures.esc (labels plotly would read as markup).

escape_md is judged by what a reader sees: the escaped text rendered by a CommonMark renderer
with GitHub's tables and strikethrough (markdown-it-py, as Streamlit's react-markdown + remark-gfm
would) must be exactly the text, whitespace runs shown as one space.
"""

import html
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from s2s import figures
from s2s.figures.style import esc
from s2s.ui.widgets import escape_md

MD = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
MARKUP = r"\`*_{}[]()#+-.!|<>~$:=^&"  # every character markdown or Streamlit's extensions may read
ATTACKS = [
    "**bold** _it_ [link](javascript:alert(1))", "<script>alert(1)</script>", "<b>hi</b> &amp; &lt;",
    "# Title", "1. item", "- item", "+ item", "> quote", "```code```", "`x`", "$x^2$", "| a | b |\n|---|---|",
    "~~gone~~", ":red[x] :material/home: :smile:", "![img](http://x/y.png)", "a\\*b", "line one\n===",
    "    indented code", "x  \ny", "{: .class}", "\\", "&#60;script&#62;",
]


def shown(markdown: str) -> str:
    """The text a reader sees when `markdown` is rendered: one plain paragraph, or ValueError."""
    out = MD.render(markdown)
    if not out:
        return ""
    m = re.fullmatch(r"<p>([^<]*)</p>\n", out)
    if m is None:
        raise ValueError(f"rendered as markup: {out!r}")
    return html.unescape(m.group(1))


@pytest.mark.parametrize("text", ATTACKS)
def test_escaped_text_is_shown_as_typed(text):
    assert shown(escape_md(text)) == " ".join(text.split())


def test_the_renderer_would_show_markup_unescaped():
    """The check above can fail: unescaped, these render as markup, not as the text."""
    for text in ATTACKS[:3] + ["# Title", "~~gone~~", "| a | b |\n|---|---|", "    indented code"]:
        with pytest.raises(ValueError, match="rendered as markup"):
            shown(text)


@settings(max_examples=300, deadline=None)
@given(st.text(st.sampled_from(MARKUP + "ab1 \n\t\u00a0한😀\"'@%,;/?"), max_size=40))
def test_any_mix_of_markup_is_shown_as_typed(text):
    assert shown(escape_md(text)) == " ".join(text.split())


def test_escape_md_exactly():
    for ch in MARKUP:
        assert escape_md(ch) == "\\" + ch
    assert escape_md("**x**") == r"\*\*x\*\*"
    assert escape_md("<script>") == r"\<script\>"
    plain = "Hello, world? 50% @me; a/b \"q\" 'q' 한국어 😀 ÷"
    assert escape_md(plain) == plain  # nothing else is touched
    assert escape_md("  a \n\t b\u00a0 c  ") == "a b c"  # whitespace runs: one space, ends stripped
    assert escape_md(42) == "42" and escape_md("") == ""


# ----- figures.esc -------------------------------------------------------------------------------


def test_esc_makes_plotly_markup_literal():
    assert figures.esc is esc
    assert esc("</s>") == "&lt;/s&gt;"
    assert esc("<script>alert(1)</script>") == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert esc("a & b") == "a &amp; b"
    assert esc("&lt;") == "&amp;lt;"  # & first: an entity typed by someone stays as typed
    assert esc("<b>x</b><br>") == "&lt;b&gt;x&lt;/b&gt;&lt;br&gt;"
    assert esc(7) == "7" and esc("plain ▁text") == "plain ▁text"


@settings(max_examples=200, deadline=None)
@given(st.text(st.sampled_from("<>&;/ab#x3c"), max_size=30))
def test_esc_round_trips_through_html(text):
    """A browser shows html.unescape of what plotly gets (plotly's own markup is only <tag>s)."""
    out = esc(text)
    assert "<" not in out and ">" not in out
    assert html.unescape(out) == text
