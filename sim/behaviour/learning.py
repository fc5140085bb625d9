"""Learning lever settings from experienced payoff: softmax reinforcement per lever."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from sim.behaviour.levers import Lever
from sim.behaviour.motivation import MotivationType


class LeverLearner:
    """Attractions over discrete intensity levels for each lever, updated by payoff.

    Each lever is an independent learner sharing the period's payoff (a standard
    simplification of multi-dimensional reinforcement learning, Erev & Roth 1998). A level
    is chosen by softmax over attractions; the chosen level's attraction moves toward the
    payoff by `learning_rate`. Attractions start at the first payoff minus the known
    certain cost of each level, so a decision-maker begins from honest practice and learns
    only what the regime's response is.
    """

    def __init__(
        self,
        levers: Sequence[Lever],
        motivation: MotivationType,
        levels: Sequence[float],
        learning_rate: float,
        temperature: float,
    ) -> None:
        """Create a learner for `levers`; forbidden levers are fixed at 0."""
        self.levers = [lever for lever in levers if motivation.allows(lever)]
        self.refused = [lever.name for lever in levers if not motivation.allows(lever)]
        self.motivation = motivation
        self.levels = np.asarray(levels, dtype=float)
        self.learning_rate = learning_rate
        self.temperature = temperature
        self._attraction: np.ndarray | None = None
        self._chosen = np.zeros(len(self.levers), dtype=int)
        self.settings: dict[str, float] = {}
        self._publish()

    def _publish(self) -> None:
        """Refresh `settings`, the current intensity of every allowed lever."""
        self.settings = {
            lever.name: float(self.levels[i])
            for lever, i in zip(self.levers, self._chosen, strict=True)
        }

    def learn(self, payoff: float) -> None:
        """Reinforce the levels just used with the experienced payoff."""
        if self._attraction is None:
            costs = np.array(
                [[self.motivation.cost(lever, lv) for lv in self.levels] for lever in self.levers]
            ).reshape(len(self.levers), len(self.levels))
            chosen_cost = costs[np.arange(len(self.levers)), self._chosen]
            self._attraction = payoff + chosen_cost[:, None] - costs
            return
        rows = np.arange(len(self.levers))
        current = self._attraction[rows, self._chosen]
        self._attraction[rows, self._chosen] = current + self.learning_rate * (payoff - current)

    def choose(self, rng: np.random.Generator) -> None:
        """Pick next period's levels by softmax over attractions."""
        if self._attraction is None or not self.levers:
            return
        logits = self._attraction / self.temperature
        logits -= logits.max(axis=1, keepdims=True)
        weights = np.exp(logits)
        cumulative = np.cumsum(weights / weights.sum(axis=1, keepdims=True), axis=1)
        draws = rng.random(len(self.levers))
        self._chosen = np.minimum((cumulative < draws[:, None]).sum(axis=1), len(self.levels) - 1)
        self._publish()

    def copy_from(self, other: LeverLearner) -> None:
        """Adopt a peer's current settings for the levers both allow."""
        theirs = dict(zip([lv.name for lv in other.levers], other._chosen, strict=True))
        for i, lever in enumerate(self.levers):
            if lever.name in theirs:
                self._chosen[i] = theirs[lever.name]
        self._publish()
