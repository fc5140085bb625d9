"""Sweeps: an output across swept parameters, and sensitivity indices from 'goodhart analyse'.

The default output is the domain's headline gap or harm: the measured minus true 4-hour
gap for A&E, the share of the court backlog over a year old for Crown Courts (the same
defaults as the analysis), and otherwise the sensitivity analysis' output.
"""

from __future__ import annotations

import math
import string
import textwrap

import numpy as np
import pandas as pd
from matplotlib.colors import Normalize, TwoSlopeNorm
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from sim.experiments.stats import regime_table
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

SENSITIVITY_PANELS = {
    "sobol": (("S1", "S1_conf", "First-order Sobol index S1"),
              ("ST", "ST_conf", "Total-order Sobol index ST")),
    "morris": (("mu_star", "mu_star_conf", "Morris \u03bc* (mean |elementary effect|)"),
               ("sigma", None, "Morris \u03c3 (spread of elementary effects)")),
}  # fmt: skip
ERROR_BARS = {"elinewidth": 0.7, "capsize": 1.5, "ecolor": "#444444"}


def _output(folder: ResultFolder, runs: pd.DataFrame, metric: str | None) -> str:
    if metric is None:
        metric = folder.domain_spec().sensitivity_output or None
    if metric is None or metric not in runs.columns:
        raise FigureSkipped(f"the runs have no column '{metric}' to draw")
    return metric


def output_label(folder: ResultFolder, metric: str) -> str:
    """A metric's label and unit from the domain's catalogue (its name if not catalogued)."""
    try:
        return textwrap.fill(folder.domain_spec().metric(metric).axis_label, 28)
    except (KeyError, FigureSkipped):
        return metric


def _sorted_values(values: pd.Series) -> list:
    unique = list(dict.fromkeys(values.tolist()))
    try:
        return sorted(unique)
    except TypeError:
        return unique


def value_label(value: object) -> str:
    """A design value as a tick label: floats without trailing zeros."""
    return f"{value:g}" if isinstance(value, float) else str(value)


def sweep_heatmap(
    folder: ResultFolder | str, metric: str | None = None, width: Width = "double"
) -> Figure:
    """An output over the swept parameters of a grid, by regime.

    Two or more parameters: one heatmap per regime over the first two, each cell the mean
    over replications (and over any further parameters) with its value written in, on one
    colour scale. One parameter: the mean and 95% t interval against its values (a
    single-column figure at either `width`). `width` "single" stacks the heatmaps in a
    figure 3.5 in wide, with the colour bar below them.
    """
    column_width(width)
    folder = load_folder(folder)
    if folder.kind != "sweep":
        raise FigureSkipped("sweep figures need a results store written by 'goodhart sweep'")
    design = folder.design
    if design.get("design") != "grid":
        raise FigureSkipped(
            f"a {design.get('design', 'sampled')} design has no grid to draw; the "
            "sensitivity figure covers it"
        )
    params = [p for p in design.get("parameters", {}) if p in folder.summary.columns]
    if not params:
        raise FigureSkipped("the runs have no swept parameter columns")
    runs = folder.summary
    metric = _output(folder, runs, metric)
    regimes = [r for r in folder.regimes if r in set(runs["regime"].astype(str))]
    if len(params) == 1:
        return _sweep_lines(folder, runs, params[0], metric, regimes)
    return _sweep_heatmaps(folder, runs, params, metric, regimes, width)


