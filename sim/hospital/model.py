"""The A&E system model: EDs, their deciding agents, a regime, and the patient flow."""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Sequence

import numpy as np
import pandas as pd
from mesa.time import Priority, Schedule

from sim.behaviour import BehaviourSettings, DecisionMaker, assign_types
from sim.hospital.agents import LEVER_KINDS, Clinician, EDManager
from sim.hospital.arrivals import MINUTES_PER_DAY, ArrivalGenerator
from sim.hospital.flow import PatientFlow
from sim.hospital.measures import Episodes, check_measures, clock_point, measure_values
from sim.hospital.params import HospitalParams
from sim.hospital.summary import patients_table, summarise
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


class HospitalModel(ServiceModel):
    """A system of EDs judged by one regime.

    Time is in minutes. The model is event-driven (Mesa's default unit step is switched
    off): an hourly event changes shifts and samples load, a daily event draws the next
    day's arrivals and updates burnout, and a decision event every period lets managers and
    clinicians see their payoff and choose their levers. Patient events run in a lean core
    (`PatientFlow`) that the model advances to each of its own events.
    """

    def __init__(
        self,
        params: HospitalParams,
        regime: KPISpec | OKRSpec | NoTargetSpec,
        *,
        regime_name: str = "regime",
        behaviour: BehaviourSettings | None = None,
        stakes: Stakes | None = None,
        audit: AuditSettings | None = None,
        league: LeagueTable | None = None,
        seed: int | Sequence[int] = 0,
        days: float = 182.0,
        warmup_days: float = 0.0,
    ) -> None:
        """Build the EDs, agents and schedules; nothing runs until `run`."""
        super().__init__(
            regime, ("arrivals", "beds", "behaviour", "survey", "audit"),
            regime_name=regime_name, behaviour=behaviour, stakes=stakes, audit=audit,
            league=league, seed=seed, days=days, warmup_days=warmup_days,
        )  # fmt: skip
        self.params = params
        self.end_min = self.days * MINUTES_PER_DAY
        check_measures(self.judge.measures, f"regimes.{regime_name}")
        self._survey_rng = self.streams["survey"]
        arrivals_rng, beds_rng = self.streams["arrivals"], self.streams["beds"]

        self.flow = PatientFlow(params, beds_rng)
        self.arrivals = ArrivalGenerator(params, arrivals_rng)

        n_eds = len(params.eds)
        per_ed = params.clinician_agents_per_ed
        manager_types = assign_types(self.rng, self.behaviour, n_eds)
        clinician_types = assign_types(self.rng, self.behaviour, n_eds * per_ed)
        self.managers = [
            EDManager(self, dept, manager_types[i], self.behaviour)
            for i, dept in enumerate(self.flow.departments)
        ]
        self.clinicians = [
            [
                Clinician(self, dept, k, clinician_types[i * per_ed + k], self.behaviour)
                for k in range(per_ed)
            ]
            for i, dept in enumerate(self.flow.departments)
        ]
        self._set_clock_points()
        self.burnout = [params.initial_burnout] * n_eds
        self.burnout_history: list[list[float]] = []
        self.decision_rows: list[dict] = []
        self.period_rows: list[dict] = []
        self._hourly: list[list[tuple[float, float, float]]] = [[] for _ in range(n_eds)]
        self._arrived_at_last_decision = 0
        self._last_decision_min = 0.0
        self.bed_occupancy: list[list[float]] = [[] for _ in range(n_eds)]

        period_min = self.behaviour.decision_period_days * MINUTES_PER_DAY
        self.schedule_recurring(
            self._on_day, Schedule(interval=MINUTES_PER_DAY, start=0.0), Priority.HIGH
        )
        self.schedule_recurring(self._on_hour, Schedule(interval=60.0, start=0.0))
        self.schedule_recurring(
            self._on_decision, Schedule(interval=period_min, start=period_min), Priority.LOW
        )

    # ---- running ------------------------------------------------------------------------
    def run(self) -> None:
        """Run to the end of the horizon."""
        self.run_until(self.end_min)
        self.flow.advance_to(self.end_min)

    # ---- scheduled events -------------------------------------------------------------------
    def results(self) -> tuple[dict[str, float], dict[str, pd.DataFrame]]:
        """The run summary and the per-patient table."""
        patients = patients_table(self)
        return summarise(self, patients), {"patients": patients}

    def _on_day(self) -> None:
        self.flow.advance_to(self.time)
        day = round(self.time / MINUTES_PER_DAY)
        if day > 0:
            self._update_burnout()
        if day >= self.days:
            return
        per_ed = self.params.clinician_agents_per_ed
        batches = [
            self.arrivals.day(day, ed, per_ed).before(self.end_min) for ed in self.params.eds
        ]
        self.flow.add_day(batches)

    def _on_hour(self) -> None:
        self.flow.advance_to(self.time)
        hour = int(self.time // 60.0) % 24
        p = self.params
        share = p.clinician_hour_profile[hour] / max(p.clinician_hour_profile)
        for i, dept in enumerate(self.flow.departments):
            absent = p.burnout_absence_max * self.burnout[i]
            on_duty = round(dept.params.clinicians_peak * share * (1.0 - absent))
            if dept.params.clinicians_peak > 0:
                on_duty = max(on_duty, 1)
            self.flow.set_on_duty(dept, on_duty)
            utilisation = dept.busy / dept.on_duty if dept.on_duty else 0.0
            occupancy = 1.0 - dept.beds_free / dept.params.beds if dept.params.beds else 0.0
            self._hourly[i].append((min(utilisation, 1.0), dept.corridor_used, occupancy))

    def _update_burnout(self) -> None:
        p = self.params
        today = []
        for i, dept in enumerate(self.flow.departments):
            samples = self._hourly[i]
            self._hourly[i] = []
            if not samples:
                today.append(self.burnout[i])
                continue
            utilisation = float(np.mean([s[0] for s in samples]))
            corridor = float(np.mean([s[1] for s in samples]))
            staff = max(dept.params.clinicians_peak, 1)
            load = (
                utilisation
                + p.burnout_corridor_weight * corridor / staff
                + p.burnout_moral_weight * self._moral_load(i)
            )
            value = self.burnout[i] + p.burnout_rate * (load - p.burnout_recovery_load)
            self.burnout[i] = min(1.0, max(0.0, value))
            today.append(self.burnout[i])
            self.bed_occupancy[i].append(float(np.mean([s[2] for s in samples])))
        self.burnout_history.append(today)

    def _moral_load(self, ed: int) -> float:
        """Mean over the ED's agents of gaming used, weighted by each one's distaste for it."""
        agents = [self.managers[ed], *self.clinicians[ed]]
        total = 0.0
        for agent in agents:
            used = sum(v for k, v in agent.levels.items() if LEVER_KINDS[k] != "care")
            total += agent.motivation.moral_cost * used
        return total / len(agents)

    def _on_decision(self) -> None:
        self.flow.advance_to(self.time)
        day = self.time / MINUTES_PER_DAY
        cols = self.flow.cols
        specs = self.judge.measures
        manager_scores, clinician_scores = [], []
        results: list[tuple[DecisionMaker, float, float, dict, dict]] = []
        for i, dept in enumerate(self.flow.departments):
            episodes = Episodes.gather(cols, dept.period, self.params)
            clinician_of = episodes.clinician
            scopes = [(self.managers[i], episodes)] + [
                (c, episodes.subset(clinician_of == c.slot)) for c in self.clinicians[i]
            ]
            for agent, scope in scopes:
                measured, true = measure_values(
                    specs, scope, self.burnout[i], self.params, self._survey_rng,
                    curation=dept.curate_survey,
                )  # fmt: skip
                score = self.judge.score(agent.unit, measured) if specs else 0.0
                quality = float(np.mean(scope.quality)) if len(scope.quality) else math.nan
                results.append((agent, score, quality, measured, true))
                (manager_scores if agent.role == "manager" else clinician_scores).append(score)
            self._record_period(i, day, episodes, results[-len(scopes)])
            dept.period = []

        league = {
            "manager": league_rewards(manager_scores, self.league),
            "clinician": league_rewards(clinician_scores, self.league),
        }
        counters = {"manager": 0, "clinician": 0}
        for agent, score, quality, _, _ in results:
            rank_reward = league[agent.role][counters[agent.role]]
            counters[agent.role] += 1
            payoff, found = self.settle(agent, score, rank_reward, quality)
            self._record_decision(agent, day, score, payoff, found)

        context = {"demand": self._demand_per_day()}
        self.judge.review(day, context)
        self._set_clock_points()
        imitate = self.behaviour.imitation_chance if self.league.published else 0.0
        for agent in self.managers:
            agent.choose(self.rng, self.managers, imitate)
            agent.apply()
        for group in self.clinicians:
            for agent in group:
                agent.choose(self.rng, group, imitate)
                agent.apply()

    def _set_clock_points(self) -> None:
        """Tell each department the clock point its own regime target rewards beating."""
        for manager in self.managers:
            manager.department.threshold = clock_point(self.judge, manager.unit)

    def _demand_per_day(self) -> float:
        """Arrivals per day since the last decision (patients are numbered by arrival)."""
        arrived = bisect_left(self.flow.cols["arrival_min"], self.time)
        days = (self.time - self._last_decision_min) / MINUTES_PER_DAY
        demand = (arrived - self._arrived_at_last_decision) / days
        self._arrived_at_last_decision = arrived
        self._last_decision_min = self.time
        return demand

    # ---- records ------------------------------------------------------------------------------
    def _record_decision(self, agent, day, score, payoff, found) -> None:
        row = {
            "day": day,
            "ed": agent.department.params.name,
            "agent_id": agent.unique_id,
            "role": agent.role,
            "motivation": agent.motivation.name,
            "regime_score": score,
            "payoff": payoff.total,
            "detected": len(found),
        }
        row.update({f"lever_{name}": level for name, level in agent.levels.items()})
        self.decision_rows.append(row)

    def _record_period(self, ed: int, day: float, episodes: Episodes, manager_result) -> None:
        _, score, quality, measured, true = manager_result
        threshold = self.params.report_threshold_min
        n = len(episodes.measured_min)
        row = {
            "day": day,
            "ed": self.params.eds[ed].name,
            "departures": n,
            "measured_4h_pct": 100 * float(np.mean(episodes.measured_min <= threshold))
            if n
            else math.nan,
            "true_4h_pct": 100 * float(np.mean(episodes.true_min <= threshold)) if n else math.nan,
            "regime_score": score,
            "true_quality": quality,
            "staff_burnout": self.burnout[ed],
        }
        for key, value in measured.items():
            row[f"measured_{key}"] = value
            row[f"true_{key}"] = true[key]
        manager = self.managers[ed]
        row.update({f"lever_{k}": v for k, v in manager.levels.items()})
        row["lever_early_discharge"] = float(
            np.mean([c.level("early_discharge") for c in self.clinicians[ed]])
        )
        self.period_rows.append(row)
