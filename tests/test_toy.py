"""The toy tasks: targets, seeded data, the fixed test set and probe, typed sequences."""

import random

import pytest

from s2s import toy
from s2s.errors import InputError


def test_targets_of_the_three_tasks():
    src = [7, 4, 9, 4]
    assert toy.target("copy", src) == [7, 4, 9, 4]
    assert toy.target("reverse", src) == [4, 9, 4, 7]
    assert toy.target("sort", src) == [4, 4, 7, 9]
    with pytest.raises(InputError, match="unknown task"):
        toy.target("shuffle", src)


def test_samples_are_seeded_and_in_range():
    a = toy.sample(random.Random(3), "sort", 200, 3, 10)
    assert a == toy.sample(random.Random(3), "sort", 200, 3, 10)
    assert a != toy.sample(random.Random(4), "sort", 200, 3, 10)
    assert {len(s) for s, _ in a} == set(range(3, 11))
    ids = {i for s, _ in a for i in s}
    assert min(ids) >= toy.FIRST_ID and max(ids) < toy.FIRST_ID + len(toy.SYMBOLS)
    assert all(t == sorted(s) for s, t in a)


def test_test_set_is_fixed_per_seed_and_covers_every_length():
    tests = toy.test_set("reverse", range(3, 21), 5, seed=0)
    assert list(tests) == list(range(3, 21))
    assert all(len(s) == n and t == s[::-1] for n, group in tests.items() for s, t in group)
    assert tests == toy.test_set("reverse", range(3, 21), 5, seed=0)
    assert tests != toy.test_set("reverse", range(3, 21), 5, seed=1)


def test_probe_uses_distinct_symbols_when_it_can():
    src, tgt = toy.probe("reverse", 10, seed=0)
    assert len(src) == 10 and len(set(src)) == 10 and tgt == src[::-1]
    long, _ = toy.probe("copy", 20, seed=0)
    assert len(long) == 20


def test_parse_accepts_spaced_or_packed_symbols():
    assert toy.parse("a b c") == toy.parse("abc") == [4, 5, 6]
    assert toy.symbols(toy.parse(" l  a ") + [3]) == ["l", "a", "</s>"]


@pytest.mark.parametrize("text, match", [
    ("a b z", "unknown symbols 'z'; allowed: a b c d e f g h i j k l"),
    ("<script> a", "unknown symbols"),
    ("A B", "unknown symbols 'A', 'B'"),
    ("", "type a sequence"),
    ("   ", "type a sequence"),
    (" ".join("a" * 61), "at most 60 symbols"),
])
def test_parse_refuses_bad_input_naming_the_allowed_symbols(text, match):
    with pytest.raises(InputError, match=match):
        toy.parse(text)