def _sweep_lines(folder: ResultFolder, runs: pd.DataFrame, param: str, metric: str,
                 regimes: list[str]) -> Figure:  # fmt: skip
    table = regime_table(runs.assign(regime=runs["regime"].astype(str)), [metric], by=[param])
    colours = regime_colours(folder.regimes)
    with house_style():
        figure = new_figure(SINGLE_COLUMN_IN, 2.8)
        axes = figure.subplots()
        numeric = pd.api.types.is_numeric_dtype(runs[param])
        order = _sorted_values(runs[param])
        for regime in regimes:
            rows = table[table["regime"] == regime].set_index(param).reindex(order)
            x = np.asarray(order, dtype=float) if numeric else np.arange(len(order))
            axes.plot(x, rows["mean"], color=colours[regime], marker="o")
            axes.fill_between(x, rows["t_low"], rows["t_high"], color=colours[regime],
                              alpha=0.15, linewidth=0)  # fmt: skip
        if not numeric:
            axes.set_xticks(range(len(order)), [value_label(v) for v in order])
        axes.set_xlabel(param)
        axes.set_ylabel(output_label(folder, metric))
        light_grid(axes)
        figure.legend(handles=regime_handles(regimes, colours), loc="outside upper center",
                      ncols=len(regimes))  # fmt: skip
        add_note(figure, folder.source_note() + "; bands: 95% t intervals")
    return figure


def _sweep_heatmaps(folder: ResultFolder, runs: pd.DataFrame, params: list[str], metric: str,
                    regimes: list[str], width: Width) -> Figure:  # fmt: skip
    x_param, y_param = params[0], params[1]
    x_values, y_values = _sorted_values(runs[x_param]), _sorted_values(runs[y_param])
    grids = {}
    for regime in regimes:
        block = runs[runs["regime"].astype(str) == regime]
        means = block.groupby([y_param, x_param])[metric].mean().unstack(x_param)
        grids[regime] = means.reindex(index=y_values, columns=x_values).to_numpy(dtype=float)
    values = np.concatenate([g.ravel() for g in grids.values()])
    values = values[np.isfinite(values)]
    if not len(values):
        raise FigureSkipped(f"'{metric}' has no finite value in any finished run")
    low, high = float(values.min()), float(values.max())
    if low < 0.0 < high:
        bound = max(-low, high)
        norm, cmap = TwoSlopeNorm(0.0, -bound, bound), "PuOr_r"
    else:
        norm, cmap = Normalize(low, high if high > low else low + 1.0), "cividis"
    single = width == "single"
    with house_style():
        if single:  # one heatmap a row, sharing the x axis, the colour bar below
            panel_in = max(0.9, 0.2 * len(y_values) + 0.3)
            figure = new_figure(SINGLE_COLUMN_IN, 1.3 + panel_in * len(regimes))
            panels = figure.subplots(len(regimes), 1, sharex=True, squeeze=False)[:, 0]
        else:
            columns = len(regimes)
            figure = new_figure(min(DOUBLE_COLUMN_IN, 1.0 + 2.0 * columns), 2.6)
            panels = figure.subplots(1, columns, sharey=True, squeeze=False)[0]
        image = None
        for letter, axes, regime in zip(string.ascii_lowercase, panels, regimes, strict=False):
            grid = grids[regime]
            image = axes.imshow(grid, origin="lower", aspect="auto", cmap=cmap, norm=norm)
            for (row, col), value in np.ndenumerate(grid):
                if math.isfinite(value):
                    shade = image.cmap(image.norm(value))
                    dark = 0.299 * shade[0] + 0.587 * shade[1] + 0.114 * shade[2] < 0.5
                    axes.text(col, row, f"{value:.2g}", ha="center", va="center", fontsize=6,
                              color="white" if dark else "black")  # fmt: skip
            axes.set_xticks(range(len(x_values)), [value_label(v) for v in x_values])
            axes.set_yticks(range(len(y_values)), [value_label(v) for v in y_values])
            if not single or axes is panels[-1]:
                axes.set_xlabel(x_param)
            axes.set_title(f"({letter}) {regime_label(regime)}", loc="left", fontweight="bold")
            for side in ("top", "right"):
                axes.spines[side].set_visible(True)
        label = output_label(folder, metric)
        if single:
            figure.supylabel(y_param, fontsize=8)
            bar = figure.colorbar(image, ax=list(panels), location="bottom", shrink=0.9,
                                  aspect=30, pad=0.02)  # fmt: skip
            bar.set_label(label.replace("\n", " "))
        else:
            panels[0].set_ylabel(y_param)
            bar = figure.colorbar(image, ax=list(panels), shrink=0.9, pad=0.02)
            bar.set_label(label)
        note = folder.source_note() + "; cells: mean over replications"
        if len(params) > 2:
            note += f" and over {', '.join(params[2:])}"
        add_note(figure, note)
    return figure


