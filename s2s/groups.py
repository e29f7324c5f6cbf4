"""Do vectors group the way a person grouped their sentences? Statistics for the context page.

Given N vectors [N, D] and a group label per vector (sentences meant to say the same thing share
a group), with C = the cosine matrix (s2s/projection.cosine_matrix):

- within  = mean C[i, j] over pairs i < j in the same group,
- between = mean C[i, j] over pairs i < j in different groups,
- gap     = within - between (> 0: same-meaning sentences are closer than the rest),
- nearest-neighbour agreement = share of the sentences (in groups of 2 or more) whose most
  similar other sentence is in their own group; chance = the mean over those sentences of
  (group size - 1) / (N - 1), what a random neighbour would score.

Verdict (`verdict`): "meaning" when within > between and agreement >= AGREE (0.75); "not" when
within <= between or agreement <= chance; "partly" otherwise; None when there is nothing to
measure (fewer than two groups, or no group with two sentences).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .projection import cosine_matrix

AGREE = 0.75


@dataclass(frozen=True)
class GroupStats:
    n: int
    sizes: list[int]  # sentences per group, groups 0, 1, ...
    within: float | None
    between: float | None
    agreement: float | None  # nearest-neighbour agreement with the groups
    chance: float | None
    within_pairs: int
    between_pairs: int

    @property
    def gap(self) -> float | None:
        return None if self.within is None or self.between is None else self.within - self.between

    @property
    def singletons(self) -> list[int]:
        return [g for g, s in enumerate(self.sizes) if s == 1]

    @property
    def verdict(self) -> str | None:
        if self.within is None or self.between is None or self.agreement is None:
            return None
        if self.within <= self.between or self.agreement <= self.chance:
            return "not"
        return "meaning" if self.agreement >= AGREE else "partly"


def group_stats(vectors, groups) -> GroupStats:
    """Statistics of the module docstring for vectors [N, D] and one group label per row."""
    x = np.asarray(vectors, dtype=float)
    labels = np.asarray(list(groups))
    if x.ndim != 2 or labels.shape != (x.shape[0],):
        raise ValueError(f"need vectors [N, D] and N group labels, got {x.shape} and {labels.shape}")
    n = x.shape[0]
    ids = {g: i for i, g in enumerate(dict.fromkeys(labels.tolist()))}
    lab = np.array([ids[g] for g in labels.tolist()], dtype=int)
    sizes = np.bincount(lab, minlength=len(ids)).tolist() if n else []
    if n < 2:
        return GroupStats(n, sizes, None, None, None, None, 0, 0)
    cos = cosine_matrix(x)  # [N, N]
    iu = np.triu_indices(n, 1)
    same = (lab[:, None] == lab[None, :])[iu]
    pair_cos = cos[iu]
    within = float(pair_cos[same].mean()) if same.any() else None
    between = float(pair_cos[~same].mean()) if (~same).any() else None
    scored = [i for i in range(n) if sizes[lab[i]] >= 2]
    agreement = chance = None
    if scored and between is not None:
        masked = cos.copy()
        np.fill_diagonal(masked, -np.inf)
        nearest = masked.argmax(axis=1)  # first index among ties
        agreement = float(np.mean([lab[nearest[i]] == lab[i] for i in scored]))
        chance = float(np.mean([(sizes[lab[i]] - 1) / (n - 1) for i in scored]))
    return GroupStats(n, sizes, within, between, agreement, chance, int(same.sum()), int((~same).sum()))


# Sentence sets in the spirit of Sutskever et al. 2014, Figure 2, grouped by meaning (a blank line
# starts the next group): the same words in another order mean another thing; an active sentence
# and its passive mean the same.
PRESETS = {
    "order": ["John admires Mary.", "Mary is admired by John.", "",
              "Mary admires John.", "John is admired by Mary."],
    "voice": ["I gave her a card in the garden.", "In the garden, I gave her a card.",
              "She was given a card by me in the garden.", "",
              "She gave me a card in the garden.", "In the garden, she gave me a card.",
              "I was given a card by her in the garden."],
    "paraphrase": ["I am very hungry.", "I'm starving.", "I would like to eat something.", "",
                   "It is raining today.", "Today it rains.", "The weather is wet today."],
}
