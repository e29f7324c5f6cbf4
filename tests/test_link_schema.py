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
    (SENTENCE, ""), (SENTENCE, "  two  spaces,\ta tab and a trailing space "), (LINES, "I am hungry.\nI'm starving.\n\nToday it rains."), (BEAM, 1), (BEAM, MAX_BEAM),
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


# --- the edges of each rule (each of these fails when its rule is changed) ---

def test_a_declaration_names_what_is_wrong():
    with pytest.raises(ValueError, match="kind must be one of"):
        ls.Field("x", "p.x", "complex")
    for bounds in (dict(lo=None, hi=3), dict(lo=1, hi=None)):
        for kind in ("int", "float"):
            with pytest.raises(ValueError, match="a number needs bounds lo <= hi"):
                ls.Field("x", "p.x", kind, **bounds)
    with pytest.raises(ValueError, match="declared twice"):
        ls.Schema("p", (BEAM, ls.integer("beam", "p.other", 1, 2)))
    assert ls.integer("x", "p.x", 3, 3).lo == 3  # a single allowed value is a valid range
    ls.Schema("p", (BEAM, LP))  # distinct keys are fine
    ls.Field("x", "p.x", "str")  # only numbers need bounds


def test_the_helpers_declare_what_they_are_given():
    assert ls.text("q", "p.q", 10, default="hi", late=True) == ls.Field("q", "p.q", "str", default="hi", max_len=10,
                                                                        late=True)
    assert ls.text("q", "p.q", 10, lines=True).kind == "text"
    assert ls.integer("k", "p.k", 1, 9, default=3, late=True) == ls.Field("k", "p.k", "int", default=3, lo=1, hi=9,
                                                                          late=True)
    assert ls.number("lp", "p.lp", 0.0, 2.0, default=1.0, step=0.1) == ls.Field("lp", "p.lp", "float", default=1.0,
                                                                                lo=0.0, hi=2.0, step=0.1)
    assert ls.flag("f", "p.f") == ls.Field("f", "p.f", "bool", default=False)
    assert ls.flag("f", "p.f", default=True).default is True
    assert ls.choice("c", "p.c", ["a", "b"], default="b", late=True) == ls.Field("c", "p.c", "choice", default="b",
                                                                                 choices=("a", "b"), late=True)
    assert ls.choice("c", "p.c").choices is None and not ls.choice("c", "p.c").late  # choices given when read
    assert ls.choices("m", "p.m", iter(["a", "b"]), default=["a"], max_len=1) == ls.Field(
        "m", "p.m", "choices", default=["a"], choices=("a", "b"), max_len=1)
    assert ls.choices("m", "p.m").choices is None
    assert not ls.text("q", "p.q", 10).late and not ls.integer("k", "p.k", 1, 9).late


def test_a_quoted_value_is_one_line_and_at_most_40_characters():
    assert ls.shown("a\n b\tc") == "a b c"
    assert ls.shown("x" * 40) == "x" * 40
    assert ls.shown("x" * 41) == "x" * 39 + "…"
    assert ls.shown(12) == "12"


def test_text_at_its_limit_is_kept_and_a_text_without_a_limit_is_never_cut():
    assert ls.parse(SENTENCE, "x" * MAX_CHARS) == ("x" * MAX_CHARS, [])
    value, problems = ls.parse(ls.text("q", "p.q", 3), "abcd")
    assert value == "abc" and message(problems[0]) == "The link's q has 4 characters, more than 3: cut to the first 3."
    assert ls.parse(ls.Field("q", "p.q", "str"), "y" * 9000) == ("y" * 9000, [])


def test_every_kind_of_line_break():
    assert ls.parse(LINES, "a\rb\r\nc\nd")[0] == "a\nb\nc\nd"
    assert ls.parse(SENTENCE, "a\rb\r\nc\nd")[0] == "a b c d"
    assert ls.parse(LINES, "a\r\n\r\nb")[0] == "a\n\nb"  # an empty line stays (one per \r\n)


def test_repeated_or_empty_parameters():
    assert ls.parse(BEAM, ["3", "4", "9"]) == (9, [])  # the last, as st.query_params.get returns
    assert ls.parse(SENTENCE, []) == ("", [])  # a parameter without a value is empty text


def test_whitespace_around_numbers_and_words_is_ignored():
    assert ls.parse(BEAM, " 7 ") == (7, [])
    assert ls.parse(QUICK, " Yes ") == (True, [])
    assert ls.parse(QUICK, "OFF") == (False, [])
    assert ls.parse(MODELS, " eng-spa/dot , eng-spa/vanilla ")[0] == ["eng-spa/dot", "eng-spa/vanilla"]


