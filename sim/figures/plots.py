"""Drawing helpers shared by the figures: regime means with 95% intervals, step histograms."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.lines import Line2D

from sim.experiments.stats import regime_table
from sim.figures.style import light_grid, regime_label


@dataclass(frozen=True)
class Series:
    """One summary metric drawn in a panel.

    Attributes:
        column: summary column.
        label: legend text (used when a panel or figure has more than one kind of series).
        filled: filled markers for the true ledger, open ones for the measured ledger.
        marker: matplotlib marker.

    """

    column: str
    label: str
    filled: bool = True
    marker: str = "o"


@dataclass(frozen=True)
class Panel:
    """A panel of regime means with 95% t intervals.

    Attributes:
        ylabel: axis label, with units.
        series: metrics drawn side by side at each regime.
        zero_line: draw a faint line at zero (for differences).

    """

    ylabel: str
    series: tuple[Series, ...]
    zero_line: bool = False


def available(panels: Sequence[Panel], columns: Sequence[str]) -> list[Panel]:
    """The panels with the series whose columns exist (panels left empty are dropped)."""
    kept = []
    for panel in panels:
        series = tuple(s for s in panel.series if s.column in columns)
        if series:
            kept.append(Panel(panel.ylabel, series, panel.zero_line))
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
) -> bool:
    """Draw each series' mean and 95% interval at each regime; True if any interval drawn.

    Regimes sit at integer positions; several series are dodged around them.
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
    axes.set_xticks(range(len(regimes)), [regime_label(r) for r in regimes])
    axes.set_xlim(-0.6, len(regimes) - 0.4)
    axes.set_ylabel(panel.ylabel)
    light_grid(axes)
    if panel.zero_line:
        axes.axhline(0.0, color="#888888", linewidth=0.6, zorder=1)
    return any_interval


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
