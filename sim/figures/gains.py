"""How much of the dashboard's gain is real: measured gain = true gain + gaming gain.

Each regime's measured gain over the reference regime, split into the true gain and the
gaming gain, paired by replication. Drawn from the summary table of a comparison, for
domains that declare which measured, true and gap metrics describe the same quantity
(`Domain.gain`).
"""

from __future__ import annotations

import math
import textwrap

import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from sim.experiments.stats import gain_split
from sim.figures.data import FigureSkipped, ResultFolder, load_folder
from sim.figures.plots import interval_note
from sim.figures.style import (
    DOUBLE_COLUMN_IN,
    SINGLE_COLUMN_IN,
    Width,
    add_note,
    column_width,
    house_style,
    light_grid,
    new_figure,
    regime_colours,
    regime_label,
)

TRUE_COLOUR = "#0072B2"  # Okabe-Ito blue: what happened to people
GAMING_COLOUR = "#E69F00"  # Okabe-Ito orange: what only the dashboard shows


def real_gain(folder: ResultFolder | str, width: Width = "double") -> Figure:
    """Stacked bars: each regime's true gain and gaming gain over the reference regime.

    The bars add up to the measured gain (a black diamond with its 95% interval); each part
    has its own paired 95% interval. The reference is "none" when the comparison has it,
    otherwise the first regime.
    """
    column_width(width)
    folder = load_folder(folder)
    split = folder.domain_spec().gain
    if split is None:
        raise FigureSkipped(f"the '{folder.domain}' domain declares no measured/true split")
    runs = folder.summary
    if folder.kind == "sweep" or len(set(runs["regime"].astype(str))) < 2:
        raise FigureSkipped("the split needs a comparison of two or more regimes")
    missing = [m for m in vars(split).values() if m not in runs.columns]
    if missing:
        raise FigureSkipped(f"summary.parquet lacks {missing}")
    regimes = [r for r in folder.regimes if r in set(runs["regime"].astype(str))]
    reference = "none" if "none" in regimes else regimes[0]
    table = gain_split(runs.assign(regime=runs["regime"].astype(str)), split.measured,
                       split.true, split.gaming, reference)  # fmt: skip
    if table.empty:
        raise FigureSkipped("no regime can be paired with the reference")
    table = table.set_index("regime").loc[[r for r in regimes if r != reference]]
    unit = folder.domain_spec().metric(split.measured).unit
    label = folder.domain_spec().metric(split.measured).label
    colours = regime_colours(folder.regimes)
    positions = np.arange(len(table))
    any_interval = False
    with house_style():
        figure = new_figure(SINGLE_COLUMN_IN if width == "single" else DOUBLE_COLUMN_IN / 2 + 0.6,
                            2.8)  # fmt: skip
        axes = figure.subplots()
        true, gaming = table["true_gain"].to_numpy(), table["gaming_gain"].to_numpy()
        # stack gaming on top of the true gain, each part from where the last ended
        axes.bar(positions, true, width=0.55, color=TRUE_COLOUR, label="True gain")
        axes.bar(positions, gaming, width=0.55, bottom=true, color=GAMING_COLOUR,
                 label="Gaming gain (dashboard only)")  # fmt: skip
        for i, (regime, row) in enumerate(table.iterrows()):
            for value, low, high, offset, colour in (
                (row["true_gain"], row["true_low"], row["true_high"], -0.12, "#003F66"),
                (row["true_gain"] + row["gaming_gain"], row["true_gain"] + row["gaming_low"],
                 row["true_gain"] + row["gaming_high"], 0.12, "#7A5500"),
            ):  # fmt: skip
                if math.isfinite(low) and math.isfinite(high):
                    axes.errorbar(i + offset, value, yerr=[[value - low], [high - value]],
                                  fmt="none", ecolor=colour, elinewidth=0.8, capsize=2)  # fmt: skip
                    any_interval = True
            measured, low, high = row["measured_gain"], row["measured_low"], row["measured_high"]
            yerr = None
            if math.isfinite(low) and math.isfinite(high):
                yerr = [[measured - low], [high - measured]]
            axes.errorbar(i + 0.36, measured, yerr=yerr, fmt="D", color=colours[regime],
                          markeredgecolor="black", markersize=4, elinewidth=0.8,
                          capsize=2)  # fmt: skip
        axes.axhline(0.0, color="#888888", linewidth=0.6)
        axes.set_xticks(positions, [f"{regime_label(r)}\n\u2212 {regime_label(reference)}"
                                    for r in table.index])  # fmt: skip
        axes.set_xlim(-0.6, len(table) - 0.2)
        axes.set_ylabel(f"Gain over {regime_label(reference).lower()} ({unit})")
        axes.set_title(textwrap.fill(label, 40), fontsize=8)
        light_grid(axes)
        handles = [Patch(color=TRUE_COLOUR, label="True gain"),
                   Patch(color=GAMING_COLOUR, label="Gaming gain (dashboard only)"),
                   Line2D([], [], marker="D", color="#777777", markeredgecolor="black",
                          linestyle="none", label="Measured gain")]  # fmt: skip
        figure.legend(handles=handles, loc="outside upper center", ncols=1 if width == "single"
                      else 2)  # fmt: skip
        add_note(figure, folder.source_note() + "; paired by replication"
                 + interval_note(any_interval, folder.replications))  # fmt: skip
    return figure
