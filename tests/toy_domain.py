"""A toy domain defined outside `sim/`: one queue, one decision-maker, one lever.

Customers arrive at one desk (Poisson, so many a day), wait in one FIFO queue and are
served one at a time. A clerk is judged on the share served within `within` days of
arriving; its one lever, `stop_clock` (gaming), records a customer who waited longer as
served in time, with a chance equal to its intensity. Registered at test time, it proves
that a domain needs no edit to shared code.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd
from mesa.time import Priority, Schedule
from pydantic import BaseModel, ConfigDict, Field

from sim.behaviour import DecisionMaker, Lever, assign_types
from sim.domain import MEASURED, TRUE, Domain, Metric, Panel, Series, TableSpec, lever_metrics
from sim.regimes import MeasureDefinition, measure_key
from sim.service import ServiceModel
from sim.validation import Fact
from sim.validation.facts import of

LEVERS = (Lever("stop_clock", "gaming", "Record a long wait as served in time."),)


class ToyParams(BaseModel):
    """The desk: arrivals and service rates per day."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    arrivals_per_day: float = Field(default=20.0, gt=0)
    served_per_day: float = Field(default=22.0, gt=0)
    report_within_days: float = Field(default=0.5, gt=0)


class Clerk(DecisionMaker):
    """The desk's clerk, who decides how far to stop the clock."""

    role = "clerk"

    def __init__(self, model, motivation, settings) -> None:
        super().__init__(model, LEVERS, motivation, settings)
        self.unit = "desk"

    def apply(self) -> None:
        self.model.stop_clock = self.level("stop_clock")


class ToyModel(ServiceModel):
    """One desk, one clerk; each day's customers are queued at the day's start."""

    DOMAIN = "toy"
    STREAMS = ("customers",)
    SITE = "desk"

    def __init__(self, params: ToyParams | None = None, settings=None, **scenario) -> None:
        params, settings, self.scenario_settings = self.inputs(params, settings, **scenario)
        super().__init__(settings)
        self.params = params
        self.stop_clock = 0.0
        self.server_free = 0.0
        self.columns: dict[str, list[float]] = {k: [] for k in ("arrival", "start", "luck")}
        self.recorded: list[float] = []
        self.clerk = Clerk(self, assign_types(self.rng, self.behaviour, 1)[0], self.behaviour)
        self.period: list[int] = []
        self.schedule_recurring(self._on_day, Schedule(interval=1.0, start=0.0), Priority.HIGH)

    def _on_day(self) -> None:
        day = round(self.time)
        if day >= self.days:
            return
        rng = self.streams["customers"]
        count = rng.poisson(self.params.arrivals_per_day)
        arrivals = day + np.sort(rng.random(count))
        service = rng.exponential(1.0 / self.params.served_per_day, count)
        luck = rng.random(count)
        for arrival, length, u in zip(arrivals, service, luck, strict=True):
            start = max(arrival, self.server_free)
            self.server_free = start + length
            wait = start - arrival
            gamed = wait > self.params.report_within_days and u < self.stop_clock
            self.columns["arrival"].append(arrival)
            self.columns["start"].append(start)
            self.columns["luck"].append(u)
            self.recorded.append(min(wait, self.params.report_within_days) if gamed else wait)
            self.period.append(len(self.recorded) - 1)

    # ---- the decision period ---------------------------------------------------------------
    def sites(self) -> int:
        return 1

    def site_name(self, site: int) -> str:
        return "desk"

    def scopes(self, site: int, day: float):
        return [(self.clerk, np.asarray(self.period, dtype=int))]

    def measure(self, site: int, scope: np.ndarray, day: float):
        arrival = np.asarray(self.columns["arrival"])[scope]
        true = np.asarray(self.columns["start"])[scope] - arrival
        recorded = np.asarray(self.recorded)[scope]
        measured_values, true_values = {}, {}
        for spec in self.scorer.measures:
            key = measure_key(spec)
            measured_values[key] = float(np.mean(recorded <= spec.within)) if len(scope) \
                else math.nan
            true_values[key] = float(np.mean(true <= spec.within)) if len(scope) else math.nan
        quality = float(np.mean(true <= self.params.report_within_days)) if len(scope) else math.nan
        return measured_values, true_values, quality

    def end_period(self, site: int) -> None:
        self.period = []

    def peer_groups(self):
        return [[self.clerk]]

    def results(self):
        arrival = np.asarray(self.columns["arrival"])
        table = pd.DataFrame({
            "arrival_day": arrival, "true_wait": np.asarray(self.columns["start"]) - arrival,
            "recorded_wait": np.asarray(self.recorded),
        })  # fmt: skip
        counted = table[table["arrival_day"] >= self.warmup_days]
        within = self.params.report_within_days
        summary = {
            "measured_within_pct": 100 * float(np.mean(counted["recorded_wait"] <= within)),
            "true_within_pct": 100 * float(np.mean(counted["true_wait"] <= within)),
            "mean_wait_days": float(counted["true_wait"].mean()),
            "customers": float(len(counted)),
        }
        summary["gap_pct"] = summary["measured_within_pct"] - summary["true_within_pct"]
        summary.update(self.lever_means(["stop_clock"]))
        summary.update(self.regime_means())
        return summary, {"customers": table}


