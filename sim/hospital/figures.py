"""A&E: the distribution of time in department by regime (the 4-hour 'spike').

Mason et al. (2012, Emerg Med J 29:437) showed English EDs' recorded times piling up just
before 240 minutes, most sharply for admitted patients. This figure draws that picture for
each regime, on the clock the dashboard reads (clock start to clock stop) and on the time
the patient really spent (arrival to leaving), admitted and discharged patients apart.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

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
from sim.hospital.histograms import EDGES, TOP_MIN

THRESHOLD_MIN = 240.0
DISPOSITIONS = (("admitted", "Admitted"), ("discharged", "Discharged"))
CLOCKS = (
    ("measured_min", "Measured clock\n(% of patients per 10 min)"),
    ("true_min", "True time in department\n(% of patients per 10 min)"),
)
SINGLE_CLOCKS = (
    ("measured_min", "Measured clock\n(% per 10 min)"),
    ("true_min", "True time\n(% per 10 min)"),
)


def time_in_department(folder: ResultFolder | str, width: Width = "double") -> Figure:
    """Histograms of time in department by regime, with the 240-minute line.

    Columns: admitted and discharged patients. Rows: the measured clock and the true time
    in department. Patients who arrived during the warm-up or were still in the
    department at the end are left out; stays over 12 hours are counted in the
    percentages but fall beyond the axis. `width` "single" draws the same 2 x 2 grid 3.5 in
    wide, with shorter axis labels and fewer ticks.
    """
    column_width(width)
    folder = load_folder(folder)
    if folder.domain != "hospital":
        raise FigureSkipped("time in department is an A&E figure")
    counts = folder.histograms()  # binned stays of each run (no per-patient table needed)
    counts = counts.assign(regime=counts["regime"].astype(str))
    pooled = counts.groupby(["regime", "series", "bin"], sort=False)["count"].sum()
    regimes = [r for r in folder.regimes if r in set(counts["regime"])]
    if not regimes or pooled.sum() == 0:
        raise FigureSkipped("no patient departed after the warm-up")
    colours = regime_colours(folder.regimes)
    bins = EDGES[:-1]  # drawn up to TOP_MIN; longer stays count in the percentages only
    single = width == "single"
    with house_style():
        figure = new_figure(SINGLE_COLUMN_IN, 3.9) if single else new_figure(DOUBLE_COLUMN_IN, 4.2)
        grid = figure.subplots(2, 2, sharex=True, sharey="col")
        for row, (clock, ylabel) in enumerate(SINGLE_CLOCKS if single else CLOCKS):
            for col, (disposition, title) in enumerate(DISPOSITIONS):
                axes = grid[row, col]
                for regime in regimes:
                    key = (regime, f"{disposition}/{clock}")
                    if key not in pooled.index.droplevel("bin"):
                        continue
                    series = pooled.loc[key].sort_index().to_numpy(dtype=float)
                    if series.sum() > 0:
                        axes.stairs(100.0 * series[:-1] / series.sum(), bins,
                                    color=colours[regime], linewidth=1.0)  # fmt: skip
                axes.axvline(THRESHOLD_MIN, color="#777777", linestyle="--", linewidth=0.7)
                light_grid(axes)
                if row == 0:
                    axes.set_title(title)
                    axes.text(THRESHOLD_MIN + 6, 0.97, "4 h", transform=axes.get_xaxis_transform(),
                              ha="left", va="top", fontsize=7, color="#555555")  # fmt: skip
                if col == 0:
                    axes.set_ylabel(ylabel)
                if row == 1:
                    axes.set_xlabel("Time (min)" if single else "Time in department (min)")
                axes.set_xlim(0.0, TOP_MIN)
                axes.set_xticks(np.arange(0.0, TOP_MIN + 1, 240.0 if single else 120.0))
                if single:
                    axes.set_xticks(np.arange(120.0, TOP_MIN, 240.0), minor=True)
                axes.set_ylim(bottom=0.0)
        ncols = len(regimes)
        if single:
            ncols = legend_columns([regime_label(r) for r in regimes], SINGLE_COLUMN_IN)
        figure.legend(handles=regime_handles(regimes, colours), loc="outside upper center",
                      ncols=ncols)  # fmt: skip
        add_note(figure, folder.source_note() + "; 10-minute bins, pooled over replications")
    return figure