def sensitivity_bars(folder: ResultFolder | str, width: Width = "double") -> Figure:
    """Sobol (S1, ST) or Morris (μ*, σ) indices of the analysed output, by regime.

    Read from analysis/sensitivity.parquet written by 'goodhart analyse'; error bars are
    SALib's 95% confidence intervals. `width` "single" stacks the two panels in a figure
    3.5 in wide.
    """
    column_width(width)
    folder = load_folder(folder)
    if folder.kind != "sweep":
        raise FigureSkipped("sensitivity figures need a results store written by 'goodhart sweep'")
    design = folder.design.get("design")
    if design not in SENSITIVITY_PANELS:
        raise FigureSkipped(f"a {design} design has no sensitivity indices (sobol or morris do)")
    table = folder.analysis("sensitivity")
    panels = [p for p in SENSITIVITY_PANELS[design] if p[0] in table.columns]
    if table.empty or not panels:
        raise FigureSkipped("analysis/sensitivity has no indices")
    table = table.assign(regime=table["regime"].astype(str))
    names = list(dict.fromkeys(table["parameter"].astype(str)))
    regimes = [r for r in folder.regimes if r in set(table["regime"])]
    colours = regime_colours(folder.regimes)
    output = str(table["output"].iloc[0]) if "output" in table.columns else "output"
    bars_in = 0.22 * len(names) * max(len(regimes), 2) / 2
    single = width == "single"
    with house_style():
        if single:
            figure = new_figure(SINGLE_COLUMN_IN, 0.8 + len(panels) * (0.55 + bars_in))
            axes_row = figure.subplots(len(panels), 1, sharey=True, squeeze=False)[:, 0]
        else:
            figure = new_figure(DOUBLE_COLUMN_IN, 1.3 + bars_in)
            axes_row = figure.subplots(1, len(panels), sharey=True, squeeze=False)[0]
        bar = 0.8 / max(len(regimes), 1)
        for letter, axes, (value, conf, label) in zip(
            string.ascii_lowercase, axes_row, panels, strict=False
        ):
            for k, regime in enumerate(regimes):
                rows = table[table["regime"] == regime].set_index("parameter").reindex(names)
                y = np.arange(len(names)) - 0.4 + bar * (k + 0.5)
                error = rows[conf].to_numpy(float) if conf and conf in rows else None
                axes.barh(
                    y,
                    rows[value].to_numpy(float),
                    height=bar * 0.9,
                    color=colours[regime],
                    xerr=error,
                    error_kw=ERROR_BARS,
                )
            axes.axvline(0.0, color="#888888", linewidth=0.6)
            axes.set_xlabel(label)
            axes.set_title(f"({letter})", loc="left", fontweight="bold")
            light_grid(axes, "x")
            if single:  # long tick labels such as 0.025 would run together
                axes.xaxis.set_major_locator(MaxNLocator(nbins=5))
        axes_row[0].set_yticks(range(len(names)), names)
        axes_row[0].invert_yaxis()
        patches = [Patch(color=colours[r], label=regime_label(r)) for r in regimes]
        ncols = len(regimes)
        if single:
            ncols = legend_columns([p.get_label() for p in patches], SINGLE_COLUMN_IN)
        figure.legend(handles=patches, loc="outside upper center", ncols=ncols)
        described = output_label(folder, output).replace("\n", " ")
        add_note(figure, f"output: {described}; {folder.source_note()}; "
                 "bars: 95% confidence intervals (SALib)")  # fmt: skip
    return figure
