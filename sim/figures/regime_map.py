"""The regime map: where, over a grid of two parameters, each regime beats no target.

From a grid sweep over two parameters (say how easily the service can improve and how
credible audit is), each cell is a regime's paired difference from the reference regime on
the domain's true-ledger outcome (`Domain.outcome`: for A&E the true mean time in
department, for the Crown Court the share of the backlog over a year old), mean over
replications, marked where the 95% interval excludes zero: "better" where the regime does
better for the people served than the reference, "worse" where it does worse. Where the
marks change is the boundary between a target that buys real gains and one that buys only
a better dashboard.
"""

from __future__ import annotations

import math
import string
import textwrap

import numpy as np
import pandas as pd
from matplotlib.colors import TwoSlopeNorm
from matplotlib.figure import Figure

from sim.experiments.stats import t_interval
from sim.figures.data import FigureSkipped, ResultFolder, load_folder
from sim.figures.style import (
    DOUBLE_COLUMN_IN,
    SINGLE_COLUMN_IN,
    Width,
    add_note,
    column_width,
    house_style,
    new_figure,
    regime_label,
)
from sim.figures.sweeps import value_label


def paired_grid(runs: pd.DataFrame, x: str, y: str, metric: str, regime: str,
                reference: str) -> tuple[list, list, np.ndarray, np.ndarray]:  # fmt: skip
    """Mean paired difference (regime − reference) per grid cell, and its significance.

    Returns the x and y values, the means (rows y, columns x) and a sign array: +1 where
    the 95% t interval lies above zero, -1 below, 0 otherwise (or too few pairs).
    """
    xs, ys = sorted(runs[x].unique()), sorted(runs[y].unique())
    means = np.full((len(ys), len(xs)), np.nan)
    signs = np.zeros((len(ys), len(xs)))
    wide = runs.pivot_table(index=["point", "replication"], columns="regime", values=metric)
    where = runs.drop_duplicates("point").set_index("point")[[x, y]]
    for point, group in wide.groupby(level="point"):
        if regime not in group or reference not in group:
            continue
        mean, low, high = t_interval((group[regime] - group[reference]).to_numpy(float))
        row, col = ys.index(where.at[point, y]), xs.index(where.at[point, x])
        means[row, col] = mean
        if math.isfinite(low) and low > 0:
            signs[row, col] = 1
        elif math.isfinite(high) and high < 0:
            signs[row, col] = -1
    return xs, ys, means, signs


def regime_map(folder: ResultFolder | str, width: Width = "double") -> Figure:
    """Each regime minus the reference on the true outcome, over a two-parameter grid."""
    column_width(width)
    folder = load_folder(folder)
    domain = folder.domain_spec()
    if not domain.outcome:
        raise FigureSkipped(f"the '{folder.domain}' domain declares no true outcome to map")
    design = folder.design
    params = [p for p in design.get("parameters", {}) if p in folder.summary.columns]
    if design.get("design") != "grid" or len(params) != 2:
        raise FigureSkipped("the regime map needs a grid sweep over exactly two parameters")
    runs = folder.summary.assign(regime=folder.summary["regime"].astype(str))
    regimes = [r for r in folder.regimes if r in set(runs["regime"])]
    reference = "none" if "none" in regimes else regimes[0]
    others = [r for r in regimes if r != reference]
    metric = domain.outcome
    if not others or metric not in runs.columns:
        raise FigureSkipped("the regime map needs two or more regimes and the true outcome")
    x, y = params
    grids = {r: paired_grid(runs, x, y, metric, r, reference) for r in others}
    values = np.concatenate([g[2].ravel() for g in grids.values()])
    values = values[np.isfinite(values)]
    if not len(values):
        raise FigureSkipped("no design point has paired runs of a regime and the reference")
    bound = max(float(np.abs(values).max()), 1e-9)
    better = domain.metric(metric).better
    cmap = "PuOr_r" if better == "lower" else "PuOr"  # purple: better for people
    norm = TwoSlopeNorm(0.0, -bound, bound)
    single = width == "single"
    with house_style():
        if single:
            figure = new_figure(SINGLE_COLUMN_IN, 1.2 + 1.6 * len(others))
            panels = figure.subplots(len(others), 1, squeeze=False)[:, 0]
        else:
            figure = new_figure(min(DOUBLE_COLUMN_IN, 1.2 + 2.4 * len(others)), 2.8)
            panels = figure.subplots(1, len(others), sharey=True, squeeze=False)[0]
        image = None
        for letter, axes, regime in zip(string.ascii_lowercase, panels, others, strict=False):
            xs, ys, means, signs = grids[regime]
            image = axes.imshow(means, origin="lower", aspect="auto", cmap=cmap, norm=norm)
            for (row, col), value in np.ndenumerate(means):
                if math.isfinite(value):
                    verdict = int(signs[row, col]) * (-1 if better == "lower" else 1)
                    mark = {1: "\nbetter", -1: "\nworse", 0: ""}[verdict]
                    shade = image.cmap(image.norm(value))
                    dark = 0.299 * shade[0] + 0.587 * shade[1] + 0.114 * shade[2] < 0.5
                    axes.text(col, row, f"{value:.2g}{mark}", ha="center", va="center",
                              fontsize=6, color="white" if dark else "black")  # fmt: skip
            axes.set_xticks(range(len(xs)), [value_label(v) for v in xs])
            axes.set_yticks(range(len(ys)), [value_label(v) for v in ys])
            axes.set_xlabel(x)
            axes.set_title(f"({letter}) {regime_label(regime)} \u2212 "
                           f"{regime_label(reference)}", loc="left", fontweight="bold")  # fmt: skip
        panels[0].set_ylabel(y)
        bar = figure.colorbar(image, ax=list(panels), shrink=0.9, pad=0.02,
                              location="bottom" if single else "right")  # fmt: skip
        bar.set_label(textwrap.fill(f"{domain.metric(metric).axis_label}, difference "
                                    "(purple: better for people)", 34))
        add_note(figure, folder.source_note() + "; cells: mean paired difference; better/"
                 "worse: its 95% t interval excludes zero")  # fmt: skip
    return figure
