"""UI text, one locale file per language in s2s/ui/locales/ (English and Korean, with the
terms of the lecture notes: 인코더, 디코더, 컨텍스트 벡터, 어텐션, 빔 서치, 그리디 서치, 티처 포싱 ...).

Each file maps keys to text with `{fields}` filled by `t(key, **fields)`, in the language chosen
in the sidebar (session state "app.lang"); `_language` is the language's own name. English comes
first and is the fallback: a key missing from a language shows its English text, a key missing
everywhere shows the key itself (tests/test_strings.py checks that no file lacks a key). Adding a
language means adding one file.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

LOCALES = Path(__file__).resolve().parent / "locales"
LANG_KEY = "app.lang"
NAME_KEY = "_language"


def read_locales(folder: Path = LOCALES) -> dict[str, dict[str, str]]:
    """{language code: {key: text}} from every `<code>.toml` in `folder`, English first."""
    files = sorted(folder.glob("*.toml"), key=lambda p: (p.stem != "en", p.stem))
    return {p.stem: tomllib.loads(p.read_text(encoding="utf-8")) for p in files}


TEXT = read_locales()
LANGS = {code: texts[NAME_KEY] for code, texts in TEXT.items()}


def lang() -> str:
    try:
        import streamlit as st

        value = st.session_state.get(LANG_KEY, "en")
    except Exception:  # outside a running app
        value = "en"
    return value if value in LANGS else "en"


def t(key: str, **fmt) -> str:
    text = TEXT[lang()].get(key) or TEXT["en"].get(key)
    if text is None:
        return key
    return text.format(**fmt) if fmt else text
