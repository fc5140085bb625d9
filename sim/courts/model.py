"""The Crown Court system model: centres, their deciding agents, a regime, the case flow."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
from mesa.time import Priority, Schedule

from sim.behaviour import BehaviourSettings, assign_types
from sim.courts.agents import Judge, ListingOfficer, Prosecutor
from sim.courts.flow import WAITING, CourtFlow
from sim.courts.measures import check_measures, consistency, done_in, measure_values, satisfaction
from sim.courts.params import CourtParams
from sim.courts.summary import cases_table, daily_table, summarise
from sim.regimes import (
    AuditSettings,
    KPISpec,
    LeagueTable,
    NoTargetSpec,
    OKRSpec,
    Stakes,
    league_rewards,
)
from sim.service import ServiceModel


class CourtModel(ServiceModel):
    """A system of Crown Court centres judged by one regime.

    Time is in days. Event-driven (Mesa's unit step is switched off): a daily event draws
    receipts and moves every case on; a decision event every period lets listing officers,
    judges and prosecutors see their payoff and choose their levers.
    """

    def __init__(
        self,
        params: CourtParams,
        regime: KPISpec | OKRSpec | NoTargetSpec,
        *,
        regime_name: str = "regime",
        behaviour: BehaviourSettings | None = None,
        stakes: Stakes | None = None,
        audit: AuditSettings | None = None,
        league: LeagueTable | None = None,
        seed: int | Sequence[int] = 0,
        days: float = 365.0,
        warmup_days: float = 0.0,
    ) -> None:
        """Build the centres, agents and schedules; nothing runs until `run`."""
        super().__init__(
            regime, ("cases", "behaviour", "survey", "audit", "review"),
            regime_name=regime_name, behaviour=behaviour, stakes=stakes, audit=audit,
            league=league, seed=seed, days=days, warmup_days=warmup_days,
        )  # fmt: skip
        self.params = params
        check_measures(self.judge.measures, f"regimes.{regime_name}")
        self._survey_rng, self._review_rng = self.streams["survey"], self.streams["review"]
        cases_rng = self.streams["cases"]
        self.flow = CourtFlow(params, cases_rng, math.ceil(self.days))
        n = len(params.centres)
        per = params.judges_per_centre
        self.listing = [
            ListingOfficer(self, c, t, self.behaviour)
            for c, t in zip(self.flow.centres, assign_types(self.rng, self.behaviour, n),
                            strict=True)
        ]  # fmt: skip
        self.prosecutors = [
            Prosecutor(self, c, t, self.behaviour)
            for c, t in zip(self.flow.centres, assign_types(self.rng, self.behaviour, n),
                            strict=True)
        ]  # fmt: skip
        judge_types = assign_types(self.rng, self.behaviour, n * per)
        self.judges = [
            [Judge(self, c, k, judge_types[i * per + k], self.behaviour) for k in range(per)]
            for i, c in enumerate(self.flow.centres)
        ]
        self.decision_rows: list[dict] = []
        self.period_rows: list[dict] = []
        self._last_decision = 0.0
        self._start_backlog = [max(1, self._backlog(i)) for i in range(n)]
        self._receipts_seen = self.flow.cases.n  # the initial backlog is not demand
        period = self.behaviour.decision_period_days
        self.schedule_recurring(self._on_day, Schedule(interval=1.0, start=0.0), Priority.HIGH)
        self.schedule_recurring(
            self._on_decision, Schedule(interval=period, start=period), Priority.LOW
        )

    def run(self) -> None:
        """Run to the end of the horizon."""
        self.run_until(self.days)

    def results(self) -> tuple[dict[str, float], dict[str, pd.DataFrame]]:
        """The run summary, the per-case table and the daily listing counts."""
        return summarise(self), {"cases": cases_table(self), "daily": daily_table(self)}

    def _backlog(self, centre: int) -> int:
        """Cases awaiting trial at `centre` (past the plea hearing, not yet tried)."""
        c = self.flow.cases
        return int(np.sum((c["state"] == WAITING) & (c["centre"] == centre)))

    def _on_day(self) -> None:
        day = round(self.time)
        if day >= self.days:
            return
        self.flow.receive_day(day)
        self.flow.step(day)

    def _on_decision(self) -> None:
        day = self.time
        c = self.flow.cases
        start = self._last_decision
        for centre in self.flow.centres:  # prosecutors' review, counted in this period
            self.flow.discontinue(centre, day, float(self._review_rng.random()))
        begun = c["trial_start_day"]
        started_all = np.flatnonzero((begun > start) & (begun <= day))
        concluded_all = done_in(c, start, day)
        waiting_all = np.flatnonzero(c["state"] == WAITING)
        results = []
        for i in range(len(self.flow.centres)):
            mine = c["centre"]
            started = started_all[mine[started_all] == i]
            concluded = concluded_all[mine[concluded_all] == i]
            waiting = waiting_all[mine[waiting_all] == i]
            ratio = self._backlog(i) / self._start_backlog[i]
            quality = self._quality(concluded, waiting, day)
            scopes = [
                (self.listing[i], started, concluded),
                (self.prosecutors[i], started, concluded),
            ]
            for judge in self.judges[i]:
                own = c["judge"]
                scopes.append((judge, started[own[started] == judge.slot],
                               concluded[own[concluded] == judge.slot]))  # fmt: skip
            for agent, s, d in scopes:
                measured, true = measure_values(
                    self.judge.measures, c, s, d, waiting, ratio, day, self.params,
                    self._survey_rng,
                )  # fmt: skip
                score = self.judge.score(agent.unit, measured) if self.judge.measures else 0.0
                results.append((agent, score, quality, measured, true))
            self._record_period(i, day, started, concluded, waiting, results[-len(scopes)])
        by_role: dict[str, list[float]] = {}
        for agent, score, *_ in results:
            by_role.setdefault(agent.role, []).append(score)
        rewards = {role: iter(league_rewards(s, self.league)) for role, s in by_role.items()}
        for agent, score, quality, _, _ in results:
            payoff, found = self.settle(agent, score, next(rewards[agent.role]), quality)
            self.decision_rows.append({
                "day": day, "centre": agent.centre.params.name, "agent_id": agent.unique_id,
                "role": agent.role, "motivation": agent.motivation.name, "regime_score": score,
                "payoff": payoff.total, "detected": len(found),
                **{f"lever_{k}": v for k, v in agent.levels.items()},
            })  # fmt: skip
        receipts = c.n - self._receipts_seen
        self._receipts_seen = c.n
        context = {
            "demand": receipts / max(day - start, 1.0),
            "capacity": self.flow.sitting_factor(day),
        }
        self.judge.review(day, context)
        imitate = self.behaviour.imitation_chance if self.league.published else 0.0
        for group in (self.listing, self.prosecutors, *self.judges):
            for agent in group:
                agent.choose(self.rng, group, imitate)
                agent.apply()
        self._last_decision = day

    def _quality(self, concluded: np.ndarray, waiting: np.ndarray, day: float) -> float:
        """True outcome of a centre's work this period, 0-1 (the motivation term).

        The mean of: victims' satisfaction, consistency of verdicts, the share of the
        backlog under a year old, and one minus ten times the share of wrong verdicts
        (an assumption weighing each aspect equally).
        """
        c = self.flow.cases
        parts = []
        victims = concluded[c["victim"][concluded]]
        if len(victims):
            parts.append(float(np.mean(satisfaction(c, victims, self.params))))
        agreed = consistency(c, concluded)
        if not math.isnan(agreed):
            parts.append(agreed)
        if len(waiting):
            parts.append(float(np.mean(day - c["received_day"][waiting] <= 365.0)))
        if len(concluded):
            parts.append(max(0.0, 1.0 - 10.0 * float(np.mean(c["wrong_verdict"][concluded]))))
        return float(np.mean(parts)) if parts else 0.0

    def _record_period(self, i, day, started, concluded, waiting, listing_result) -> None:
        c = self.flow.cases
        _, score, quality, measured, true = listing_result
        delays = c["trial_start_day"][started] - c["received_day"][started]
        ages = day - c["received_day"][waiting]
        row = {
            "day": day, "centre": self.params.centres[i].name,
            "trials_started": len(started), "concluded": len(concluded),
            "backlog": len(waiting),
            "measured_mean_days_to_trial": float(np.mean(delays)) if len(delays) else math.nan,
            "backlog_mean_age_days": float(np.mean(ages)) if len(ages) else math.nan,
            "backlog_over_1y_pct": 100 * float(np.mean(ages > 365)) if len(ages) else math.nan,
            "regime_score": score, "true_quality": quality,
        }  # fmt: skip
        for key, value in measured.items():
            row[f"measured_{key}"] = value
            row[f"true_{key}"] = true[key]
        for agent in (self.listing[i], self.prosecutors[i]):
            row.update({f"lever_{k}": v for k, v in agent.levels.items()})
        row["lever_rush"] = float(np.mean([j.level("rush") for j in self.judges[i]]))
        self.period_rows.append(row)
