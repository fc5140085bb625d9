"""Drawing helpers shared by the figures: regime means with 95% intervals, step histograms."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.lines import Line2D

from sim.experiments.stats import regime_table
from sim.figures.style import light_grid, regime_label, text_width_in


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
        short_ylabel: the axis label of the single-column layout, if `ylabel` is too long
            for its panels (about 1.45 in a line at 8 pt).

    """

    ylabel: str
    series: tuple[Series, ...]
    zero_line: bool = False
    short_ylabel: str | None = None


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
    tick_room_in: float | None = None,
) -> bool:
    """Draw each series' mean and 95% interval at each regime; True if any interval drawn.

    Regimes sit at integer positions; several series are dodged around them. Given
    `tick_room_in`, the width of the plotting area (about), the layout is single-column:
    the regime names are wrapped at spaces to fit it, and slanted if they still do not,
    and the panel's short axis label is used.
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
    short = tick_room_in is not None and panel.short_ylabel
    axes.set_ylabel(panel.short_ylabel if short else panel.ylabel)
    light_grid(axes)
    if panel.zero_line:
        axes.axhline(0.0, color="#888888", linewidth=0.6, zorder=1)
    return any_interval


def set_fitted_ticks(axes: Axes, labels: Sequence[str], room_in: float) -> None:
    """Category tick labels at 0, 1, ...; fitted to a plotting area `room_in` wide.

    A label wider than its share of the room is wrapped at spaces; if a wrapped line is
    still too wide, the labels are left whole and slanted at 45 degrees instead.
    """
    share = 0.9 * room_in / max(len(labels), 1)
    wrapped = [label.replace(" ", "\n") for label in labels]
    if all(text_width_in(label) <= share for label in labels):
        axes.set_xticks(range(len(labels)), labels)
    elif all(text_width_in(line) <= share for label in wrapped for line in label.split("\n")):
        axes.set_xticks(range(len(labels)), wrapped)
    else:
        axes.set_xticks(range(len(labels)), labels, rotation=45, ha="right",
                        rotation_mode="anchor")  # fmt: skip


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
