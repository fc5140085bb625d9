"""The two ledgers by regime: the dashboard gap (measured vs true) and the harms.

Each panel shows every regime's mean over replications with its 95% t interval
(`sim.experiments.stats`). Open markers are the measured ledger (what the dashboard
shows), filled markers the true ledger (what happened to people).
"""

from __future__ import annotations

import math
import string

from matplotlib.axes import Axes
from matplotlib.figure import Figure

from sim.domain import MEASURED, TRUE, Panel
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
)

PANELS_PER_ROW = 4
SINGLE_PANELS_PER_ROW = 2
SINGLE_PLOT_IN = 1.25  # plotting width of a single-column panel, about


def _ledger_figure(
    folder: ResultFolder, panels: tuple[Panel, ...], legend: bool, width: Width
) -> Figure:
    metrics = {m.name: m for m in folder.domain_spec().metrics}
    runs = folder.summary
    drawn = available(panels, list(runs.columns))
    if not drawn:
        columns = sorted({s.column for p in panels for s in p.series})
        raise FigureSkipped(f"summary.parquet has none of the columns {columns}")
    regimes = [r for r in folder.regimes if r in set(runs["regime"].astype(str))]
    colours = regime_colours(folder.regimes)
    table = regime_means(runs, [s.column for p in drawn for s in p.series])
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
            room = None
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
        add_note(figure, folder.source_note() + interval_note(any_interval, folder.replications))
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


def dashboard_gap(folder: ResultFolder | str, width: Width = "double") -> Figure:
    """Measured vs true performance by regime, with 95% intervals.

    The panels are the domain's (`Domain.gap_panels`): for A&E, the share seen within 4
    hours and the mean time in department on both ledgers and their gap. `width` "single"
    draws the panels two a row, 3.5 in wide.
    """
    column_width(width)
    folder = load_folder(folder)
    panels = folder.domain_spec().gap_panels
    if not panels:
        raise FigureSkipped(f"no dashboard-gap figure for the '{folder.domain}' domain")
    return _ledger_figure(folder, panels, legend=True, width=width)


def harms(folder: ResultFolder | str, width: Width = "double") -> Figure:
    """Harms by regime, with 95% intervals.

    The panels are the domain's (`Domain.harm_panels`). `width` "single" draws the panels
    two a row, 3.5 in wide.
    """
    column_width(width)
    folder = load_folder(folder)
    panels = folder.domain_spec().harm_panels
    if not panels:
        raise FigureSkipped(f"no harms figure for the '{folder.domain}' domain")
    return _ledger_figure(folder, panels, legend=False, width=width)
