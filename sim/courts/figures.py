"""Crown Courts: time to trial and the age of the backlog by regime (from the cases table).

A time-to-trial KPI counts only trials that start. Listing the quickest cases first lowers
it while old cases wait longer: the distribution of time to trial moves left and the
backlog's age profile grows a tail.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from sim.courts.histograms import BIN_DAYS, EDGES
from sim.figures.data import FigureSkipped, ResultFolder, load_folder
from sim.figures.plots import regime_handles
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

YEAR_LINES = ((365.0, "1 y"), (730.0, "2 y"))


def _shown_edges(series: list[np.ndarray]) -> np.ndarray:
    """Bin edges from 0 to past the last bin any series fills (at least a year)."""
    filled = [np.flatnonzero(counts[:-1]) for counts in series]
    last = max((int(f[-1]) for f in filled if len(f)), default=0)
    top = max(365.0, (last + 1) * BIN_DAYS)
    return EDGES[: int(top / BIN_DAYS) + 1]


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
    counts = folder.histograms()  # binned days of each run (no per-case table needed)
    counts = counts.assign(regime=counts["regime"].astype(str))
    regimes = [r for r in folder.regimes if r in set(counts["regime"])]
    colours = regime_colours(folder.regimes)
    pooled = counts.groupby(["series", "regime", "bin"], sort=False)["count"].sum()

    def series(name: str) -> dict[str, np.ndarray]:
        present = pooled.loc[name] if name in pooled.index.get_level_values(0) else None
        return {r: present.loc[r].sort_index().to_numpy(dtype=float) for r in regimes
                if present is not None and r in present.index.get_level_values(0)}  # fmt: skip

    delays, ages = series("delay"), series("backlog_age")
    if not any(v.sum() for v in delays.values()) and not any(v.sum() for v in ages.values()):
        raise FigureSkipped("no trial started after the warm-up and no case awaits trial")
    runs = counts.groupby("regime")["replication"].nunique()
    single = width == "single"
    with house_style():
        if single:
            figure = new_figure(SINGLE_COLUMN_IN, 4.3)
            left, right = figure.subplots(2, 1)
        else:
            figure = new_figure(DOUBLE_COLUMN_IN, 2.7)
            left, right = figure.subplots(1, 2)
        bins = _shown_edges(list(delays.values()))
        for regime, values in delays.items():
            if values.sum() > 0:
                left.stairs(100.0 * values[: len(bins) - 1] / values.sum(), bins,
                            color=colours[regime], linewidth=1.0)  # fmt: skip
        left.set_xlabel("Time from receipt to trial (days)")
        left.set_ylabel("Trials started\n(% per 30 days)" if single
                        else "Trials started (% per 30 days)")  # fmt: skip
        left.set_title("(a) Time to trial", loc="left", fontweight="bold")
        bins = _shown_edges(list(ages.values()))
        for regime, values in ages.items():
            if values.sum() > 0:
                right.stairs(values[: len(bins) - 1] / max(int(runs.get(regime, 1)), 1), bins,
                             color=colours[regime], linewidth=1.0)  # fmt: skip
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
