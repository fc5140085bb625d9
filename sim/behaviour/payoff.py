"""The payoff a decision-maker experiences in one period (docs/hospital_odd.md, 4.4 Objectives)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Payoff:
    """Components of one period's payoff; `total` is what learning sees.

    total = stakes x regime score + league reward - sanctions
            + intrinsic motivation x true outcome - effort and moral cost.
    """

    regime: float
    league: float
    sanction: float
    motivation: float
    cost: float

    @property
    def shared(self) -> float:
        """The part no single lever owns: regime, league and intrinsic motivation."""
        return self.regime + self.league + self.motivation

    @property
    def total(self) -> float:
        """Net payoff."""
        return self.regime + self.league - self.sanction + self.motivation - self.cost
