"""Learning lever settings from experienced payoff: one softmax learner per lever.

Two published rules, chosen by `behaviour.learning_rule`:

* ``"reinforcement"`` (default): reinforcement relative to an aspiration level
  (reinforcement comparison; Sutton & Barto 2018, section 2.8; Bush-Mosteller-type
  learning with a reference point, as in Erev & Roth 1998). Only the level used is
  reinforced.
* ``"rel"``: reinforcement learning with a reference point and payoff-variability
  normalisation (REL; Erev & Roth, AER 1998; Erev, Bereby-Meyer & Roth, JEBO 1999).
  Propensities are cumulative (the level used gains its payoff over the reference point,
  every propensity is discounted by `forgetting`), and choice is a logit over
  propensities divided by the payoff variability the decision-maker has seen, so it
  discriminates sharply when payoffs are steady and explores when they are noisy.

Both rules **attribute**: what a lever's level is credited with is the period's shared
payoff (regime score, league reward, the true outcome the decision-maker cares about),
judged against an aspiration that tracks it, plus *that lever's own* certain cost (effort
and moral cost) and *its own* sanction if an inspection detected it. A sanction on
mis-recording is pinned on mis-recording, not spread over every lever.

A lever that can only move the measured ledger (kinds "gaming" and "fraud") is not even
considered when nothing rides on the dashboard for this decision-maker (no stakes, no
league reward, no funder reading it), nor when the dashboard watches no measure it can
move (delaying the recorded decision to admit does nothing for a 4-hour figure):
exploration does not game or falsify with nothing to gain. Such levers stay at 0 and
their random draws are still made, so streams stay aligned.

A decision-maker may also learn *where* its levers act: an aim among a few candidate
points (in A&E, the point of the clock at which a patient is moved, discharged or
re-recorded). Each period every candidate is credited with what the dashboard would have
paid had the near misses at that point been rescued - its foregone payoff, read off the
period's own records (weighted fictitious play: experience-weighted attraction with every
foregone payoff counted, delta = 1; Camerer & Ho 1999; Cheung & Friedman 1997) - and the
aim is chosen by a softmax over those attractions rescaled to their range (which point
pays best matters, not how much: whether to act is the levers' question). So a
spike at a target's threshold is found by learning, not handed to the agent, and a
measure with no threshold gives no point a lasting edge.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from sim.behaviour.levers import DISHONEST, Lever
from sim.behaviour.motivation import MotivationType
from sim.behaviour.settings import RELSettings


class LeverLearner:
    """Attractions over discrete intensity levels for each lever, learned from payoff.

    Attractions start at minus the known certain cost (effort and moral cost) of each
    level and the sanction the audit rules lead it to expect, so a decision-maker begins
    from honest practice and learns only what the regime and the service make of its
    choices. Because the shared payoff is judged against the
    aspiration, a fall in payoff that no lever caused (a surge in demand, say) fades as the
    aspiration follows it, instead of making untried levels look better than the one in use.
    """

    def __init__(
        self,
        levers: Sequence[Lever],
        motivation: MotivationType,
        levels: Sequence[float],
        learning_rate: float,
        temperature: float,
        rule: str = "reinforcement",
        rel: RELSettings | None = None,
        expected_sanction: Callable[[str, float], float] | None = None,
        aims: Sequence[float] = (),
        aim_sensitivity: float = 3.0,
    ) -> None:
        """Create a learner for the levers `motivation` allows; the others stay at 0.

        `expected_sanction(lever, level)`: what the audit rules lead a decision-maker to
        expect a period of a lever to cost in sanctions (none if not given). `aims`: the
        candidate points its levers may act at (none: the levers have no aim to learn).
        """
        self.levers = [lever for lever in levers if motivation.allows(lever)]
        self.motivation = motivation
        self.levels = np.asarray(levels, dtype=float)
        self.learning_rate = learning_rate
        self.temperature = temperature
        self.rule = rule
        self.rel = rel or RELSettings()
        self.variability: float | None = None  # REL's mean absolute payoff surprise
        self.aspiration: float | None = None
        self._dashboard_only = np.array([lever.kind in DISHONEST for lever in self.levers],
                                        dtype=bool)  # fmt: skip
        self._idle = np.zeros(len(self.levers), dtype=bool)  # not considered (see `watch`)
        self._expected = np.array(
            [[expected_sanction(lever.name, level) if expected_sanction else 0.0
              for level in self.levels] for lever in self.levers], dtype=float,
        ).reshape(len(self.levers), len(self.levels))  # fmt: skip
        self._attraction = -self._costs(1.0) - self._expected
        self._chosen = np.zeros(len(self.levers), dtype=int)
        self.aims = np.asarray(aims, dtype=float)
        self._aim_attraction = np.zeros(len(self.aims))
        self._aim = len(self.aims) // 2
        self.aim_sensitivity = aim_sensitivity
        self.settings: dict[str, float] = {}
        self._publish()

    def _costs(self, scale: float) -> np.ndarray:
        """Certain cost of every level of every lever, at the effort-budget `scale`."""
        costs = [
            [self.motivation.cost(lever, level * scale) for level in self.levels]
            for lever in self.levers
        ]
        return np.array(costs, dtype=float).reshape(len(self.levers), len(self.levels))

    @property
    def aim(self) -> float | None:
        """The point the levers currently act at (None if there is no aim to learn)."""
        return float(self.aims[self._aim]) if len(self.aims) else None

    def _publish(self) -> None:
        """Refresh `settings`, the current intensity of every allowed lever."""
        self.settings = {
            lever.name: float(self.levels[i])
            for lever, i in zip(self.levers, self._chosen, strict=True)
        }

    def learn(self, shared: float, sanctions: Sequence[float], scale: float = 1.0) -> None:
        """Learn from one period.

        Args:
            shared: the payoff no single lever owns (regime, league, intrinsic motivation).
            sanctions: each lever's own sanction this period (0 unless detected).
            scale: the effort-budget scale the levels acted at (costs are paid on it).

        """
        if self.aspiration is None:
            self.aspiration = shared
            return
        surprise = shared - self.aspiration
        self.aspiration += self.learning_rate * surprise
        if not self.levers:
            return
        rows = np.arange(len(self.levers))
        costs = self._costs(scale)
        own = costs[rows, self._chosen] + np.asarray(sanctions, dtype=float)
        if self.rule == "rel":
            size = abs(surprise)
            if self.variability is None:
                self.variability = size
            else:
                self.variability += self.learning_rate * (size - self.variability)
            self._attraction *= 1.0 - self.rel.forgetting
            self._attraction[rows, self._chosen] += surprise - own
            return
        current = self._attraction[rows, self._chosen]
        self._attraction[rows, self._chosen] = current + self.learning_rate * (
            surprise - own - current
        )

    def learn_aim(self, gains: Sequence[float]) -> None:
        """Credit every candidate aim with its foregone payoff this period.

        `gains[i]`: what the dashboard would have paid over what it did pay, had the levers
        rescued the near misses at candidate `i` (one value per aim).
        """
        if len(self.aims):
            self._aim_attraction += self.learning_rate * (
                np.asarray(gains, dtype=float) - self._aim_attraction
            )

    def choose(self, uniforms: np.ndarray) -> None:
        """Pick next period's levels (and aim) by softmax over attractions.

        One uniform per lever, then one for the aim.
        """
        if not self.levers:
            return
        self._chosen = self._softmax(self._attraction, uniforms[: len(self.levers)])
        if len(self.aims):
            self._aim = self._choose_aim(float(uniforms[len(self.levers)]))
        self._untempt()
        self._publish()

    def _choose_aim(self, uniform: float) -> int:
        """A softmax over the aims' attractions rescaled to their range (uniform if flat)."""
        spread = float(np.ptp(self._aim_attraction))
        scaled = self._aim_attraction / spread if spread > 1e-12 else 0.0 * self._aim_attraction
        logits = self.aim_sensitivity * (scaled - scaled.max())
        weights = np.exp(logits)
        cumulative = np.cumsum(weights / weights.sum())
        return min(int((cumulative < uniform).sum()), len(self.aims) - 1)

    def _softmax(self, attraction: np.ndarray, uniforms: np.ndarray) -> np.ndarray:
        """One choice per row of `attraction`, by inverse transform of its softmax."""
        logits = attraction / self._temperature()
        logits -= logits.max(axis=1, keepdims=True)
        weights = np.exp(logits)
        cumulative = np.cumsum(weights / weights.sum(axis=1, keepdims=True), axis=1)
        picked = (cumulative < uniforms[:, None]).sum(axis=1)
        return np.minimum(picked, attraction.shape[1] - 1)

    def _temperature(self) -> float:
        """The softmax temperature: fixed, or (REL) the payoff variability over sensitivity."""
        if self.rule != "rel" or not self.variability:
            return self.temperature
        return max(self.variability, self.rel.floor) / self.rel.sensitivity

    def copy_from(self, other: LeverLearner) -> None:
        """Adopt what a peer visibly does: its level of each lever, 0 where it refuses."""
        for i, lever in enumerate(self.levers):
            level = other.settings.get(lever.name, 0.0)
            self._chosen[i] = int(np.argmin(np.abs(self.levels - level)))
        if len(self.aims) and other.aim is not None:
            self._aim = int(np.argmin(np.abs(self.aims - other.aim)))
        self._untempt()
        self._publish()

    def _untempt(self) -> None:
        """Levers not considered (see `watch`) stay unused."""
        self._chosen[self._idle] = 0

    def watch(self, measures: frozenset[str]) -> None:
        """Consider the dashboard-only levers that can move one of `measures`.

        `measures`: the dashboard's measures, empty if nothing rides on it.
        """
        self._idle = np.array([
            only and not lever.moves_any(measures)
            for lever, only in zip(self.levers, self._dashboard_only, strict=True)
        ], dtype=bool)  # fmt: skip
