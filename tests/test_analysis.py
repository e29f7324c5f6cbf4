"""s2s.ui.analysis: word-level merging, entropy, coverage flags, tree paths (pure numpy)."""

import numpy as np
import pytest

from s2s.search import TreeNode
from s2s.ui import analysis


def test_word_level_rule():
    w = np.array([[0.1, 0.2, 0.7], [0.5, 0.25, 0.25], [0.3, 0.3, 0.4]])
    merged, src, tgt = analysis.word_level(w, ["▁un", "believ", "▁x"], ["▁a", "b", "▁c"])
    assert src == ["unbeliev", "x"] and tgt == ["ab", "c"]
    np.testing.assert_allclose(merged, [[(0.3 + 0.75) / 2, (0.7 + 0.25) / 2], [0.6, 0.4]])
    np.testing.assert_allclose(merged.sum(axis=1), 1.0)
    with pytest.raises(ValueError):
        analysis.word_level(w, ["▁a"], ["▁b"])


def test_entropy_coverage_flags():
    w = np.array([[1.0, 0.0, 0.0], [0.5, 0.5, 0.0], [1.0, 0.0, 0.0]])
    np.testing.assert_allclose(analysis.entropy_bits(w), [0.0, 1.0, 0.0])
    cov = analysis.coverage(w)
    np.testing.assert_allclose(cov, [2.5, 0.5, 0.0])
    assert analysis.flag_coverage(cov, ["a", "b", "</s>"]) == ([], ["a"])
    diff, n = analysis.common_prefix_difference(w, w[:2])
    assert n == 2 and diff.shape == (2, 3) and not diff.any()


def test_tree_path_follows_kept_and_finished_nodes():
    tree = [TreeNode(0, None, 0, 2, 0.0, 0.0, "kept"),
            TreeNode(1, 0, 1, 7, -0.1, -0.1, "kept"), TreeNode(2, 0, 1, 8, -0.5, -0.5, "pruned"),
            TreeNode(3, 1, 2, 3, -0.2, -0.3, "finished"), TreeNode(4, 1, 2, 9, -0.9, -1.0, "pruned")]
    assert analysis.tree_path(tree, [7, 3]) == [0, 1, 3]
    assert analysis.tree_path(tree, [8]) == [0]  # a pruned node is not on any hypothesis's path
    cols = analysis.tree_arrays(tree, lambda i: f"p{i}")
    assert cols["labels"][0] == "<s>" and cols["labels"][3] == "p3" and cols["parents"][1] == 0
