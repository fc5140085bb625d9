"""The A&E system model: EDs, their deciding agents, a regime, and the patient flow."""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Collection
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd
from mesa.time import Priority, Schedule

from sim.behaviour import DecisionMaker, assign_types
from sim.behaviour.levers import DISHONEST
from sim.hospital.agents import LEVER_KINDS, Clinician, EDManager
from sim.hospital.arrivals import MINUTES_PER_DAY, ArrivalGenerator
from sim.hospital.flow import PatientFlow
from sim.hospital.measures import CLOCK_MEASURES, Episodes, measure_values
from sim.hospital.params import HospitalParams
from sim.hospital.summary import patients_table, summarise
from sim.service import Judged, RunSettings, ServiceModel


class HospitalModel(ServiceModel):
    """A system of EDs judged by one regime.

    Time is in minutes. The model is event-driven (Mesa's default unit step is switched
    off): an hourly event changes shifts and samples load, a daily event draws the next
    day's arrivals and updates burnout, and a decision event every period lets managers and
    clinicians see their payoff and choose their levers. Patient events run in a lean core
    (`PatientFlow`) that the model advances to each of its own events.
    """

    DOMAIN = "hospital"
    LEDGER = {"measured_4h_pct": "departures", "true_4h_pct": "departures"}  # noqa: RUF012
    STREAMS = ("arrivals", "beds", "survey")
    SITE = "ed"
    TIME_PER_DAY = MINUTES_PER_DAY

    def __init__(
        self, params: HospitalParams | None = None, settings: RunSettings | None = None,
        **scenario: Any,
    ) -> None:
        """Build the EDs, agents and schedules; nothing runs until `step` or `run`.

        `HospitalModel(params, settings)`, or from a scenario: `HospitalModel(scenario=PATH,
        regime="kpi", rng=7, days=60)` (the options of `ServiceModel.inputs`).
        """
        params, settings, self.scenario_settings = self.inputs(params, settings, **scenario)
        params = params.at_capacity()
        super().__init__(settings)
        self.params = params
        self.end_min = self.days * MINUTES_PER_DAY
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
        for manager in self.managers:
            manager.apply()
        self.burnout = [params.initial_burnout] * n_eds
        self.burnout_history: list[list[float]] = []
        self._hourly: list[list[tuple[float, float, float]]] = [[] for _ in range(n_eds)]
        self._arrived_at_last_decision = 0
        self._last_decision_min = 0.0
        self.bed_occupancy: list[list[float]] = [[] for _ in range(n_eds)]
        self.surge_bed_hours = 0.0  # escalation beds open, summed hour by hour after warm-up

        self.schedule_recurring(
            self._on_day, Schedule(interval=MINUTES_PER_DAY, start=0.0), Priority.HIGH
        )
        self.schedule_recurring(self._on_hour, Schedule(interval=60.0, start=0.0))

    # ---- running ------------------------------------------------------------------------
    def at_end(self) -> None:
        """Move every patient on to the end of the horizon."""
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
        counted = self.time >= self.warmup_days * MINUTES_PER_DAY
        for i, dept in enumerate(self.flow.departments):
            absent = p.burnout_absence_max * self.burnout[i]
            on_duty = dept.params.clinicians_peak * share * (1.0 - absent)
            on_duty = round(on_duty - dept.front_door * p.front_door_clinicians)
            if dept.params.clinicians_peak > 0:
                on_duty = max(on_duty, 1)
            self.flow.set_on_duty(dept, on_duty)
            utilisation = dept.busy / dept.on_duty if dept.on_duty else 0.0
            beds = dept.params.beds + dept.surge_beds
            occupancy = 1.0 - dept.beds_free / beds if beds else 0.0
            if counted:
                self.surge_bed_hours += dept.surge_beds
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
                + p.burnout_moral_weight * self._load(i, DISHONEST, moral=True)
            )
            if self.improvement.enabled:
                load += p.burnout_improvement_weight * self._load(i, {"improvement"})
            value = self.burnout[i] + p.burnout_rate * (load - p.burnout_recovery_load)
            self.burnout[i] = min(1.0, max(0.0, value))
            today.append(self.burnout[i])
            self.bed_occupancy[i].append(float(np.mean([s[2] for s in samples])))
        self.burnout_history.append(today)

    def _load(self, ed: int, kinds: Collection[str], moral: bool = False) -> float:
        """Mean over the ED's agents of the intensity of their levers of `kinds`.

        With `moral`, each agent's use is weighted by its distaste for it (moral injury).
        """
        agents = [self.managers[ed], *self.clinicians[ed]]
        total = 0.0
        for agent in agents:
            used = sum(v for k, v in agent.levels.items() if LEVER_KINDS[k] in kinds)
            total += (agent.motivation.moral_cost if moral else 1.0) * used
        return total / len(agents)

    # ---- the decision period (see ServiceModel) ----------------------------------------------
    def sites(self) -> int:
        """One site per ED."""
        return len(self.flow.departments)

    def site_name(self, site: int) -> str:
        """The ED's name."""
        return self.params.eds[site].name

    def begin_period(self, day: float) -> None:
        """Run the patient flow up to the decision."""
        self.flow.advance_to(self.time)

    def scopes(self, site: int, day: float) -> list[tuple[DecisionMaker, Episodes]]:
        """The manager answers for every departure; each clinician for its own patients."""
        episodes = Episodes.gather(self.flow.cols, self.flow.departments[site].period,
                                   self.params)  # fmt: skip
        clinician_of = episodes.clinician
        return [(self.managers[site], episodes)] + [
            (c, episodes.subset(clinician_of == c.slot)) for c in self.clinicians[site]
        ]

    def measure(self, site: int, scope: Episodes, day: float):
        """The regime's measures of these departures, and their mean quality of care."""
        measured, true = measure_values(
            self.scorer.measures, scope, self.burnout[site], self.params, self._survey_rng,
            curation=self.flow.departments[site].curate_survey,
        )  # fmt: skip
        quality = float(np.mean(scope.quality)) if len(scope.quality) else math.nan
        return measured, true, quality

    def aimed(self, site: int, scope: Episodes, measured: dict[str, float], point: float
              ) -> dict[str, float]:  # fmt: skip
        """The clock measures had every near miss at `point` been stopped just before it."""
        clock = scope.measured_min
        near = (clock > point) & (clock <= point + self.params.aim_window_min)
        if not near.any():
            return measured
        rescued = replace(scope, measured_min=np.where(near, point - 1.0, clock))
        clocks = [spec for spec in self.scorer.measures if spec.measure in CLOCK_MEASURES]
        values, _ = measure_values(clocks, rescued, self.burnout[site], self.params, None)
        return {**measured, **values}

    def period_columns(self, site: int, day: float, lead: Judged) -> dict[str, float]:
        """Departures and both 4-hour figures of the period, and the ED's burnout."""
        episodes: Episodes = lead.scope
        threshold = self.params.report_threshold_min
        n = len(episodes.measured_min)
        return {
            "departures": n,
            "measured_4h_pct": 100 * float(np.mean(episodes.measured_min <= threshold))
            if n else math.nan,
            "true_4h_pct": 100 * float(np.mean(episodes.true_min <= threshold))
            if n else math.nan,
            "staff_burnout": self.burnout[site],
        }  # fmt: skip

    def end_period(self, site: int) -> None:
        """Start the ED's next period with no departures."""
        self.flow.departments[site].period = []

    def site_need(self, site: int) -> float:
        """Arrivals at the ED since the funder's last review."""
        cols = self.flow.cols
        first = bisect_left(cols["arrival_min"], self.last_funding_day * MINUTES_PER_DAY)
        last = bisect_left(cols["arrival_min"], self.time)
        return float(np.count_nonzero(np.asarray(cols["ed"][first:last]) == site))

    def context(self, day: float) -> dict[str, float]:
        """Demand: arrivals per day since the last decision."""
        return {"demand": self._demand_per_day()}

    def peer_groups(self) -> list[list[DecisionMaker]]:
        """Managers imitate managers; clinicians imitate clinicians of their own ED."""
        return [self.managers, *self.clinicians]

    def _demand_per_day(self) -> float:
        """Arrivals per day since the last decision (patients are numbered by arrival)."""
        arrived = bisect_left(self.flow.cols["arrival_min"], self.time)
        days = (self.time - self._last_decision_min) / MINUTES_PER_DAY
        demand = (arrived - self._arrived_at_last_decision) / days
        self._arrived_at_last_decision = arrived
        self._last_decision_min = self.time
        return demand
