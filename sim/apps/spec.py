"""What a domain tells the apps about itself: its `AppSpec`, and the data its plots show.

A domain with an app names a module in `Domain.app` (e.g. ``"sim.hospital.app"``) whose
``APP`` is an `AppSpec`: the app's title and default scenario, what the capacity control
multiplies, and plain functions giving the plot titles (`Panels`), the ledger over time,
the histogram now (`Histogram`) and the status card's notes. Everything here is plain data
and numpy/pandas, so a domain's app module imports no user-interface library; the shared
controls, day stepping, plots and pages are in `sim.apps.common`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from sim.registry import domain_names, get_domain

if TYPE_CHECKING:
    from sim.experiments.scenario import Scenario



@dataclass(frozen=True)
class Histogram:
    """Counts of two distributions over the same bins (the last bin holds the overflow)."""

    edges: np.ndarray
    measured: np.ndarray
    true: np.ndarray


@dataclass(frozen=True)
class Panels:
    """Titles and labels of a domain's plots.

    Attributes:
        ledger_title: title of the plot of both ledgers over time.
        ledger_unit: its y-axis label.
        measured_label: legend entry of the measured ledger.
        true_label: legend entry of the true ledger.
        histogram_title: title of the histogram.
        histogram_unit: its x-axis label.
        histogram_measured: legend entry of the measured distribution.
        histogram_true: legend entry of the true distribution.
        histogram_marker: where to draw a dashed vertical line (e.g. at 4 hours), or None.
        target: where to draw the regime's target on the ledger plot, or None.
        target_label: legend entry of the target.
        percent: the ledger is a percentage (0-100).
        shade_gap: both ledgers measure the same thing, so the gap between them is shaded.
        histogram_shares: draw each group's shares (%), not counts.

    """

    ledger_title: str
    ledger_unit: str
    measured_label: str
    true_label: str
    histogram_title: str
    histogram_unit: str
    histogram_measured: str
    histogram_true: str
    histogram_marker: float | None = None
    target: float | None = None
    target_label: str = ""
    percent: bool = False
    shade_gap: bool = True
    histogram_shares: bool = False


@dataclass(frozen=True)
class AppSpec:
    """One domain's interactive app: what the shared app layer cannot know by itself.

    The `model` passed to the functions is the running day-stepped app model (an instance
    of the domain's Mesa model, built with the app's controls); they only read it.

    Attributes:
        title: the page's name, e.g. "Goodhart A&E".
        scenario: the scenario file the app opens by default (under the repository's
            ``scenarios/`` folder, `sim.domain.SCENARIOS`).
        capacity_note: what the capacity slider multiplies, in words, completing
            "Capacity: multiplies ..." (e.g. "clinicians, cubicles and beds").
        panels: given the model, the scenario (controls applied) and the regime's name,
            the titles and labels of the plots.
        ledger: given the period table so far (`model.period_rows` as a DataFrame, never
            empty), per decision day (the index) the ``measured`` and ``true`` figure over
            all units, plus any columns the notes read.
        histogram: given the model, both ledgers' distribution at the current time.
        notes: given the model and the latest `ledger` (empty before the first decision
            period), lines of text for the status card.

    """

    title: str
    scenario: Path
    capacity_note: str
    panels: Callable[[Any, Scenario, str], Panels]
    ledger: Callable[[pd.DataFrame], pd.DataFrame]
    histogram: Callable[[Any], Histogram]
    notes: Callable[[Any, pd.DataFrame], tuple[str, ...]]


def app_domains() -> list[str]:
    """Names of the registered domains that have an app, in registry order."""
    return [name for name in domain_names() if get_domain(name).app]


def app_spec(domain_name: str) -> AppSpec:
    """The `AppSpec` of a registered domain: the ``APP`` of the module its `Domain.app` names.

    Raises KeyError for an unknown domain and ValueError for a domain without an app.
    """
    domain = get_domain(domain_name)
    if not domain.app:
        raise ValueError(f"the '{domain_name}' domain has no app; allowed: {app_domains()}")
    spec = importlib.import_module(domain.app).APP
    if not isinstance(spec, AppSpec):
        raise TypeError(f"{domain.app}.APP is a {type(spec).__name__}, not an AppSpec")
    return spec


# ---- helpers for a domain's functions -------------------------------------------------------
def weighted_by_day(rows: pd.DataFrame, value: str, weight: str) -> pd.Series:
    """Per decision day, the mean of `value` over units weighted by `weight` (NaNs skipped)."""
    ok = rows[value].notna() & (rows[weight] > 0)
    part = rows[ok]
    total = (part[value] * part[weight]).groupby(part["day"]).sum()
    count = part[weight].groupby(part["day"]).sum()
    return (total / count).reindex(sorted(rows["day"].unique()))


def lever_means(rows: pd.DataFrame) -> pd.DataFrame:
    """Per decision day, the mean over units of every lever column."""
    if rows.empty:
        return pd.DataFrame()
    levers = [c for c in rows.columns if c.startswith("lever_")]
    frame = rows.groupby("day")[levers].mean()
    frame.columns = [c.removeprefix("lever_") for c in levers]
    return frame


def histogram(measured: np.ndarray, true: np.ndarray, edges: np.ndarray) -> Histogram:
    """Counts of both ledgers over `edges`, values past the last edge in the last bin."""
    top = edges[-1] - 1e-9
    return Histogram(
        edges,
        np.histogram(np.clip(measured, 0.0, top), edges)[0],
        np.histogram(np.clip(true, 0.0, top), edges)[0],
    )
