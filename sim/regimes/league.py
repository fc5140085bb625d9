"""League tables: a published ranking turned into a payoff for rank."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from sim.regimes.specs import LeagueTable


def league_rewards(scores: Sequence[float], table: LeagueTable) -> list[float]:
    """Reward of each unit for its rank: 0 for the bottom, `table.weight` for the top.

    Tied scores share the mean of their ranks. Nothing is paid if the table is not
    published or there is no one to be ranked against.
    """
    n = len(scores)
    if not table.published or n < 2:
        return [0.0] * n
    values = np.asarray(scores, dtype=float)
    order = np.argsort(values, kind="stable")
    ranks = np.empty(n)
    ranks[order] = np.arange(n, dtype=float)
    for value in np.unique(values):  # ties share their mean rank
        tied = values == value
        ranks[tied] = ranks[tied].mean()
    return [float(table.weight * r / (n - 1)) for r in ranks]
