"""The Crown Court interactive app: what its plots show, over the default time-to-trial scenario.

Controls (applied when you press Reset): regime, stakes, audit inspection chance, capacity
(a multiplier on every centre's courtrooms and sitting days), the share of reactive gamers
and rational maniacs, and the seed. Each Step (or each tick of Play) runs one simulated
day; the plots show the measured mean time to trial against the mean age of the backlog
per fortnightly decision period, the days to trial of the last four weeks' trials against
the age of every case still awaiting trial, and the listing officers', judges' and
prosecutors' lever settings.

This module is plain data and functions (`APP`, named by the domain's `Domain.app`); the
page is the shared one of `sim.apps`. Start it in a browser with
``python -m sim.apps.launch courts`` (or ``goodhart app courts``). In Jupyter, make the
last expression of a cell::

    import sim.apps
    sim.apps.app("courts")     # or scenario_path="scenarios/courts_sitting_day_cut.toml"
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from sim.apps.spec import AppSpec, Histogram, Panels, histogram, weighted_by_day
from sim.courts.flow import WAITING
from sim.domain import SCENARIOS
from sim.experiments.scenario import Scenario

WINDOW_DAYS = 28.0  # the histogram shows trials started in the last four weeks
_EDGES = np.arange(0.0, 3 * 365.0 + 1, 30.0)  # days, 30-day bins to three years


def panels(model: Any, scenario: Scenario, regime: str) -> Panels:
    """The plots' titles (the same whatever the regime)."""
    return Panels(
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
    )


def ledger(rows: pd.DataFrame) -> pd.DataFrame:
    """Per decision day, time to trial and backlog age over all centres, and the backlog."""
    frame = pd.DataFrame({
        "measured": weighted_by_day(rows, "measured_mean_days_to_trial", "trials_started"),
        "true": weighted_by_day(rows, "backlog_mean_age_days", "backlog"),
        "over_1y_pct": weighted_by_day(rows, "backlog_over_1y_pct", "backlog"),
    })  # fmt: skip
    frame["backlog"] = rows.groupby("day")["backlog"].sum()
    return frame


def histogram_now(model: Any) -> Histogram:
    """Days to trial of the last weeks' trials; ages of the cases awaiting trial."""
    c, now = model.flow.cases, model.time
    begun, received = c["trial_start_day"], c["received_day"]
    started = (begun > now - WINDOW_DAYS) & (begun <= now)
    waiting = c["state"] == WAITING
    return histogram(begun[started] - received[started], now - received[waiting], _EDGES)


def notes(model: Any, ledger: pd.DataFrame) -> tuple[str, ...]:
    """The latest period's figures."""
    if ledger.empty:
        return ("No decision period yet (decisions every "
                f"{model.behaviour.decision_period_days:g} days).",)  # fmt: skip
    last = ledger.iloc[-1]
    return (
        f"Latest period (day {ledger.index[-1]:g}): mean time to trial "
        f"{last['measured']:.0f} days, mean age of the backlog "
        f"{last['true']:.0f} days",
        f"Backlog: {int(last['backlog'])} cases, {last['over_1y_pct']:.1f}% over a year old",
        "The two lines measure different cases: the dashboard's time to trial is that of "
        "the trials started (at first, old cases of the initial backlog, so it opens above "
        "the backlog's age); the truth is the age of the cases still waiting. The shaded "
        "warm-up is left out of every summary.",
    )


APP = AppSpec(
    title="Goodhart Crown Courts",
    scenario=SCENARIOS / "courts_time_to_trial.toml",
    capacity_note="courtrooms and sitting days",
    panels=panels,
    ledger=ledger,
    histogram=histogram_now,
    notes=notes,
)
