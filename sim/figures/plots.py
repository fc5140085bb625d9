"""Drawing helpers shared by the figures: regime means with 95% intervals, step histograms."""

from __future__ import annotations

import math
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import replace

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.lines import Line2D

from sim.domain import Metric, Panel, Series
from sim.experiments.stats import regime_table
from sim.figures.style import light_grid, regime_label, text_width_in


def axis_label(panel: Panel, metrics: Mapping[str, Metric], short: bool = False) -> str:
    """A panel's axis label: its title (or its first metric's label) and the unit.

    Label and unit come from the metric catalogue (`metrics`, by name); the unit goes on
    its own line when the title's last line would grow too long for a panel. `short`
    picks the panel's single-column title, if it has one.
    """
    metric = metrics[panel.series[0].column]
    title = (panel.short_title if short and panel.short_title else panel.title) or (
        textwrap.fill(metric.label, 24)
    )
    unit = metric.unit
    if not unit:
        return title
    last = title.split("\n")[-1]
    return f"{title} ({unit})" if len(last) + len(unit) <= 24 else f"{title}\n({unit})"


def available(panels: Sequence[Panel], columns: Sequence[str]) -> list[Panel]:
    """The panels with the series whose columns exist (panels left empty are dropped)."""
    kept = []
    for panel in panels:
        series = tuple(s for s in panel.series if s.column in columns)
        if series:
            kept.append(replace(panel, series=series))
    return kept


def regime_means(runs: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """Mean and t 95% interval of each column per regime (stats.regime_table)."""
    frame = runs[["regime", *columns]].copy()
    frame["regime"] = frame["regime"].astype(str)
    return regime_table(frame, list(columns))


def draw_regime_points(
    axes: Axes,
    table: pd.DataFrame,
    panel: Panel,
    regimes: Sequence[str],
    colours: dict[str, str],
    ylabel: str,
    tick_room_in: float | None = None,
) -> bool:
    """Draw each series' mean and 95% interval at each regime; True if any interval drawn.

    Regimes sit at integer positions; several series are dodged around them. Given
    `tick_room_in`, the width of the plotting area (about), the layout is single-column:
    the regime names are wrapped at spaces to fit it, and slanted if they still do not.
    """
    count = len(panel.series)
    offsets = np.linspace(-0.17, 0.17, count) if count > 1 else np.zeros(1)
    any_interval = False
    for offset, series in zip(offsets, panel.series, strict=True):
        rows = table[table["metric"] == series.column].set_index("regime")
        for position, regime in enumerate(regimes):
            if regime not in rows.index or not math.isfinite(rows.at[regime, "mean"]):
                continue
            mean, low, high = (float(rows.at[regime, k]) for k in ("mean", "t_low", "t_high"))
            colour = colours[regime]
            yerr = None
            if math.isfinite(low) and math.isfinite(high):
                yerr = [[mean - low], [high - mean]]
                any_interval = True
            axes.errorbar(
                position + offset, mean, yerr=yerr, fmt=series.marker, color=colour,
                markerfacecolor=colour if series.filled else "white", markeredgewidth=1.0,
                elinewidth=0.9, capsize=2, zorder=3,
            )  # fmt: skip
    labels = [regime_label(r) for r in regimes]
    if tick_room_in is None:
        axes.set_xticks(range(len(regimes)), labels)
    else:
        set_fitted_ticks(axes, labels, tick_room_in)
    axes.set_xlim(-0.6, len(regimes) - 0.4)
    axes.set_ylabel(ylabel)
    light_grid(axes)
    if panel.zero_line:
        axes.axhline(0.0, color="#888888", linewidth=0.6, zorder=1)
    return any_interval


def set_fitted_ticks(axes: Axes, labels: Sequence[str], room_in: float) -> None:
    """Category tick labels at 0, 1, ...; fitted to a plotting area `room_in` wide.

    A label wider than its share of the room is wrapped at spaces; if a wrapped line is
    still too wide, the labels are left whole and set upright (read from below), where
    each takes only a line's height of the room, so neighbours never overlap.
    """
    share = 0.9 * room_in / max(len(labels), 1)
    wrapped = [label.replace(" ", "\n") for label in labels]
    if all(text_width_in(label) <= share for label in labels):
        axes.set_xticks(range(len(labels)), labels)
    elif all(text_width_in(line) <= share for label in wrapped for line in label.split("\n")):
        axes.set_xticks(range(len(labels)), wrapped)
    else:
        axes.set_xticks(range(len(labels)), labels, rotation=90)


def series_handles(series: Sequence[Series]) -> list[Line2D]:
    """Legend proxies in black for each series' marker style."""
    return [
        Line2D([], [], linestyle="none", marker=s.marker, color="black",
               markerfacecolor="black" if s.filled else "white", label=s.label)
        for s in series
    ]  # fmt: skip


def regime_handles(regimes: Sequence[str], colours: dict[str, str]) -> list[Line2D]:
    """Legend proxies: one coloured line per regime."""
    return [Line2D([], [], color=colours[r], label=regime_label(r)) for r in regimes]


def step_histogram(
    axes: Axes, values: np.ndarray, bins: np.ndarray, colour: str, scale: float
) -> None:
    """Draw counts of `values` in `bins` times `scale` as a stepped outline."""
    counts, _ = np.histogram(values, bins=bins)
    axes.stairs(counts * scale, bins, color=colour, linewidth=1.0)


def interval_note(any_interval: bool, replications: int) -> str:
    """What the error bars are, for the source note."""
    if any_interval:
        return "; bars: 95% t intervals over replications"
    return f"; no intervals ({replications} replication{'s' if replications != 1 else ''})"
