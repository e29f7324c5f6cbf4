"""s2s.ui.link_schema: a link's text parsed into valid values (clamped, cut, dropped or refused,
with the message that says so) and encoded back; parse(encode(v)) == v."""

import math

import pytest

from s2s.text import MAX_BEAM, MAX_CHARS
from s2s.ui import link_schema as ls
from s2s.ui import strings

SENTENCE = ls.text("text", "p.sentence", MAX_CHARS)
LINES = ls.text("text", "p.lines", 100, lines=True)
BEAM = ls.integer("beam", "p.beam", 1, MAX_BEAM, default=5)
LP = ls.number("lp", "p.lp", 0.0, 2.0, default=1.0, step=0.1)
QUICK = ls.flag("quick", "p.quick", default=True)
LEVEL = ls.choice("level", "p.level", ("pieces", "words"), default="pieces")
MODELS = ls.choices("models", "p.models", ("eng-spa/vanilla", "eng-spa/bahdanau", "eng-spa/dot"), max_len=2)
NAMES = ("eng-spa/vanilla", "eng-spa/bahdanau", "eng-spa/dot")


def keys(problems):
    return [p.key for p in problems]


def message(problem) -> str:
    return strings.TEXT["en"][problem.key].format(**dict(problem.fields))


@pytest.mark.parametrize("field, value", [
    (SENTENCE, "Where is the station?"), (SENTENCE, "<script>alert(1)</script> & 'quotes' \"x\" 안녕 🍕"),
    (SENTENCE, ""), (LINES, "I am hungry.\nI'm starving.\n\nToday it rains."), (BEAM, 1), (BEAM, MAX_BEAM),
    (LP, 0.0), (LP, 0.6), (LP, 2.0), (QUICK, True), (QUICK, False), (LEVEL, "words"),
    (MODELS, ["eng-spa/dot", "eng-spa/vanilla"]), (MODELS, []),
])
def test_round_trip(field, value):
    parsed, problems = ls.parse(field, ls.encode(field, value))
    assert problems == [] and ls.same(field, parsed, value) and type(parsed) is type(value)


def test_round_trip_through_a_real_query_string():
    from urllib.parse import parse_qs, urlencode

    fields = (SENTENCE, BEAM, LP, QUICK, MODELS)
    view = {"text": "a&b=c?d#e%20 + ü", "beam": 7, "lp": 0.3, "quick": False, "models": ["eng-spa/bahdanau"]}
    query = urlencode({f.key: ls.encode(f, view[f.key]) for f in fields})
    back = parse_qs(query, keep_blank_values=True)
    for f in fields:
        value, problems = ls.parse(f, back[f.key])
        assert not problems and ls.same(f, value, view[f.key])


@pytest.mark.parametrize("raw, used", [("999", 16), ("0", 1), ("-3", 1), ("16", 16)])
def test_a_number_out_of_range_is_clamped_and_said(raw, used):
    value, problems = ls.parse(BEAM, raw)
    assert value == used
    if raw == "16":
        assert problems == []
    else:
        assert keys(problems) == ["ln.range"]
        assert message(problems[0]) == f"The link's beam {raw} is out of range 1–{MAX_BEAM}: using {used}."


@pytest.mark.parametrize("raw", ["abc", "", "4.5", "1e3", "nan", "9" * 5000, "<b>5</b>"])
def test_a_number_that_cannot_be_read_keeps_the_default(raw):
    value, problems = ls.parse(BEAM, raw)
    assert value is ls.MISSING and keys(problems) == ["ln.not_whole"]
    assert "using 5." in message(problems[0]) and len(message(problems[0])) < 200  # the value is quoted short


@pytest.mark.parametrize("raw, expect", [("0.55", 0.6), ("0.04", 0.0), ("7", 2.0), ("-1", 0.0), (" 1.2 ", 1.2)])
def test_a_float_lands_on_the_grid_within_bounds(raw, expect):
    value, _ = ls.parse(LP, raw)
    assert value == pytest.approx(expect) and 0.0 <= value <= 2.0


