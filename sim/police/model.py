"""The police system model: forces, their registrars and investigators, a regime, the crime flow."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from mesa.time import Priority, Schedule

from sim.behaviour import DecisionMaker, assign_types
from sim.police.agents import Investigator, Registrar
from sim.police.flow import CHARGED, Force, PoliceFlow
from sim.police.measures import Period, measure_values, satisfaction
from sim.police.params import PoliceParams
from sim.police.summary import crimes_table, daily_table, summarise
from sim.service import Judged, RunSettings, ServiceModel


class PoliceModel(ServiceModel):
    """A system of police forces judged by one regime.

    Time is in days. Event-driven (Mesa's unit step is switched off): a daily event brings
    the day's crimes and moves every force's investigations on; a decision event every
    period lets registrars and investigators see their payoff and choose their levers.
    """

    DOMAIN = "police"
    LEDGER = {  # noqa: RUF012
        "recorded_per_day": "", "reported_per_day": "", "crimes_per_day": "",
        "detections_per_day": "", "true_detections_per_day": "",
    }  # fmt: skip
    STREAMS = ("crimes", "survey")
    SITE = "force"

    def __init__(
        self, params: PoliceParams | None = None, settings: RunSettings | None = None,
        **scenario: Any,
    ) -> None:
        """Build the forces, agents and schedules; nothing runs until `step` or `run`.

        `PoliceModel(params, settings)`, or from a scenario: `PoliceModel(scenario=PATH,
        regime="kpi", rng=7, days=365)` (the options of `ServiceModel.inputs`).
        """
        params, settings, self.scenario_settings = self.inputs(params, settings, **scenario)
        params = params.at_capacity()
        super().__init__(settings)
        self.params = params
        self._survey_rng = self.streams["survey"]
        self.flow = PoliceFlow(params, self.streams["crimes"], math.ceil(self.days))
        n, per = len(params.forces), params.investigators_per_force
        self.registrars = [
            Registrar(self, force, kind, self.behaviour)
            for force, kind in zip(self.flow.forces, assign_types(self.rng, self.behaviour, n),
                                   strict=True)
        ]  # fmt: skip
        kinds = assign_types(self.rng, self.behaviour, n * per)
        self.investigators = [
            [Investigator(self, force, k, kinds[i * per + k], self.behaviour) for k in range(per)]
            for i, force in enumerate(self.flow.forces)
        ]
        self._audit_changes = sorted(params.audit_changes, key=lambda change: change.day)
        self._charge_reference = self._reference_charge_rate()
        self.schedule_recurring(self._on_day, Schedule(interval=1.0, start=0.0), Priority.HIGH)

    def results(self) -> tuple[dict[str, float], dict[str, pd.DataFrame]]:
        """The run summary, the per-crime table and the daily counts."""
        return summarise(self), {"crimes": crimes_table(self), "daily": daily_table(self)}

    def _on_day(self) -> None:
        day = round(self.time)
        if day >= self.days:
            return
        while self._audit_changes and self._audit_changes[0].day <= day:
            change = self._audit_changes.pop(0)
            self.audit = self.audit.model_copy(update={
                "inspection_chance": change.inspection_chance,
                "detection": {**self.audit.detection, **change.detection},
            })  # fmt: skip
        self.flow.step(day)

    def pool_investigators(self, force: Force) -> None:
        """A force's investigation settings: the means over its investigators."""
        team = self.investigators[force.index]
        force.easy_detections = float(np.mean([a.level("easy_detections") for a in team]))
        force.write_offs = float(np.mean([a.level("write_offs") for a in team]))
        stock = np.mean([a.capability.stock.get("investigation_quality", 0.0) for a in team])
        force.quality = float(stock)

    def _reference_charge_rate(self) -> float:
        """The serious-crime charge rate if every serious crime were fully investigated."""
        p = self.params
        weight = (np.asarray(p.crime_mix) * np.asarray(p.serious_share)
                  * np.asarray(p.report_prob))  # fmt: skip
        rate = np.asarray(p.suspect_prob) * np.asarray(p.charge_prob)
        return float(np.sum(weight * rate) / np.sum(weight)) if weight.sum() > 0 else 1.0

    # ---- the decision period (see ServiceModel) ----------------------------------------------
    def sites(self) -> int:
        """One site per force."""
        return len(self.flow.forces)

    def site_name(self, site: int) -> str:
        """The force's name."""
        return self.params.forces[site].name

    def begin_period(self, day: float) -> None:
        """Find the period's crimes (days after the last decision, up to today)."""
        c = self.flow.crimes
        start = self.last_decision_day
        self._in_period = c["occurred"] & (c["day"] > start) & (c["day"] <= day)
        done = (c["outcome_day"] > start) & (c["outcome_day"] <= day)
        self._charged_now = done & (c["outcome"] == CHARGED)
        self._window = slice(int(start) + 1, int(day) + 1)

    def period(self, site: int, day: float) -> Period:
        """One force's crimes and outcomes in the current period."""
        c = self.flow.crimes
        mine = c["force"] == site
        daily = {name: int(counts[self._window, site].sum())
                 for name, counts in self.flow.daily.items()}  # fmt: skip
        charged = self._charged_now & mine & c["serious"]
        return Period(
            crimes=np.flatnonzero(self._in_period & mine),
            days=day - self.last_decision_day,
            charged=daily["charged"], out_of_court=daily["out_of_court"],
            write_offs=daily["write_offs"], serious_charged=int(charged.sum()),
            serious_recorded_charged=int(np.sum(charged & ~c["downgraded"])),
        )  # fmt: skip

    def scopes(self, site: int, day: float) -> list[tuple[DecisionMaker, Period]]:
        """The registrar (the lead) and every investigator answer for the whole force."""
        whole = self.period(site, day)
        return [(self.registrars[site], whole)] + [(a, whole) for a in self.investigators[site]]

    def measure(self, site: int, scope: Period, day: float):
        """The regime's measures of this force's period, and its true quality of policing."""
        measured, true = measure_values(self.scorer.measures, self.flow.crimes, scope,
                                        self.params, self._survey_rng)  # fmt: skip
        return measured, true, self._quality(scope)

    def _quality(self, scope: Period) -> float:
        """True outcome of a force's work this period, 0-1 (the motivation term).

        The mean of: reporting victims' satisfaction, the share of reports correctly
        recorded, and the serious-crime charge rate over what full investigation of every
        serious crime would give (capped at 1): an assumption weighing each equally.
        """
        c = self.flow.crimes
        reported = scope.crimes[c["reported"][scope.crimes]]
        if not len(reported):
            return math.nan
        parts = [
            float(np.mean(satisfaction(c, reported, self.params))),
            float(np.mean(c["recorded"][reported] & ~c["downgraded"][reported])),
        ]
        serious = int(np.sum(c["serious"][reported]))
        if serious:
            rate = scope.serious_charged / serious
            parts.append(min(1.0, rate / self._charge_reference))
        return float(np.mean(parts))

    def period_columns(self, site: int, day: float, lead: Judged) -> dict[str, float]:
        """Crimes, reports, recorded crimes and detections per day at the force."""
        scope: Period = lead.scope
        c = self.flow.crimes
        days = max(scope.days, 1e-9)
        true_detections = (scope.charged + scope.out_of_court) / days
        return {
            "crimes_per_day": len(scope.crimes) / days,
            "reported_per_day": int(np.sum(c["reported"][scope.crimes])) / days,
            "recorded_per_day": int(np.sum(c["recorded"][scope.crimes])) / days,
            "true_detections_per_day": true_detections,
            "detections_per_day": true_detections + scope.write_offs / days,
        }  # fmt: skip

    def context(self, day: float) -> dict[str, float]:
        """Demand (reports per day this period, all forces) and investigation capacity."""
        c = self.flow.crimes
        days = max(day - self.last_decision_day, 1.0)
        return {
            "demand": int(np.sum(self._in_period & c["reported"])) / days,
            "capacity": sum(f.investigator_hours_per_day for f in self.params.forces),
        }

    def peer_groups(self) -> list[list[DecisionMaker]]:
        """Registrars imitate registrars; each force's investigators imitate each other."""
        return [self.registrars, *self.investigators]
