"""The police interactive app: what its plots show, over the default crime-targets scenario.

Controls (applied when you press Reset): regime, stakes, audit inspection chance, capacity
(a multiplier on every force's investigation hours), the share of reactive gamers and
rational maniacs, and the seed. Each Step (or each tick of Play) runs one simulated day;
the plots show crimes recorded per day (the dashboard) against crimes reported per day
(what should have been recorded) per fortnightly decision period, the last four weeks'
reports and recorded crimes by crime type (where under-recording falls), and the
registrars' and investigators' lever settings.

This module is plain data and functions (`APP`, named by the domain's `Domain.app`); the
page is the shared one of `sim.apps`. Start it in a browser with
``python -m sim.apps.launch police`` (or ``goodhart app police``). In Jupyter, make the
last expression of a cell::

    import sim.apps
    sim.apps.app("police")     # or scenario_path="scenarios/police_recording_audit.toml"
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from sim.apps.spec import AppSpec, Histogram, Panels, histogram
from sim.domain import SCENARIOS
from sim.experiments.scenario import Scenario
from sim.police.params import CRIME_TYPES

WINDOW_DAYS = 28.0  # the histogram shows the reports of the last four weeks
_EDGES = np.arange(len(CRIME_TYPES) + 1, dtype=float)  # one bin per crime type


def panels(model: Any, scenario: Scenario, regime: str) -> Panels:
    """The plots' titles (the same whatever the regime)."""
    kinds = ", ".join(f"{i} {name.replace('_', ' ')}" for i, name in enumerate(CRIME_TYPES))
    return Panels(
        ledger_title="Crimes recorded (the dashboard) and crimes reported (the truth)",
        ledger_unit="crimes per day, all forces",
        measured_label="measured: crimes recorded",
        true_label="true: crimes reported (all should be recorded)",
        histogram_title=f"Reports of the last {WINDOW_DAYS:g} days by type: recorded or not",
        histogram_unit=f"crime type ({kinds})",
        histogram_measured="recorded",
        histogram_true="reported",
    )


def ledger(rows: pd.DataFrame) -> pd.DataFrame:
    """Per decision day, recorded, reported and all crimes per day over all forces."""
    by_day = rows.groupby("day")
    return pd.DataFrame({
        "measured": by_day["recorded_per_day"].sum(),
        "true": by_day["reported_per_day"].sum(),
        "crimes": by_day["crimes_per_day"].sum(),
    })  # fmt: skip


def histogram_now(model: Any) -> Histogram:
    """Crime types of the last weeks' reports, and of those of them that were recorded."""
    c, now = model.flow.crimes, model.time
    recent = c["occurred"] & c["reported"] & (c["day"] > now - WINDOW_DAYS) & (c["day"] <= now)
    kind = c["type"].astype(float) + 0.5
    return histogram(kind[recent & c["recorded"]], kind[recent], _EDGES)


def notes(model: Any, ledger: pd.DataFrame) -> tuple[str, ...]:
    """The latest period's figures."""
    if ledger.empty:
        return ("No decision period yet (decisions every "
                f"{model.behaviour.decision_period_days:g} days).",)  # fmt: skip
    last = ledger.iloc[-1]
    unrecorded = 100.0 * (1.0 - last["measured"] / last["true"]) if last["true"] else 0.0
    return (
        f"Latest period (day {ledger.index[-1]:g}): {last['measured']:.0f} crimes recorded "
        f"a day of {last['true']:.0f} reported ({unrecorded:.1f}% not recorded) and "
        f"{last['crimes']:.0f} committed",
        "About 5% of reports go unrecorded by honest error; more is the registrars' "
        "under-recording. The shaded warm-up is left out of every summary.",
    )


APP = AppSpec(
    title="Goodhart Police",
    scenario=SCENARIOS / "police_crime_targets.toml",
    capacity_note="investigation hours",
    panels=panels,
    ledger=ledger,
    histogram=histogram_now,
    notes=notes,
)
