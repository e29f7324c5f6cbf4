"""s2s.ui.strings and the locale files: every language has the same keys and the same {fields},
every key the code asks for exists, and a new language is one new file."""

import re
import string
from pathlib import Path

import pytest

from s2s.ui import strings

ROOT = Path(__file__).resolve().parent.parent
CODE = [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py")), *sorted((ROOT / "s2s" / "ui").glob("*.py"))]


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_english_and_korean_are_there():
    assert list(strings.LANGS)[:1] == ["en"] and strings.LANGS["ko"] == "한국어"


@pytest.mark.parametrize("code", [c for c in strings.TEXT if c != "en"])
def test_every_language_has_the_same_keys_and_fields(code):
    en, other = strings.TEXT["en"], strings.TEXT[code]
    assert set(other) == set(en), f"{code}: missing {sorted(set(en) - set(other))}, extra {sorted(set(other) - set(en))}"
    wrong = {k: (fields(en[k]), fields(other[k])) for k in en if fields(en[k]) != fields(other[k])}
    assert not wrong, f"{code}: format fields differ: {wrong}"


def test_every_literal_key_in_the_code_exists():
    asked = {m for path in CODE for m in re.findall(r'\bt\(\s*"([^"{}]+)"', path.read_text(encoding="utf-8"))}
    assert asked, "no t(...) call found: the pattern is wrong"
    assert not asked - set(strings.TEXT["en"]), sorted(asked - set(strings.TEXT["en"]))


def test_t_formats_falls_back_and_names_unknown_keys(monkeypatch):
    monkeypatch.setattr(strings, "lang", lambda: "ko")
    assert strings.t("app.title") == "어텐션 랩"
    monkeypatch.setitem(strings.TEXT, "ko", {k: v for k, v in strings.TEXT["ko"].items() if k != "app.title"})
    assert strings.t("app.title") == strings.TEXT["en"]["app.title"]  # English fallback
    assert strings.t("no.such.key") == "no.such.key"
    assert "/tmp/x" in strings.t("app.no_checkpoints", root="/tmp/x")


def test_a_new_language_is_one_file(tmp_path):
    for p in strings.LOCALES.glob("*.toml"):
        (tmp_path / p.name).write_text(p.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "de.toml").write_text('_language = "Deutsch"\n"app.title" = "Aufmerksamkeitslabor"\n', encoding="utf-8")
    texts = strings.read_locales(tmp_path)
    assert list(texts)[0] == "en" and texts["de"]["app.title"] == "Aufmerksamkeitslabor"
