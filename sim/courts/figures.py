"""Crown Courts: time to trial and the age of the backlog by regime (from the cases table).

A time-to-trial KPI counts only trials that start. Listing the quickest cases first lowers
it while old cases wait longer: the distribution of time to trial moves left and the
backlog's age profile grows a tail.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from sim.figures.data import FigureSkipped, ResultFolder, load_folder
from sim.figures.plots import regime_handles, step_histogram
from sim.figures.style import (
    DOUBLE_COLUMN_IN,
    SINGLE_COLUMN_IN,
    Width,
    add_note,
    column_width,
    house_style,
    legend_columns,
    light_grid,
    new_figure,
    regime_colours,
    regime_label,
)

BIN_DAYS = 30.0
COLUMNS = ["regime", "replication", "received_day", "ptph_day", "trial_start_day", "outcome"]
YEAR_LINES = ((365.0, "1 y"), (730.0, "2 y"))


def _bins(values: list[np.ndarray]) -> np.ndarray:
    """30-day bins from 0 to past the largest value (at least a year)."""
    largest = max((float(np.max(v)) for v in values if len(v)), default=0.0)
    top = max(365.0, np.ceil(largest / BIN_DAYS) * BIN_DAYS)
    return np.arange(0.0, top + BIN_DAYS, BIN_DAYS)


def _awaiting_trial(cases: pd.DataFrame, days: float) -> pd.DataFrame:
    """Cases awaiting trial at the end: past the plea hearing, not tried, not concluded."""
    last_day = days - 1.0  # the model's last simulated day
    waiting = (
        (cases["outcome"].astype(str) == "still open")
        & cases["trial_start_day"].isna()
        & (cases["ptph_day"] <= last_day)
    )
    return cases[waiting]


def time_to_trial(folder: ResultFolder | str, width: Width = "double") -> Figure:
    """Distributions of time to trial and of the backlog's age at the end, by regime.

    (a) Days from receipt to the start of trial for trials started after the warm-up, as
    a share of those trials. (b) Age of the cases awaiting trial at the end of the run
    (mean count per run), with one- and two-year lines. `width` "single" stacks the two
    panels in a figure 3.5 in wide.
    """
    column_width(width)
    folder = load_folder(folder)
    if folder.domain != "courts":
        raise FigureSkipped("time to trial is a Crown Court figure")
    cases = folder.table("cases", COLUMNS)
    missing = sorted(set(COLUMNS) - set(cases.columns))
    if missing:
        raise FigureSkipped(f"cases.parquet lacks the columns {missing}")
    cases = cases.assign(regime=cases["regime"].astype(str))
    regimes = [r for r in folder.regimes if r in set(cases["regime"])]
    colours = regime_colours(folder.regimes)
    started = cases[cases["trial_start_day"] >= folder.warmup_days]
    delays = {
        r: (started["trial_start_day"] - started["received_day"])[started["regime"] == r]
        .to_numpy(dtype=float) for r in regimes
    }  # fmt: skip
    backlog = _awaiting_trial(cases, folder.days)
    ages = {
        r: (folder.days - backlog["received_day"])[backlog["regime"] == r].to_numpy(dtype=float)
        for r in regimes
    }
    if not any(len(v) for v in delays.values()) and not any(len(v) for v in ages.values()):
        raise FigureSkipped("no trial started after the warm-up and no case awaits trial")
    runs = cases.groupby("regime")["replication"].nunique()
    single = width == "single"
    with house_style():
        if single:
            figure = new_figure(SINGLE_COLUMN_IN, 4.3)
            left, right = figure.subplots(2, 1)
        else:
            figure = new_figure(DOUBLE_COLUMN_IN, 2.7)
            left, right = figure.subplots(1, 2)
        bins = _bins(list(delays.values()))
        for regime in regimes:
            if len(delays[regime]):
                step_histogram(left, delays[regime], bins, colours[regime],
                               100.0 / len(delays[regime]))  # fmt: skip
        left.set_xlabel("Time from receipt to trial (days)")
        left.set_ylabel("Trials started\n(% per 30 days)" if single
                        else "Trials started (% per 30 days)")  # fmt: skip
        left.set_title("(a) Time to trial", loc="left", fontweight="bold")
        bins = _bins(list(ages.values()))
        for regime in regimes:
            if len(ages[regime]):
                step_histogram(right, ages[regime], bins, colours[regime],
                               1.0 / max(int(runs.get(regime, 1)), 1))  # fmt: skip
        right.set_xlabel("Age of case at end of run (days)")
        right.set_ylabel("Cases awaiting trial\n(per run, per 30 days)")
        right.set_title("(b) Backlog age profile", loc="left", fontweight="bold")
        for axes in (left, right):
            light_grid(axes)
            axes.set_xlim(left=0.0)
            axes.set_ylim(bottom=0.0)
            for day, label in YEAR_LINES:
                if day < axes.get_xlim()[1]:
                    axes.axvline(day, color="#777777", linestyle="--", linewidth=0.7)
                    axes.text(day + 8, 0.97, label, transform=axes.get_xaxis_transform(),
                              ha="left", va="top", fontsize=7, color="#555555")  # fmt: skip
        ncols = len(regimes)
        if single:
            ncols = legend_columns([regime_label(r) for r in regimes], SINGLE_COLUMN_IN)
        figure.legend(handles=regime_handles(regimes, colours), loc="outside upper center",
                      ncols=ncols)  # fmt: skip
        add_note(figure, folder.source_note() + "; 30-day bins")
    return figure
