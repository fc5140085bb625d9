"""The Crown Court system model: centres, their deciding agents, a regime, the case flow."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from mesa.time import Priority, Schedule

from sim.behaviour import DecisionMaker, assign_types
from sim.courts.agents import Judge, ListingOfficer, Prosecutor
from sim.courts.flow import WAITING, CourtFlow
from sim.courts.measures import consistency, done_in, measure_values, satisfaction
from sim.courts.params import CourtParams
from sim.courts.summary import cases_table, daily_table, summarise
from sim.service import Judged, RunSettings, ServiceModel


@dataclass(frozen=True)
class CourtScope:
    """The cases one decision-maker answers for in a period, and its centre's state."""

    started: np.ndarray  # trials started this period
    concluded: np.ndarray  # cases concluded this period
    waiting: np.ndarray  # the centre's cases awaiting trial now
    backlog_ratio: float  # the centre's backlog now over its backlog at the start
    quality: float  # the centre's true outcome this period, 0-1


class CourtModel(ServiceModel):
    """A system of Crown Court centres judged by one regime.

    Time is in days. Event-driven (Mesa's unit step is switched off): a daily event draws
    receipts and moves every case on; a decision event every period lets listing officers,
    judges and prosecutors see their payoff and choose their levers.
    """

    DOMAIN = "courts"
    LEDGER = {  # noqa: RUF012
        "measured_mean_days_to_trial": "trials_started", "backlog_mean_age_days": "backlog",
        "backlog_over_1y_pct": "backlog", "backlog": "",
    }  # fmt: skip
    STREAMS = ("cases", "survey", "review")
    SITE = "centre"

    def __init__(
        self, params: CourtParams | None = None, settings: RunSettings | None = None,
        **scenario: Any,
    ) -> None:
        """Build the centres, agents and schedules; nothing runs until `step` or `run`.

        `CourtModel(params, settings)`, or from a scenario: `CourtModel(scenario=PATH,
        regime="kpi", rng=7, days=365)` (the options of `ServiceModel.inputs`).
        """
        params, settings, self.scenario_settings = self.inputs(params, settings, **scenario)
        params = params.at_capacity()
        super().__init__(settings)
        self.params = params
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
        self._start_backlog = [max(1, self._backlog(i)) for i in range(n)]
        self._receipts_seen = self.flow.cases.n  # the initial backlog is not demand
        self.schedule_recurring(self._on_day, Schedule(interval=1.0, start=0.0), Priority.HIGH)

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

    # ---- the decision period (see ServiceModel) ----------------------------------------------
    def sites(self) -> int:
        """One site per court centre."""
        return len(self.flow.centres)

    def site_name(self, site: int) -> str:
        """The centre's name."""
        return self.params.centres[site].name

    def begin_period(self, day: float) -> None:
        """The prosecutors' review (counted in this period); then find the period's cases."""
        c = self.flow.cases
        for centre in self.flow.centres:
            self.flow.discontinue(centre, day, float(self._review_rng.random()))
        begun = c["trial_start_day"]
        start = self.last_decision_day
        self._started = np.flatnonzero((begun > start) & (begun <= day))
        self._concluded = done_in(c, start, day)
        self._waiting = np.flatnonzero(c["state"] == WAITING)

    def scopes(self, site: int, day: float) -> list[tuple[DecisionMaker, CourtScope]]:
        """Listing officer and prosecutor answer for the centre; each judge for its cases."""
        c = self.flow.cases
        mine = c["centre"]
        started = self._started[mine[self._started] == site]
        concluded = self._concluded[mine[self._concluded] == site]
        waiting = self._waiting[mine[self._waiting] == site]
        ratio = self._backlog(site) / self._start_backlog[site]
        quality = self._quality(concluded, waiting, day)
        whole = CourtScope(started, concluded, waiting, ratio, quality)
        own = c["judge"]
        return [(self.listing[site], whole), (self.prosecutors[site], whole)] + [
            (judge, CourtScope(started[own[started] == judge.slot],
                               concluded[own[concluded] == judge.slot], waiting, ratio, quality))
            for judge in self.judges[site]
        ]  # fmt: skip

    def measure(self, site: int, scope: CourtScope, day: float):
        """The regime's measures of these cases, and the centre's quality of justice."""
        measured, true = measure_values(
            self.scorer.measures, self.flow.cases, scope.started, scope.concluded,
            scope.waiting, scope.backlog_ratio, day, self.params, self._survey_rng,
        )  # fmt: skip
        return measured, true, scope.quality

    def context(self, day: float) -> dict[str, float]:
        """Demand (receipts per day since the last decision) and sitting-day capacity."""
        c = self.flow.cases
        receipts = c.n - self._receipts_seen
        self._receipts_seen = c.n
        return {
            "demand": receipts / max(day - self.last_decision_day, 1.0),
            "capacity": self.flow.sitting_factor(day),
        }

    def peer_groups(self) -> list[list[DecisionMaker]]:
        """Listing officers, prosecutors, and each centre's judges imitate their own kind."""
        return [self.listing, self.prosecutors, *self.judges]

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

    def period_columns(self, site: int, day: float, lead: Judged) -> dict[str, float]:
        """Trials started, cases concluded, the backlog and its age at the centre."""
        c = self.flow.cases
        scope: CourtScope = lead.scope
        started, waiting = scope.started, scope.waiting
        delays = c["trial_start_day"][started] - c["received_day"][started]
        ages = day - c["received_day"][waiting]
        return {
            "trials_started": len(started), "concluded": len(scope.concluded),
            "backlog": len(waiting),
            "measured_mean_days_to_trial": float(np.mean(delays)) if len(delays) else math.nan,
            "backlog_mean_age_days": float(np.mean(ages)) if len(ages) else math.nan,
            "backlog_over_1y_pct": 100 * float(np.mean(ages > 365)) if len(ages) else math.nan,
        }  # fmt: skip
