"""Police: recorded crime against crime, period by period and by regime (the periods table).

A crime-reduction target counts recorded crime. Leaving reports unrecorded lowers it while
crime itself, which a victim survey estimates independently of recording, does not fall:
the recorded line drops away from the crime line under the regimes where that pays.
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


def recorded_vs_crime(folder: ResultFolder | str, width: Width = "double") -> Figure:
    """Recorded crime and crime over the run, by regime, as % of their warm-up level.

    (a) Crimes recorded per day, all forces, each decision period, as a percentage of its
    mean over the warm-up (mean over replications). (b) Crimes per day (reported or not),
    the quantity a victim survey estimates, the same way. The warm-up is shaded. `width`
    "single" stacks the panels in a figure 3.5 in wide.
    """
    column_width(width)
    folder = load_folder(folder)
    if folder.domain != "police":
        raise FigureSkipped("recorded crime against crime is a police figure")
    periods = folder.table("periods", ["regime", "replication", "day", "recorded_per_day",
                                       "crimes_per_day"])  # fmt: skip
    if periods.empty:
        raise FigureSkipped("no decision period in the folder")
    periods = periods.assign(regime=periods["regime"].astype(str))
    totals = periods.groupby(["regime", "replication", "day"], sort=False)[
        ["recorded_per_day", "crimes_per_day"]].sum().reset_index()  # fmt: skip
    warm = folder.warmup_days
    baseline = totals[totals["day"] <= warm].groupby(["regime", "replication"])[
        ["recorded_per_day", "crimes_per_day"]].mean()  # fmt: skip
    if baseline.empty:
        raise FigureSkipped("no decision period in the warm-up to index against")
    indexed = totals.set_index(["regime", "replication"])
    for column in ("recorded_per_day", "crimes_per_day"):
        indexed[column] = 100.0 * indexed[column] / baseline[column].reindex(indexed.index)
    means = indexed.reset_index().groupby(["regime", "day"])[
        ["recorded_per_day", "crimes_per_day"]].mean()  # fmt: skip
    regimes = [r for r in folder.regimes if r in means.index.get_level_values(0)]
    colours = regime_colours(folder.regimes)
    single = width == "single"
    with house_style():
        if single:
            figure = new_figure(SINGLE_COLUMN_IN, 4.3)
            panels = figure.subplots(2, 1, sharex=True, sharey=True)
        else:
            figure = new_figure(DOUBLE_COLUMN_IN, 2.7)
            panels = figure.subplots(1, 2, sharey=True)
        titles = ("(a) Recorded crime (the dashboard)", "(b) Crime (what a survey estimates)")
        for axes, column, title in zip(panels, ("recorded_per_day", "crimes_per_day"), titles,
                                       strict=True):  # fmt: skip
            for regime in regimes:
                line = means.loc[regime]
                axes.plot(line.index, line[column], color=colours[regime], linewidth=1.0)
            axes.axvspan(0.0, warm, color="#eeeeee", zorder=0)
            axes.axhline(100.0, color="#777777", linestyle="--", linewidth=0.7)
            axes.set_title(title, loc="left", fontweight="bold")
            axes.set_xlabel("Day")
            light_grid(axes)
        panels[0].set_ylabel("Per day, % of the warm-up level")
        if single:
            panels[1].set_ylabel("Per day, % of the warm-up level")
        low = float(np.nanmin(means.to_numpy())) if means.size else 90.0
        panels[0].set_ylim(min(low, 95.0) - 3.0, None)
        ncols = len(regimes)
        if single:
            ncols = legend_columns([regime_label(r) for r in regimes], SINGLE_COLUMN_IN)
        figure.legend(handles=regime_handles(regimes, colours), loc="outside upper center",
                      ncols=ncols)  # fmt: skip
        add_note(figure, folder.source_note() + "; mean over replications; warm-up shaded")
    return figure
