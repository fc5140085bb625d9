"""Motivation types and their assignment to a population of decision-makers."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.behaviour.levers import DISHONEST, Lever
from sim.behaviour.settings import BehaviourSettings


@dataclass(frozen=True)
class MotivationType:
    """A decision-maker's motivation: how much it cares, what gaming costs it, what it refuses."""

    name: str
    intrinsic: float
    moral_cost: float
    forbids: frozenset[str]
    effort: float = 0.0

    def allows(self, lever: Lever) -> bool:
        """Whether this type will operate `lever` at all."""
        return lever.kind not in self.forbids

    def cost(self, lever: Lever, level: float) -> float:
        """Certain payoff cost of using `lever` at `level`: effort, plus moral cost if dishonest."""
        moral = self.moral_cost if lever.kind in DISHONEST else 0.0
        return (self.effort + moral) * level


def assign_types(
    rng: np.random.Generator, settings: BehaviourSettings, count: int
) -> list[MotivationType]:
    """Draw `count` motivation types with the settings' population mix (`population_mix`).

    Uses largest-remainder apportionment then a shuffle, so a population of n holds the
    mix as exactly as n allows and only the order is random.
    """
    mix = settings.population_mix
    names = sorted(mix)
    shares = np.array([mix[n] for n in names])
    exact = shares * count
    counts = np.floor(exact).astype(int)
    for i in np.argsort(-(exact - counts), kind="stable")[: count - counts.sum()]:
        counts[i] += 1
    drawn = [name for name, k in zip(names, counts, strict=True) for _ in range(k)]
    rng.shuffle(drawn)
    return [
        MotivationType(
            name=name,
            intrinsic=settings.types[name].intrinsic,
            moral_cost=settings.types[name].moral_cost,
            forbids=frozenset(settings.types[name].forbids),
            effort=settings.effort,
        )
        for name in drawn
    ]
