"""Small pure computations on decoding results for the pages: word-level attention, entropy,
coverage, the tree path of a hypothesis. numpy only; no streamlit, no torch."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..text import pieces_to_words

DROPPED = 0.5  # coverage below this: the source word was hardly attended
REPEATED = 1.5  # coverage above this: attended as if translated more than once


def word_level(weights, source_pieces: Sequence[str], target_pieces: Sequence[str]):
    """Merge a piece-level attention matrix [T, S] into words [Tw, Sw].

    Rule: weights of the pieces of one source word are SUMMED (columns); rows of the pieces of
    one target word are AVERAGED. Rows still sum to 1. Returns (matrix, source words, target words).
    """
    w = np.asarray(weights, dtype=float)
    if w.shape != (len(target_pieces), len(source_pieces)):
        raise ValueError(f"attention {w.shape} does not fit {len(target_pieces)} x {len(source_pieces)} pieces")
    src_words, src_idx = pieces_to_words(list(source_pieces))
    tgt_words, tgt_idx = pieces_to_words(list(target_pieces))
    cols = np.zeros((len(source_pieces), len(src_words)))
    cols[np.arange(len(source_pieces)), src_idx] = 1.0  # [S, Sw] sums pieces into words
    rows = np.zeros((len(tgt_words), len(target_pieces)))
    rows[tgt_idx, np.arange(len(target_pieces))] = 1.0
    rows /= rows.sum(axis=1, keepdims=True)  # [Tw, T] averages pieces of one word
    return rows @ w @ cols, src_words, tgt_words


def entropy_bits(weights) -> np.ndarray:
    """Entropy of each attention row [T, S] -> [T] in bits (0: all weight on one token)."""
    w = np.clip(np.asarray(weights, dtype=float), 0.0, None)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(w > 0, w * np.log2(w), 0.0)
    return -terms.sum(axis=1)


def coverage(weights) -> np.ndarray:
    """Attention each source token received, summed over target steps: [T, S] -> [S]."""
    return np.asarray(weights, dtype=float).sum(axis=0)


def flag_coverage(cov, labels: Sequence[str], low: float = DROPPED, high: float = REPEATED):
    """(dropped, repeated) source labels by coverage; end-of-sentence marks are never flagged."""
    dropped = [lab for c, lab in zip(cov, labels) if c < low and lab != "</s>"]
    repeated = [lab for c, lab in zip(cov, labels) if c > high and lab != "</s>"]
    return dropped, repeated


def common_prefix_difference(a, b) -> tuple[np.ndarray, int]:
    """A - B over the first min(T_A, T_B) target steps; both must share the source length."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.ndim != 2 or b.ndim != 2 or a.shape[1] != b.shape[1]:
        raise ValueError(f"cannot compare attention of shapes {a.shape} and {b.shape}")
    n = min(a.shape[0], b.shape[0])
    return a[:n] - b[:n], n


def tree_path(tree, ids: Sequence[int]) -> list[int]:
    """Node ids from the root along `ids` through kept/finished nodes (the hypothesis's path)."""
    children: dict[int, dict[int, int]] = {}
    for node in tree:
        if node.parent is not None and node.fate != "pruned":
            children.setdefault(node.parent, {})[node.token] = node.id
    path = [tree[0].id] if tree else []
    for tok in ids:
        nxt = children.get(path[-1], {}).get(tok) if path else None
        if nxt is None:
            break
        path.append(nxt)
    return path


def tree_arrays(tree, id_to_piece) -> dict:
    """Columns of a search tree for figures.beam_tree (root labelled <s>)."""
    return dict(
        parents=[n.parent for n in tree],
        steps=[n.step for n in tree],
        labels=["<s>" if n.parent is None else id_to_piece(n.token) for n in tree],
        log_probs=[n.log_prob for n in tree],
        scores=[n.score for n in tree],
        fates=[n.fate for n in tree],
    )
