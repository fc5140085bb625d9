"""Learning lever settings from experienced payoff: softmax reinforcement per lever."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from sim.behaviour.levers import Lever
from sim.behaviour.motivation import MotivationType


class LeverLearner:
    """Attractions over discrete intensity levels for each lever, learned from payoff.

    Reinforcement relative to an aspiration level (reinforcement comparison; Sutton &
    Barto 2018, section 2.8; Bush-Mosteller-type learning with a reference point, as in
    Erev & Roth 1998). The aspiration tracks the decision-maker's own recent payoff; a
    period's payoff minus the aspiration is the surprise. The attraction of each level
    chosen moves toward that surprise by `learning_rate`. A level is chosen by softmax over
    attractions.

    Attractions start at minus the known certain cost (effort and moral cost) of each
    level, so a decision-maker begins from honest practice and learns only what the regime
    and the service make of its choices. Because payoffs are judged against the aspiration,
    a fall in payoff that no lever caused (a surge in demand, say) fades as the aspiration
    follows it, instead of making untried levers look better than the one in use.

    Each lever is an independent learner sharing the period's payoff (a standard
    simplification of learning over several actions at once).
    """

    def __init__(
        self,
        levers: Sequence[Lever],
        motivation: MotivationType,
        levels: Sequence[float],
        learning_rate: float,
        temperature: float,
    ) -> None:
        """Create a learner for the levers `motivation` allows; the others stay at 0."""
        self.levers = [lever for lever in levers if motivation.allows(lever)]
        self.motivation = motivation
        self.levels = np.asarray(levels, dtype=float)
        self.learning_rate = learning_rate
        self.temperature = temperature
        self.aspiration: float | None = None
        self._attraction = -np.array(
            [[motivation.cost(lever, level) for level in self.levels] for lever in self.levers]
        ).reshape(len(self.levers), len(self.levels))
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
        """Reinforce the levels just used with the payoff's surprise over the aspiration."""
        if self.aspiration is None:
            self.aspiration = payoff
            return
        surprise = payoff - self.aspiration
        self.aspiration += self.learning_rate * surprise
        rows = np.arange(len(self.levers))
        current = self._attraction[rows, self._chosen]
        self._attraction[rows, self._chosen] = current + self.learning_rate * (surprise - current)

    def choose(self, uniforms: np.ndarray) -> None:
        """Pick next period's levels by softmax over attractions, one uniform per lever."""
        if not self.levers:
            return
        logits = self._attraction / self.temperature
        logits -= logits.max(axis=1, keepdims=True)
        weights = np.exp(logits)
        cumulative = np.cumsum(weights / weights.sum(axis=1, keepdims=True), axis=1)
        picked = (cumulative < uniforms[: len(self.levers), None]).sum(axis=1)
        self._chosen = np.minimum(picked, len(self.levels) - 1)
        self._publish()

    def copy_from(self, other: LeverLearner) -> None:
        """Adopt what a peer visibly does: its level of each lever, 0 where it refuses."""
        for i, lever in enumerate(self.levers):
            level = other.settings.get(lever.name, 0.0)
            self._chosen[i] = int(np.argmin(np.abs(self.levels - level)))
        self._publish()
