"""Where two models differ most: reading test_outputs.tsv and sentence-level chrF differences."""

import pytest

from s2s.compare import OUTPUTS, largest_differences, read_outputs, sentence_score

REFS = {
    "I am hungry.": ("Tengo hambre.",),
    "Where is the station?": ("¿Dónde está la estación?", "¿Dónde queda la estación?"),
    "Good night.": ("Buenas noches.",),
    "Not in both.": ("Nada.",),
}
A = {"I am hungry.": "Tengo hambre.", "Where is the station?": "Hola.", "Good night.": "Buenas noches."}
B = {"I am hungry.": "Yo.", "Where is the station?": "¿Dónde queda la estación?", "Good night.": "Buenas noches.",
     "Extra.": "x"}


def test_sentence_score_uses_every_reference():
    assert sentence_score("¿Dónde queda la estación?", REFS["Where is the station?"]) == pytest.approx(100.0)
    assert sentence_score("zzz", ("Tengo hambre.",)) < 10


def test_largest_differences_ordered_and_signed():
    both = largest_differences(A, B, REFS)
    assert [d.source for d in both] == ["Where is the station?", "I am hungry."] or \
        [d.source for d in both] == ["I am hungry.", "Where is the station?"]
    assert abs(both[0].diff) >= abs(both[1].diff)
    assert all(d.source != "Good night." for d in both)  # equal outputs are no difference
    (b_better,) = largest_differences(A, B, REFS, direction="b")
    assert b_better.source == "Where is the station?" and b_better.diff > 50
    assert b_better.chrf_b == pytest.approx(100.0) and b_better.hyp_a == "Hola."
    assert b_better.references == REFS["Where is the station?"]
    (a_better,) = largest_differences(A, B, REFS, direction="a")
    assert a_better.source == "I am hungry." and a_better.diff < 0
    assert len(largest_differences(A, B, REFS, n=1)) == 1 and largest_differences(A, B, REFS, n=0) == []


def test_largest_differences_bad_arguments():
    with pytest.raises(ValueError, match="direction"):
        largest_differences(A, B, REFS, direction="up")
    with pytest.raises(ValueError):
        largest_differences(A, B, REFS, n=-1)


def test_read_outputs_file_and_directory(tmp_path):
    text = 'source\tpart\thypothesis\nI am "hungry".\trandom\tTengo "hambre".\nLong one.\tlong\t\n'
    (tmp_path / OUTPUTS).write_text(text, encoding="utf-8")
    assert read_outputs(tmp_path) == {'I am "hungry".': 'Tengo "hambre".', "Long one.": ""}
    assert read_outputs(tmp_path / OUTPUTS) == read_outputs(tmp_path)
    (tmp_path / "bad.tsv").write_text("a\tb\n", encoding="utf-8")
    with pytest.raises(ValueError, match="header"):
        read_outputs(tmp_path / "bad.tsv")
    with pytest.raises(FileNotFoundError):
        read_outputs(tmp_path / "missing")
