"""Interactive Crown Court app: a Mesa SolaraViz page over the default time-to-trial scenario.

Controls (applied when you press Reset): regime, stakes, audit inspection chance, capacity
(a multiplier on every centre's courtrooms and sitting days), the share of reactive gamers
and rational maniacs, and the seed. Each Step (or each tick of Play) runs one simulated
day; the plots show the measured mean time to trial against the mean age of the backlog
per fortnightly decision period, the days to trial of the last four weeks' trials against
the age of every case still awaiting trial, and the listing officers', judges' and
prosecutors' lever settings.

Start it in a browser with ``python -m sim.apps.launch courts`` (or
``solara run sim.apps.courts``). In Jupyter, make the last expression of a cell::

    from sim.apps.courts import app
    app()                      # or app(scenario_path="scenarios/courts_sitting_day_cut.toml")
"""

from __future__ import annotations

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
from sim.courts import CourtModel
from sim.courts.flow import WAITING
from sim.experiments.scenario import Scenario

DEFAULT_SCENARIO = SCENARIOS / "courts_time_to_trial.toml"
WINDOW_DAYS = 28.0  # the histogram shows trials started in the last four weeks
_EDGES = np.arange(0.0, 3 * 365.0 + 1, 30.0)  # days, 30-day bins to three years


def capacity_overrides(factor: float):
    """Overrides multiplying every centre's courtrooms and sitting days by `factor`."""

    def overrides(scenario: Scenario) -> dict:
        if factor == 1.0:
            return {}
        result = {}
        for i, centre in enumerate(scenario.courts.centres):
            result[f"courts.centres.{i}.courtrooms"] = max(1, round(centre.courtrooms * factor))
            result[f"courts.centres.{i}.sitting_days_per_year"] = (
                centre.sitting_days_per_year * factor
            )
        return result

    return overrides


class CourtsApp(DayStepping, CourtModel):
    """The Crown Court model for the app: `step()` runs one day; built from the controls."""

    DAY = 1.0
    DOMAIN = "courts"

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
        _, regime, master_seed, notice = self.build(
            scenario_path, capacity_overrides(float(capacity)), regime=regime, stakes=stakes,
            inspection_chance=inspection_chance, gamers=gamers, seed=seed, days=days,
        )  # fmt: skip
        self.end_time = self.days
        self.panels = Panels(
            ledger_title="Time to trial (the dashboard) and the age of the backlog (the truth)",
            ledger_unit="days",
            measured_label="measured: mean days to trial of trials started",
            true_label="true: mean age of cases awaiting trial",
            histogram_title=f"Trials started in the last {WINDOW_DAYS:g} days vs cases waiting",
            histogram_unit="days since receipt (3 years or more in the last bin)",
            histogram_measured="days to trial, trials started",
            histogram_true="age, cases awaiting trial",
            histogram_marker=365.0,
            shade_gap=False,
            histogram_shares=True,
            controls_note=CONTROLS.format(capacity="courtrooms and sitting days"),
        )
        self.start_stepping(regime, float(capacity), master_seed, notice)

    def ledger(self, rows: pd.DataFrame) -> pd.DataFrame:
        """Per decision day, time to trial and backlog age over all centres, and the backlog."""
        frame = pd.DataFrame({
            "measured": weighted_by_day(rows, "measured_mean_days_to_trial", "trials_started"),
            "true": weighted_by_day(rows, "backlog_mean_age_days", "backlog"),
            "over_1y_pct": weighted_by_day(rows, "backlog_over_1y_pct", "backlog"),
        })  # fmt: skip
        frame["backlog"] = rows.groupby("day")["backlog"].sum()
        return frame

    def histogram_now(self) -> Histogram:
        """Days to trial of the last weeks' trials; ages of the cases awaiting trial."""
        c, now = self.flow.cases, self.time
        begun, received = c["trial_start_day"], c["received_day"]
        started = (begun > now - WINDOW_DAYS) & (begun <= now)
        waiting = c["state"] == WAITING
        return histogram(begun[started] - received[started], now - received[waiting], _EDGES)

    def notes(self) -> tuple[str, ...]:
        """The latest period's figures."""
        if self._ledger.empty:
            return ("No decision period yet (decisions every "
                    f"{self.behaviour.decision_period_days:g} days).",)  # fmt: skip
        last = self._ledger.iloc[-1]
        return (
            f"Latest period (day {self._ledger.index[-1]:g}): mean time to trial "
            f"{last['measured']:.0f} days, mean age of the backlog "
            f"{last['true']:.0f} days",
            f"Backlog: {int(last['backlog'])} cases, {last['over_1y_pct']:.1f}% over a year old",
        )


ENTRY = AppEntry(CourtsApp, DEFAULT_SCENARIO, "Goodhart Crown Courts")
viz_params = ENTRY.viz_params
app = ENTRY.app


@solara.component
def Page():
    """What ``solara run sim.apps.courts`` serves: one model per browser session."""
    return ServedPage(ENTRY)