@pytest.mark.parametrize("raw", ["inf", "-inf", "nan", "x"])
def test_a_float_that_is_not_finite_is_refused(raw):
    value, problems = ls.parse(LP, raw)
    assert value is ls.MISSING and keys(problems) == ["ln.not_number"]


def test_bool_words_and_refusal():
    assert [ls.parse(QUICK, r)[0] for r in ("1", "true", "ON", "0", "no", "")] == [True, True, True, False, False, False]
    value, problems = ls.parse(QUICK, "maybe")
    assert value is ls.MISSING and keys(problems) == ["ln.not_bool"]


def test_a_huge_text_is_cut_with_a_message():
    value, problems = ls.parse(SENTENCE, "x" * 5000)
    assert value == "x" * MAX_CHARS and keys(problems) == ["ln.too_long"]
    assert "5000 characters" in message(problems[0]) and str(MAX_CHARS) in message(problems[0])


def test_html_stays_text_and_one_line_fields_lose_their_newlines():
    raw = '<img src=x onerror="alert(1)">\r\n<script>x</script>'
    assert ls.parse(SENTENCE, raw) == ('<img src=x onerror="alert(1)"> <script>x</script>', [])
    assert ls.parse(LINES, raw)[0] == '<img src=x onerror="alert(1)">\n<script>x</script>'


def test_an_unknown_choice_is_refused_and_named():
    value, problems = ls.parse(LEVEL, "<b>letters</b>")
    assert value is ls.MISSING and keys(problems) == ["ln.unknown"]
    assert message(problems[0]) == "The link's level “<b>letters</b>” is not one of the choices here: using pieces."


def test_unknown_models_are_dropped_and_named_known_ones_kept_in_order():
    value, problems = ls.parse(MODELS, "eng-spa/nope,eng-spa/dot,eng-spa/dot,,eng-spa/vanilla")
    assert value == ["eng-spa/dot", "eng-spa/vanilla"]
    assert keys(problems) == ["ln.dropped"] and "eng-spa/nope" in message(problems[0])


def test_only_unknown_models_keep_the_default():
    value, problems = ls.parse(MODELS, "a,b")
    assert value is ls.MISSING and keys(problems) == ["ln.dropped"]


def test_too_many_choices_are_cut_to_the_limit():
    value, problems = ls.parse(MODELS, ",".join(NAMES))
    assert value == list(NAMES[:2]) and keys(problems) == ["ln.too_many"]


def test_choices_given_when_read_and_dynamic_defaults():
    models = ls.choices("models", "p.models")
    assert ls.parse(models, "x,y", choices=("x", "y"))[0] == ["x", "y"]
    pick = ls.choice("a", "p.a")
    value, problems = ls.parse(pick, "z", choices=("x", "y"), default="x")
    assert value is ls.MISSING and "using x." in message(problems[0])


def test_repeated_parameters_take_the_last_value():
    assert ls.parse(BEAM, ["3", "4"]) == (4, [])


def test_clamp_for_bounds_known_later():
    step = ls.integer("t", "p.t", 1, 251, default=1, late=True)
    assert ls.clamp(step, 50, 1, 12) == (12, ls.Problem.of("ln.range", name="t", value="50", lo="1", hi="12", used="12"))
    assert ls.clamp(step, 5, 1, 12) == (5, None)


def test_a_schema_refuses_bad_declarations():
    with pytest.raises(ValueError):
        ls.Field("x", "p.x", "complex")
    with pytest.raises(ValueError):
        ls.integer("x", "p.x", 5, 1)
    with pytest.raises(ValueError):
        ls.Schema("p", (BEAM, ls.integer("beam", "p.other", 1, 2)))


def test_same_compares_floats_on_the_grid():
    assert ls.same(LP, 0.1 + 0.2, 0.3) and not ls.same(LP, 0.3, 0.4)
    assert not math.isnan(ls.parse(LP, "0.30000000000000004")[0])


@pytest.mark.parametrize("key", ["ln.range", "ln.not_whole", "ln.not_number", "ln.not_bool", "ln.unknown",
                                 "ln.dropped", "ln.too_long", "ln.too_many"])
def test_every_message_exists_in_every_language(key):
    for code, texts in strings.TEXT.items():
        assert key in texts, (code, key)
