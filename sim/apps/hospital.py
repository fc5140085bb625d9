"""Interactive A&E app: a Mesa SolaraViz page over the default winter scenario.

Controls (applied when you press Reset): regime, stakes, audit inspection chance, capacity
(a multiplier on every ED's clinicians, cubicles and beds), the share of reactive gamers
and rational maniacs, and the seed. Each Step (or each tick of Play) runs one simulated
day; the plots show both 4-hour ledgers per weekly decision period, the time in department
of the last seven days' departures on both clocks, and the managers' and clinicians' lever
settings.

Start it in a browser with ``python -m sim.apps.launch hospital`` (or
``solara run sim.apps.hospital``). In Jupyter, make the last expression of a cell::

    from sim.apps.hospital import app
    app()                      # or app(scenario_path="scenarios/ae_demand_shock.toml")
"""

from __future__ import annotations

from bisect import bisect_left
from pathlib import Path

import numpy as np
import pandas as pd
import solara

from sim.apps.common import (
    CONTROLS,
    SCENARIOS,
    AppEntry,
    DayStepping,
    Histogram,
    Panels,
    ServedPage,
    histogram,
    weighted_by_day,
)
from sim.experiments.scenario import Scenario
from sim.hospital import HospitalModel
from sim.hospital.arrivals import MINUTES_PER_DAY

DEFAULT_SCENARIO = SCENARIOS / "ae_four_hour.toml"
WINDOW_DAYS = 7.0  # the histogram shows departures of the last week
_EDGES = np.arange(0.0, 16 * 60.0 + 1, 30.0)  # minutes, 30-minute bins to 16 h
_LOOKBACK_MIN = 30 * MINUTES_PER_DAY  # patients who arrived earlier have long left


def capacity_overrides(factor: float):
    """Overrides multiplying every ED's clinicians, cubicles and beds by `factor`."""

    def overrides(scenario: Scenario) -> dict:
        if factor == 1.0:
            return {}
        result = {}
        for i, ed in enumerate(scenario.hospital.eds):
            for name in ("clinicians_peak", "cubicles", "beds"):
                result[f"hospital.eds.{i}.{name}"] = round(getattr(ed, name) * factor)
        return result

    return overrides


class HospitalApp(DayStepping, HospitalModel):
    """The A&E model for the app: `step()` runs one day; built from the controls."""

    DAY = MINUTES_PER_DAY
    DOMAIN = "hospital"

    def __init__(
        self,
        regime: str | None = None,
        stakes: float | None = None,
        inspection_chance: float | None = None,
        capacity: float = 1.0,
        gamers: float | None = None,
        seed: int | str | None = None,
        days: float | None = None,
        scenario_path: str | Path = DEFAULT_SCENARIO,
    ) -> None:
        """Build the model a batch run of the same settings builds (replication 0)."""
        scenario, regime, master_seed, notice = self.build(
            scenario_path, capacity_overrides(float(capacity)), regime=regime, stakes=stakes,
            inspection_chance=inspection_chance, gamers=gamers, seed=seed, days=days,
        )  # fmt: skip
        self.end_time = self.end_min
        spec = scenario.regimes[regime]
        within = getattr(spec, "within", None)
        target = getattr(spec, "target", None)
        kpi_4h = spec.type == "kpi" and spec.measure == "share_within" and within == 240
        self.panels = Panels(
            ledger_title="Seen within 4 hours: the dashboard and the truth",
            ledger_unit="% of departures within 4 h",
            measured_label="measured (the clock as recorded)",
            true_label="true (door to bed or home)",
            histogram_title=f"Time in department, departures of the last {WINDOW_DAYS:g} days",
            histogram_unit="hours (16 h or more in the last bin)",
            histogram_measured="measured clock",
            histogram_true="true time",
            histogram_marker=4.0,
            controls_note=CONTROLS.format(capacity="clinicians, cubicles and beds"),
            target=100 * target if kpi_4h and target is not None else None,
            target_label="KPI target",
            percent=True,
        )
        self.start_stepping(regime, float(capacity), master_seed, notice)

    def ledger(self, rows: pd.DataFrame) -> pd.DataFrame:
        """Per decision day, both 4-hour figures over all EDs (weighted by departures)."""
        return pd.DataFrame({
            "measured": weighted_by_day(rows, "measured_4h_pct", "departures"),
            "true": weighted_by_day(rows, "true_4h_pct", "departures"),
        })  # fmt: skip

    def histogram_now(self) -> Histogram:
        """Hours in department of the last week's departures, on both clocks."""
        cols, now = self.flow.cols, self.time
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

    def notes(self) -> tuple[str, ...]:
        """The latest period's figures and the mean bed occupancy."""
        if self._ledger.empty:
            return ("No decision period yet (managers decide every "
                    f"{self.behaviour.decision_period_days:g} days).",)  # fmt: skip
        last = self._ledger.iloc[-1]
        return (
            f"Latest period (day {self._ledger.index[-1]:g}): measured "
            f"{last['measured']:.1f}%, true {last['true']:.1f}% within 4 h "
            f"(gap {last['measured'] - last['true']:.1f} points)",
            f"Staff burnout (mean over EDs): {np.mean(self.burnout):.2f}",
        )


ENTRY = AppEntry(HospitalApp, DEFAULT_SCENARIO, "Goodhart A&E")
viz_params = ENTRY.viz_params
app = ENTRY.app


@solara.component
def Page():
    """What ``solara run sim.apps.hospital`` serves: one model per browser session."""
    return ServedPage(ENTRY)
