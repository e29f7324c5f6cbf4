"""Fuzzing: any text either translates or raises the one documented InputError, quickly."""

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from s2s.checkpoint import load
from s2s.errors import InputError
from s2s.tools.soak import SAMPLES, soak
from s2s.text import MAX_CHARS
from s2s.translate import translate
from tiny import make_checkpoint


@pytest.fixture(scope="module")
def ckpt(tmp_path_factory):
    return load(make_checkpoint(tmp_path_factory.mktemp("soak") / "b"))


any_text = st.one_of(
    st.text(st.characters(exclude_categories=()), max_size=80),  # every code point, surrogates too
    st.sampled_from(SAMPLES),
    st.builds(lambda s, k: s * k, st.sampled_from(SAMPLES[:6]), st.integers(1, 12_000 // 10)),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=any_text, beam=st.sampled_from([1, 3]))
def test_any_text_translates_or_is_refused(ckpt, text, beam):
    start = time.perf_counter()
    try:
        result = translate(ckpt, text, beam=beam)
    except InputError as exc:
        assert str(exc)  # a message for the person
    else:
        assert 0 < len(result.source) <= MAX_CHARS
        assert result.hypotheses and all(len(h.ids) <= result.max_len for h in result.hypotheses)
    assert time.perf_counter() - start < 10  # bounded by the length limits: no hang


def test_soak_counts_add_up(ckpt):
    report = soak(ckpt, 150, seed=1)
    assert report.crashed == 0, report.crashes[:3]
    assert report.tried == 150 == report.translated + report.refused
    assert report.translated > 0 and report.refused > 0
    assert "crashed 0" in report.line()
