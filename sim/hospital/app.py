"""The A&E interactive app: what its plots show, over the default winter scenario.

Controls (applied when you press Reset): regime, stakes, audit inspection chance, capacity
(a multiplier on every ED's clinicians, cubicles and beds), the share of reactive gamers
and rational maniacs, and the seed. Each Step (or each tick of Play) runs one simulated
day; the plots show both 4-hour ledgers per weekly decision period, the time in department
of the last seven days' departures on both clocks, and the managers' and clinicians' lever
settings.

This module is plain data and functions (`APP`, named by the domain's `Domain.app`); the
page is the shared one of `sim.apps`. Start it in a browser with
``python -m sim.apps.launch hospital`` (or ``goodhart app hospital``). In Jupyter, make the
last expression of a cell::

    import sim.apps
    sim.apps.app("hospital")   # or scenario_path="scenarios/ae_demand_shock.toml"
"""

from __future__ import annotations

from bisect import bisect_left
from typing import Any

import numpy as np
import pandas as pd

from sim.apps.spec import AppSpec, Histogram, Panels, histogram, weighted_by_day
from sim.domain import SCENARIOS
from sim.experiments.scenario import Scenario
from sim.hospital.arrivals import MINUTES_PER_DAY

WINDOW_DAYS = 7.0  # the histogram shows departures of the last week
_EDGES = np.arange(0.0, 16 * 60.0 + 1, 30.0)  # minutes, 30-minute bins to 16 h
_LOOKBACK_MIN = 30 * MINUTES_PER_DAY  # patients who arrived earlier have long left


def panels(model: Any, scenario: Scenario, regime: str) -> Panels:
    """The plots' titles; the KPI target is drawn when the regime is the 4-hour KPI."""
    spec = scenario.regimes[regime]
    within = getattr(spec, "within", None)
    target = getattr(spec, "target", None)
    kpi_4h = spec.type == "kpi" and spec.measure == "share_within" and within == 240
    return Panels(
        ledger_title="Seen within 4 hours: the dashboard and the truth",
        ledger_unit="% of departures within 4 h",
        measured_label="measured (the clock as recorded)",
        true_label="true (door to bed or home)",
        histogram_title=f"Time in department, departures of the last {WINDOW_DAYS:g} days",
        histogram_unit="hours (16 h or more in the last bin)",
        histogram_measured="measured clock",
        histogram_true="true time",
        histogram_marker=4.0,
        target=100 * target if kpi_4h and target is not None else None,
        target_label="KPI target",
        percent=True,
    )


def ledger(rows: pd.DataFrame) -> pd.DataFrame:
    """Per decision day, both 4-hour figures over all EDs (weighted by departures)."""
    return pd.DataFrame({
        "measured": weighted_by_day(rows, "measured_4h_pct", "departures"),
        "true": weighted_by_day(rows, "true_4h_pct", "departures"),
    })  # fmt: skip


def histogram_now(model: Any) -> Histogram:
    """Hours in department of the last week's departures, on both clocks."""
    cols, now = model.flow.cols, model.time
    first = bisect_left(cols["arrival_min"], now - _LOOKBACK_MIN)
    n = min(len(cols[name]) for name in ("arrival_min", "left_ed_min"))

    def col(name: str) -> np.ndarray:
        return np.asarray(cols[name][first:n], dtype=float)

    left = col("left_ed_min")
    recent = (left > now - WINDOW_DAYS * MINUTES_PER_DAY) & (left <= now)
    measured = (col("clock_stop_min") - col("clock_start_min"))[recent]
    true = (left - col("arrival_min"))[recent]
    h = histogram(measured, true, _EDGES)
    return Histogram(h.edges / 60.0, h.measured, h.true)


def notes(model: Any, ledger: pd.DataFrame) -> tuple[str, ...]:
    """The latest period's figures and the mean staff burnout."""
    if ledger.empty:
        return ("No decision period yet (managers decide every "
                f"{model.behaviour.decision_period_days:g} days).",)  # fmt: skip
    last = ledger.iloc[-1]
    return (
        f"Latest period (day {ledger.index[-1]:g}): measured "
        f"{last['measured']:.1f}%, true {last['true']:.1f}% within 4 h "
        f"(gap {last['measured'] - last['true']:.1f} points)",
        f"Staff burnout (mean over EDs): {np.mean(model.burnout):.2f}",
    )


APP = AppSpec(
    title="Goodhart A&E",
    scenario=SCENARIOS / "ae_four_hour.toml",
    capacity_note="clinicians, cubicles and beds",
    panels=panels,
    ledger=ledger,
    histogram=histogram_now,
    notes=notes,
)
