"""The Mesa model every service domain builds on: a regime judging learning decision-makers.

It holds what the A&E and Crown Court models share: named random streams spawned from one
seed (so each stochastic process has its own stream and regimes can be paired), the
regime's judge, the stakes, audit and league-table settings, an event-driven clock (Mesa's
unit step switched off), and the settling of one decision period's payoff for one agent.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import mesa
import numpy as np
import pandas as pd

from sim.behaviour import BehaviourSettings, DecisionMaker, Payoff
from sim.regimes import (
    AuditSettings,
    KPISpec,
    LeagueTable,
    NoTargetSpec,
    OKRSpec,
    Stakes,
    build_judge,
    inspect,
)


class ServiceModel(mesa.Model):
    """Base of the domain models: streams, regime, settings and payoffs."""

    def __init__(
        self,
        regime: KPISpec | OKRSpec | NoTargetSpec,
        streams: Sequence[str],
        *,
        regime_name: str,
        behaviour: BehaviourSettings | None,
        stakes: Stakes | None,
        audit: AuditSettings | None,
        league: LeagueTable | None,
        seed: int | Sequence[int],
        days: float,
        warmup_days: float,
    ) -> None:
        """Spawn one generator per named stream; `behaviour` seeds Mesa's own `rng`."""
        sequences = np.random.SeedSequence(seed).spawn(len(streams))
        self.streams = {
            name: np.random.default_rng(s) for name, s in zip(streams, sequences, strict=True)
        }
        super().__init__(rng=self.streams["behaviour"])
        self._default_schedule.stop()  # event-driven, as mesa.experimental.devs does
        self.behaviour = behaviour or BehaviourSettings()
        self.stakes = stakes or Stakes()
        self.audit = audit or AuditSettings()
        self.league = league or LeagueTable()
        self.days = float(days)
        self.warmup_days = float(warmup_days)
        self.judge = build_judge(regime_name, regime)

    @classmethod
    def simulate(
        cls, params, regime_name: str, regime, **settings
    ) -> tuple[dict[str, float], dict[str, pd.DataFrame]]:
        """Build and run one model; return its summary and tables (the domain interface)."""
        model = cls(params, regime, regime_name=regime_name, **settings)
        model.run()
        summary, tables = model.results()
        tables["decisions"] = pd.DataFrame(model.decision_rows)
        tables["periods"] = pd.DataFrame(model.period_rows)
        model.__dict__.clear()  # break the model's reference cycles (agents, events) so its
        del model  # memory is freed now, without the cost of a full garbage collection
        return summary, tables

    def run(self) -> None:
        """Run to the end of the horizon."""
        raise NotImplementedError

    def results(self) -> tuple[dict[str, float], dict[str, pd.DataFrame]]:
        """The run summary and the per-entity tables of a finished run."""
        raise NotImplementedError

    def settle(
        self, agent: DecisionMaker, score: float, league_reward: float, quality: float
    ) -> tuple[Payoff, list[str]]:
        """One agent's payoff for the period (after an audit), learned from at once.

        Returns the payoff and the levers an inspection found in use.
        """
        found = inspect(self.streams["audit"], self.audit, agent.levels)
        payoff = Payoff(
            regime=self.stakes.level * score,
            league=league_reward,
            sanction=self.audit.sanction * len(found),
            motivation=agent.motivation.intrinsic * (0.0 if math.isnan(quality) else quality),
            cost=agent.cost(),
        )
        agent.rank_score = score
        agent.experience(payoff)
        return payoff, found
