"""The two ledgers by regime: the dashboard gap (measured vs true) and the harms.

Each panel shows every regime's mean over replications with its 95% t interval
(`sim.experiments.stats`), or, in the `_differences` figures, each regime's paired
difference from the reference regime (no target, if the scenario has it): replication by
replication on the same arrivals, which is what the design is built to estimate and far
tighter than the overlap of two marginal intervals suggests. Open markers are the
measured ledger (what the dashboard shows), filled markers the true ledger (what happened
to people).
"""

from __future__ import annotations

import math
import string
from dataclasses import replace

from matplotlib.axes import Axes
from matplotlib.figure import Figure

from sim.domain import MEASURED, TRUE, Panel
from sim.experiments.stats import paired_differences
from sim.figures.data import FigureSkipped, ResultFolder, load_folder
from sim.figures.plots import (
    available,
    axis_label,
    draw_regime_points,
    interval_note,
    regime_means,
    series_handles,
)
from sim.figures.style import (
    DOUBLE_COLUMN_IN,
    SINGLE_COLUMN_IN,
    Width,
    add_note,
    column_width,
    house_style,
    legend_columns,
    new_figure,
    regime_colours,
    regime_label,
)

PANELS_PER_ROW = 4
DOUBLE_LABEL_IN = 0.75  # of a double-column panel's width, what its axis label takes
SINGLE_PANELS_PER_ROW = 2
SINGLE_PLOT_IN = 1.25  # plotting width of a single-column panel, about


def _ledger_figure(
    folder: ResultFolder, panels: tuple[Panel, ...], legend: bool, width: Width,
    paired: bool = False,
) -> Figure:
    metrics = {m.name: m for m in folder.domain_spec().metrics}
    runs = folder.summary
    drawn = available(panels, list(runs.columns))
    if not drawn:
        columns = sorted({s.column for p in panels for s in p.series})
        raise FigureSkipped(f"summary.parquet has none of the columns {columns}")
    regimes = [r for r in folder.regimes if r in set(runs["regime"].astype(str))]
    colours = regime_colours(folder.regimes)
    columns_drawn = [s.column for p in drawn for s in p.series]
    if paired:
        if len(regimes) < 2:
            raise FigureSkipped("paired differences need at least two regimes")
        reference = "none" if "none" in regimes else regimes[0]
        frame = runs[["regime", "replication", *columns_drawn]].copy()
        frame["regime"] = frame["regime"].astype(str)
        table = paired_differences(frame, columns_drawn, reference).rename(
            columns={"difference": "mean"})
        regimes = [r for r in regimes if r != reference]
        drawn = [replace(panel, zero_line=True) for panel in drawn]
    else:
        table = regime_means(runs, columns_drawn)
    if width == "single":  # two panels a row, each about 1.7 in wide
        columns = min(len(drawn), SINGLE_PANELS_PER_ROW)
    elif len(drawn) <= PANELS_PER_ROW:
        columns = len(drawn)
    else:
        columns = math.ceil(len(drawn) / 2)
    rows = math.ceil(len(drawn) / columns)
    with house_style():
        if width == "single":
            figure = new_figure(SINGLE_COLUMN_IN, 0.45 + 1.9 * rows)
            grid = _centred_grid(figure, rows, columns, len(drawn))
            room = SINGLE_PLOT_IN
        else:
            figure = new_figure(DOUBLE_COLUMN_IN, 0.3 + 2.2 * rows)
            grid = figure.subplots(rows, columns, squeeze=False).ravel()
            for spare in grid[len(drawn) :]:
                spare.set_visible(False)
            room = DOUBLE_COLUMN_IN / columns - DOUBLE_LABEL_IN
        any_interval = False
        for letter, axes, panel in zip(string.ascii_lowercase, grid, drawn, strict=False):
            ylabel = axis_label(panel, metrics, short=width == "single")
            any_interval |= draw_regime_points(axes, table, panel, regimes, colours, ylabel, room)
            axes.set_title(f"({letter})", loc="left", fontweight="bold")
        if legend:
            shown = {s.label: s for p in drawn for s in p.series if s.label in (MEASURED, TRUE)}
            ncols = len(shown)
            if width == "single":
                ncols = legend_columns(list(shown), SINGLE_COLUMN_IN)
            figure.legend(
                handles=series_handles(list(shown.values())), loc="outside upper center",
                ncols=ncols,
            )  # fmt: skip
        note = folder.source_note() + interval_note(any_interval, folder.replications)
        if paired:
            figure.suptitle(f"Difference from {regime_label(reference)}, paired by replication",
                            fontsize="medium")  # fmt: skip
            bars = "; bars: 95% t intervals of the paired differences"
            note = (f"Each regime minus {regime_label(reference)}, paired by replication "
                    "(same arrivals); "
                    + note.replace("; bars: 95% t intervals over replications", bars))
        add_note(figure, note)
    return figure


def _centred_grid(figure: Figure, rows: int, columns: int, count: int) -> list[Axes]:
    """`count` panels filling a rows x columns grid row by row, a short last row centred."""
    spec = figure.add_gridspec(rows, 2 * columns)
    panels = []
    for index in range(count):
        row, col = divmod(index, columns)
        in_row = min(columns, count - row * columns)
        start = 2 * col + (columns - in_row)
        panels.append(figure.add_subplot(spec[row, start : start + 2]))
    return panels


def _panels(folder: ResultFolder, kind: str) -> tuple[Panel, ...]:
    """The domain's panels of a figure kind ("gap" or "harm"), or FigureSkipped."""
    spec = folder.domain_spec()
    panels = spec.gap_panels if kind == "gap" else spec.harm_panels
    if not panels:
        title = "dashboard-gap" if kind == "gap" else "harms"
        raise FigureSkipped(f"no {title} figure for the '{folder.domain}' domain")
    return panels


def dashboard_gap(folder: ResultFolder | str, width: Width = "double") -> Figure:
    """Measured vs true performance by regime, with 95% intervals.

    The panels are the domain's (`Domain.gap_panels`): for A&E, the share seen within 4
    hours and the mean time in department on both ledgers and their gap. `width` "single"
    draws the panels two a row, 3.5 in wide.
    """
    column_width(width)
    folder = load_folder(folder)
    return _ledger_figure(folder, _panels(folder, "gap"), legend=True, width=width)


def harms(folder: ResultFolder | str, width: Width = "double") -> Figure:
    """Harms by regime, with 95% intervals.

    The panels are the domain's (`Domain.harm_panels`). `width` "single" draws the panels
    two a row, 3.5 in wide.
    """
    column_width(width)
    folder = load_folder(folder)
    return _ledger_figure(folder, _panels(folder, "harm"), legend=False, width=width)


def harm_differences(folder: ResultFolder | str, width: Width = "double") -> Figure:
    """Each regime's paired difference from no target in every harm, with 95% intervals."""
    column_width(width)
    folder = load_folder(folder)
    return _ledger_figure(folder, _panels(folder, "harm"), legend=False, width=width,
                          paired=True)  # fmt: skip


def gap_differences(folder: ResultFolder | str, width: Width = "double") -> Figure:
    """Each regime's paired difference from no target on both ledgers, with 95% intervals."""
    column_width(width)
    folder = load_folder(folder)
    return _ledger_figure(folder, _panels(folder, "gap"), legend=True, width=width,
                          paired=True)  # fmt: skip