def test_the_messages_name_the_value_and_what_is_used():
    assert message(ls.parse(BEAM, "abc")[1][0]) == "The link's beam “abc” is not a whole number: using 5."
    assert message(ls.parse(LP, "x")[1][0]) == "The link's lp “x” is not a number: using 1."
    # a flag's default in the link's own terms (1 or 0), not Python's True
    assert message(ls.parse(QUICK, "maybe")[1][0]) == "The link's quick “maybe” is not 1 or 0: using 1."
    assert message(ls.parse(ls.flag("f", "p.f"), "maybe")[1][0]).endswith("using 0.")
    # a field without a default of its own says what the page gives it, or a dash
    assert message(ls.parse(ls.integer("k", "p.k", 1, 9), "z", default=4)[1][0]).endswith("using 4.")
    assert message(ls.parse(ls.choice("c", "p.c"), "z", choices=("x",))[1][0]) == (
        "The link's c “z” is not one of the choices here: using —.")
    long = "<" * 300
    assert f"“{'<' * 39}…”" in message(ls.parse(BEAM, long)[1][0])


def test_a_float_out_of_range_says_so_in_the_grids_terms():
    value, problems = ls.parse(LP, "7")
    assert value == 2.0 and message(problems[0]) == "The link's lp 7 is out of range 0–2: using 2."
    # the message quotes the link's value, not the grid point it was rounded to
    assert message(ls.parse(LP, "7.03")[1][0]) == "The link's lp 7.03 is out of range 0–2: using 2."
    assert message(ls.parse(LP, "2.06")[1][0]) == "The link's lp 2.06 is out of range 0–2: using 2."
    assert ls.parse(LP, "2.04") == (2.0, [])  # on the grid, inside the range
    assert ls.parse(LP, "2") == (2.0, []) and ls.parse(LP, "0") == (0.0, [])


def test_the_grid_starts_at_the_lower_bound():
    quarter = ls.number("x", "p.x", 0.5, 2.0, default=1.0, step=0.25)
    assert [ls.parse(quarter, r)[0] for r in ("0.5", "0.6", "0.7", "1.3", "2")] == [0.5, 0.5, 0.75, 1.25, 2.0]
    odd = ls.number("x", "p.x", 0.05, 1.0, default=0.05, step=0.1)
    assert ls.parse(odd, "0.36")[0] == pytest.approx(0.35)


def test_an_integer_is_clamped_without_a_grid():
    assert ls.clamp(BEAM, 3, 1, 16) == (3, None)
    assert ls.clamp(BEAM, 20, 1, 16)[0] == 16 and ls.clamp(BEAM, -2, 1, 16)[0] == 1


def test_more_than_five_unknown_names_are_listed_five_and_an_ellipsis():
    six = ",".join(f"n{i}" for i in range(6))
    assert message(ls.parse(MODELS, six)[1][0]) == "Unknown models in the link, left out: n0, n1, n2, n3, n4 …."
    five = ",".join(f"n{i}" for i in range(5)) + ",eng-spa/dot"
    value, problems = ls.parse(MODELS, five)
    assert value == ["eng-spa/dot"] and message(problems[0]) == (
        "Unknown models in the link, left out: n0, n1, n2, n3, n4.")


def test_too_many_choices_say_how_many_and_the_limit():
    problems = ls.parse(MODELS, ",".join(NAMES))[1]
    assert message(problems[0]) == "The link names 3 models, more than 2: kept the first 2."
    assert ls.parse(ls.choices("m", "p.m", NAMES), ",".join(NAMES)) == (list(NAMES), [])  # no limit


def test_encode_writes_what_parse_reads():
    assert ls.encode(QUICK, True) == "1" and ls.encode(QUICK, False) == "0"
    assert ls.encode(MODELS, ["eng-spa/dot", "eng-spa/vanilla"]) == "eng-spa/dot,eng-spa/vanilla"
    assert ls.encode(LP, 0.6000000000000001) == "0.6" and ls.encode(LP, 2) == "2"
    assert ls.encode(BEAM, 7) == "7" and ls.encode(SENTENCE, "a b") == "a b"


def test_same_per_kind():
    assert ls.same(BEAM, 3, 3) and not ls.same(BEAM, 3, 4)
    assert ls.same(LP, 0.3, 0.30001) and not ls.same(LP, 0.3, 0.3002)  # a thousandth of the step
    exact = ls.Field("x", "p.x", "float", lo=0.0, hi=1.0)  # no grid: (nearly) exact
    assert ls.same(exact, 0.5, 0.5 + 1e-12) and not ls.same(exact, 0.5, 0.5001)
    assert not ls.same(LP, None, 0.3) and not ls.same(LP, "x", 0.3)  # a value that is not a number differs
    assert ls.same(MODELS, None, []) and ls.same(MODELS, ("a",), ["a"]) and not ls.same(MODELS, ["a"], ["b"])
