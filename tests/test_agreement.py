"""Tests of s2s.agreement against hand-computed values."""

import math

import numpy as np
import pytest

from s2s.agreement import js_divergence, kendall_tau, mean_agreement, normalise_rows, row_agreement


def test_kendall_tau_by_hand():
    assert kendall_tau([1, 2, 3], [10, 20, 30]) == 1.0
    assert kendall_tau([1, 2, 3], [3, 2, 1]) == -1.0
    assert kendall_tau([1, 2, 3, 4], [1, 3, 2, 4]) == pytest.approx(4 / 6)  # 5 concordant, 1 discordant pair
    assert kendall_tau([1, 1, 2], [1, 2, 3]) == pytest.approx(2 / math.sqrt(2 * 3))  # tau-b: one tie in x
    assert math.isnan(kendall_tau([1, 1, 1], [1, 2, 3])) and math.isnan(kendall_tau([5], [1]))


def test_js_divergence_by_hand():
    assert js_divergence([0.2, 0.8], [0.2, 0.8]) == 0.0
    assert js_divergence([1, 0], [0, 1]) == pytest.approx(1.0)
    kl_p = math.log2(1 / 0.75)
    kl_q = 0.5 * math.log2(0.5 / 0.75) + 0.5 * math.log2(0.5 / 0.25)
    assert js_divergence([1, 0], [0.5, 0.5]) == pytest.approx(0.5 * (kl_p + kl_q))


def test_normalise_rows():
    p = normalise_rows([[1.0, -3.0], [0.0, 0.0], [2.0, 2.0]])
    assert np.allclose(p, [[0.25, 0.75], [0.5, 0.5], [0.5, 0.5]])  # signs dropped; a zero row is uniform
    assert np.allclose(p.sum(1), 1.0)
    with pytest.raises(ValueError):
        normalise_rows(np.zeros((0, 3)))


def test_row_agreement_and_means():
    attention = np.array([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]])
    scores = np.array([[3.0, -2.0, 1.0], [0.5, 0.4, 0.1]])  # row 0: same top piece; row 1: another
    rows = row_agreement(attention, scores)
    assert rows["top1"].tolist() == [1.0, 0.0]
    assert rows["kendall_tau"][0] == pytest.approx(1.0)
    assert rows["js"][0] == pytest.approx(js_divergence(attention[0], [0.5, 1 / 3, 1 / 6]))
    means = mean_agreement({"kendall_tau": np.array([0.5, np.nan]), "js": np.array([np.nan]), "top1": rows["top1"]})
    assert means == {"kendall_tau": 0.5, "js": None, "top1": 0.5}
    with pytest.raises(ValueError, match="differ in shape"):
        row_agreement(attention, scores[:, :2])