def warmup_series(tables: Mapping[str, pd.DataFrame]) -> tuple[np.ndarray, float]:
    customers = tables["customers"]
    day = customers["arrival_day"].astype(int)
    return customers.assign(day=day).groupby("day")["true_wait"].mean().to_numpy(), 1.0


def facts(scenario: str) -> tuple[Fact, ...]:
    """A fact about the toy's own scenario file (written by the test)."""
    return (
        Fact("toy_served_in_time", "Most customers are served in time without a target",
             "about 70%", "the toy's own queue", scenario, of("none", "true_within_pct"),
             low=20.0, high=100.0, unit="%"),
    )  # fmt: skip


def make_domain(scenario: str = "toy.toml") -> Domain:
    """The toy domain, its facts checked on the scenario file `scenario`."""
    return Domain(
        name="toy",
        title="Toy desk",
        params=ToyParams,
        simulate=ToyModel.simulate,
        model=ToyModel,
        scenario=Path(scenario),
        levers=LEVERS,
        metrics=(
            Metric("measured_within_pct", "Served in time, as recorded", "%", "measured",
                   "higher"),
            Metric("gap_pct", "Gap: recorded minus true served in time", "percentage points",
                   "measured", "lower"),
            Metric("regime_score", "Regime score", "0-1", "measured", "higher"),
            Metric("regime_met_pct", "Periods the target was met", "%", "measured", "higher"),
            Metric("true_within_pct", "Served in time", "%", "true", "higher"),
            Metric("mean_wait_days", "Mean wait", "days", "true", "lower"),
            Metric("customers", "Customers", "customers per run", "true", headline=False),
            *lever_metrics(LEVERS, "the clerk's periods"),
        ),
        measures=(MeasureDefinition("share_within", "share served within `within` days",
                                    share=True, needs_within=True, within_unit="days"),),
        tables=(TableSpec("customers", "one row per customer", streamed=True),
                TableSpec("decisions", "one row per decision"),
                TableSpec("periods", "one row per period")),
        sensitivity_output="gap_pct",
        warmup_series=warmup_series,
        gap_panels=(Panel((Series("measured_within_pct", MEASURED, filled=False),
                           Series("true_within_pct", TRUE)), title="Served in time"),),
        harm_panels=(Panel((Series("mean_wait_days", "Mean wait"),)),),
        facts=lambda: facts(scenario),
    )  # fmt: skip


SCENARIO = """
name = "toy"
domain = "toy"
days = 60
warmup_days = 10
replications = 2
seed = 3

[toy]
arrivals_per_day = 20
served_per_day = 21

[stakes]
level = 2.0

[audit]
detection = { stop_clock = 0.5 }

[regimes.kpi]
type = "kpi"
measure = "share_within"
within = 0.5
target = 0.95

[regimes.none]
type = "none"
"""
