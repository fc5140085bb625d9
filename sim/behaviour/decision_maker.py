"""A Mesa agent that sets levers each period to maximise its experienced payoff."""

from __future__ import annotations

from collections.abc import Sequence

import mesa
import numpy as np

from sim.behaviour.improvement import Capability, ImprovementSettings, budget_scale
from sim.behaviour.learning import LeverLearner
from sim.behaviour.levers import Lever
from sim.behaviour.motivation import MotivationType
from sim.behaviour.payoff import Payoff
from sim.behaviour.settings import BehaviourSettings


class DecisionMaker(mesa.Agent):
    """A decision-maker with a motivation type and learned lever settings.

    Domain agents subclass this and say which unit they belong to and which records are
    theirs; this class does the choosing. Levers the motivation type forbids stay at 0:
    the agent refuses them whatever the payoff.
    """

    def __init__(
        self,
        model: mesa.Model,
        levers: Sequence[Lever],
        motivation: MotivationType,
        settings: BehaviourSettings,
        improvement: ImprovementSettings | None = None,
        aims: Sequence[float] = (),
    ) -> None:
        """Create a decision-maker with the given levers and motivation.

        Improvement levers exist only if `improvement` is given and enabled; their
        capability stocks are kept in `capability`. `aims`: candidate points its levers
        may act at, learned from their foregone payoffs (none: nothing to aim).
        """
        super().__init__(model)
        improving = improvement is not None and improvement.enabled
        levers = [lever for lever in levers if lever.kind != "improvement" or improving]
        self.capability = Capability(
            [lever.name for lever in levers if lever.kind == "improvement"],
            improvement or ImprovementSettings(),
        )
        self.experiments = [lever.name for lever in levers if lever.experiment]
        self.motivation = motivation
        self.enabled = settings.enabled
        self.learner = LeverLearner(
            levers, motivation, settings.levels, settings.learning_rate, settings.temperature,
            settings.learning_rule, settings.rel, getattr(model, "expected_sanction", None),
            aims, settings.aim_sensitivity,
        )  # fmt: skip
        if hasattr(model, "dashboard_measures"):
            self.learner.watch(model.dashboard_measures)
        self.all_levers = [lever.name for lever in levers]
        self.rank_score = 0.0
        self.budget = settings.effort_budget
        self.scale = 1.0  # chosen intensities x scale fit the effort budget

    def level(self, lever: str) -> float:
        """Current intensity of `lever`, within the effort budget (0 if refused or off)."""
        return self.learner.settings.get(lever, 0.0) * self.scale if self.enabled else 0.0

    @property
    def levels(self) -> dict[str, float]:
        """Current intensity of every lever, refused ones at 0."""
        return {name: self.level(name) for name in self.all_levers}

    def cost(self) -> float:
        """Certain effort and moral cost of the current settings."""
        return sum(
            self.motivation.cost(lever, self.level(lever.name)) for lever in self.learner.levers
        )

    def experience(self, payoff: Payoff, found: Sequence[str] = ()) -> None:
        """Learn from this period's payoff; `found`: the levers an inspection detected.

        Each lever is credited with the shared payoff plus its own cost and sanction.
        """
        if self.enabled:
            each = payoff.sanction / len(found) if found else 0.0
            sanctions = [each if lever.name in found else 0.0 for lever in self.learner.levers]
            self.learner.learn(payoff.shared, sanctions, self.scale)

    def choose(
        self, rng: np.random.Generator, peers: Sequence[DecisionMaker], imitate: float
    ) -> None:
        """Choose next period's settings: copy a better-ranked peer or sample from learning.

        The same number of random draws is made whatever happens, so the random stream
        stays aligned across regimes (common random numbers for behaviour too).
        """
        draws = rng.random(2 + len(self.all_levers) + (1 if len(self.learner.aims) else 0))
        if not self.enabled:
            return
        better = [p for p in peers if p is not self and p.rank_score > self.rank_score]
        if better and draws[0] < imitate:
            peer = better[min(int(draws[1] * len(better)), len(better) - 1)]
            self.learner.copy_from(peer.learner)
        else:
            self.learner.choose(np.concatenate(
                [draws[2 : 2 + len(self.learner.levers)], draws[2 + len(self.all_levers) :]]
            ))  # fmt: skip
        self.scale = budget_scale(self.learner.settings, self.budget)
