"""Emergence: how gaming spreads over simulated time, by motivation type and regime.

Nothing in the models scripts gaming: decision-makers learn their lever settings from
their payoffs. This figure follows, decision period by decision period, the strongest
gaming lever each decision-maker sets and the share who use any gaming lever at all,
separately for each Bevan & Hood motivation type.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from sim.figures.data import FigureSkipped, ResultFolder, load_folder
from sim.figures.style import (
    DOUBLE_COLUMN_IN,
    MOTIVATIONS,
    SINGLE_COLUMN_IN,
    Width,
    add_note,
    column_width,
    house_style,
    legend_columns,
    light_grid,
    motivation_label,
    motivation_style,
    new_figure,
    regime_label,
)

# Levers that distort what is measured or falsify records: the domain's levers of these
# kinds; legitimate ones (corridor care, over-listing) are left out.
GAMING_KINDS = ("gaming", "fraud")
ROWS = (
    ("strongest", "Strongest gaming lever\n(mean setting, 0\u20131)"),
    ("gaming_pct", "Decision-makers using\na gaming lever (%)"),
)
SINGLE_ROW_IN = 1.05  # height of one regime's row in the single-column layout
SINGLE_TITLES = ("Strongest gaming lever\n(mean setting, 0\u20131)",
                 "Decision-makers using\na gaming lever (%)")  # fmt: skip


def gaming_by_period(decisions: pd.DataFrame, levers: list[str]) -> pd.DataFrame:
    """Per regime, day and motivation: mean strongest gaming lever and % of agents gaming.

    Rows of agents without any gaming lever are left out.
    """
    settings = decisions[levers].to_numpy(dtype=float)
    has_lever = np.isfinite(settings).any(axis=1)
    strongest = np.nanmax(np.where(np.isfinite(settings), settings, -np.inf), axis=1)
    frame = pd.DataFrame({
        "regime": decisions["regime"].astype(str).to_numpy(),
        "day": decisions["day"].to_numpy(dtype=float),
        "motivation": decisions["motivation"].astype(str).to_numpy(),
        "strongest": strongest,
    })[has_lever]  # fmt: skip
    frame["gaming_pct"] = 100.0 * (frame["strongest"] > 0.0)
    return frame.groupby(["regime", "motivation", "day"], as_index=False)[
        ["strongest", "gaming_pct"]
    ].mean()


def agents_per_run(decisions: pd.DataFrame) -> dict[str, int]:
    """Decision-makers of each motivation type in one run (the largest count in any run)."""
    keys = [c for c in ("regime", "replication") if c in decisions.columns]
    if "agent_id" not in decisions.columns:
        return {}
    counts = decisions.groupby([*keys, "motivation"])["agent_id"].nunique()
    return {str(m): int(n) for m, n in counts.groupby(level="motivation").max().items()}


def _label_single(axes: Axes, regime: str, measure: int, row: int, rows: int) -> None:
    """Single-column labels: the measure above each column, the regime left of each row."""
    if row == 0:
        axes.set_title(SINGLE_TITLES[measure])
    if row == rows - 1:
        axes.set_xlabel("Simulated day")
    if measure == 0:
        axes.set_ylabel(regime_label(regime), fontweight="bold")


def emergence(folder: ResultFolder | str, width: Width = "double") -> Figure:
    """Gaming lever settings and gaming prevalence over time, by motivation type.

    One column per regime; rows are the mean of each decision-maker's strongest gaming
    lever (0-1) and the percentage of decision-makers using any gaming lever, averaged
    over decision-makers of each motivation type and over replications. The warm-up is
    shaded. `width` "single" turns the grid round to fit 3.5 in: one row per regime, the
    two measures in two columns.
    """
    column_width(width)
    folder = load_folder(folder)
    gaming = folder.domain_spec().lever_kinds(*GAMING_KINDS)
    if not gaming:
        raise FigureSkipped(f"the '{folder.domain}' domain has no gaming or fraud levers")
    wanted = [f"lever_{name}" for name in gaming]
    decisions = folder.table(
        "decisions", ["regime", "replication", "day", "agent_id", "motivation", *wanted]
    )
    levers = [c for c in wanted if c in decisions.columns]
    missing = {"regime", "day", "motivation"} - set(decisions.columns)
    if missing or not levers:
        raise FigureSkipped(
            f"decisions.parquet lacks {sorted(missing) or 'every gaming lever column'}"
        )
    if decisions.empty:
        raise FigureSkipped("decisions.parquet has no decisions")
    trends = gaming_by_period(decisions, levers)
    regimes = [r for r in folder.regimes if r in set(trends["regime"])]
    present = set(trends["motivation"])
    motivations = [m for m in MOTIVATIONS if m in present] + sorted(present - set(MOTIVATIONS))
    styles = {m: motivation_style(m, i) for i, m in enumerate(motivations)}
    single = width == "single"
    with house_style():
        if single:
            figure = new_figure(SINGLE_COLUMN_IN, 1.25 + SINGLE_ROW_IN * len(regimes))
            grid = figure.subplots(len(regimes), 2, sharex=True, sharey="col", squeeze=False)
        else:
            figure = new_figure(DOUBLE_COLUMN_IN, 3.9)
            grid = figure.subplots(2, len(regimes), sharex=True, sharey="row", squeeze=False)
        for index, regime in enumerate(regimes):
            block = trends[trends["regime"] == regime]
            for measure, (column, ylabel) in enumerate(ROWS):
                axes = grid[index, measure] if single else grid[measure, index]
                for motivation in motivations:
                    line = block[block["motivation"] == motivation]
                    colour, style = styles[motivation]
                    axes.plot(line["day"], line[column], color=colour, linestyle=style)
                if folder.warmup_days:
                    axes.axvspan(0.0, folder.warmup_days, color="#EEEEEE", zorder=0, linewidth=0)
                light_grid(axes)
                axes.set_xlim(0.0, folder.days)
                if measure == 0:
                    axes.set_ylim(-0.02, 1.02)
                else:
                    axes.set_ylim(-2.0, 102.0)
                if single:
                    _label_single(axes, regime, measure, index, len(regimes))
                    continue
                if measure == 0:
                    axes.set_title(regime_label(regime))
                else:
                    axes.set_xlabel("Simulated day")
                if index == 0:
                    axes.set_ylabel(ylabel)
        counts = agents_per_run(decisions)
        handles = [
            Line2D([], [], color=styles[m][0], linestyle=styles[m][1],
                   label=motivation_label(m) + (f" ({counts[m]})" if m in counts else ""))
            for m in motivations
        ]  # fmt: skip
        if folder.warmup_days:
            handles.append(Line2D([], [], color="#DDDDDD", linewidth=6, label="Warm-up"))
        ncols = len(handles)
        if single:
            ncols = legend_columns([h.get_label() for h in handles], SINGLE_COLUMN_IN)
        figure.legend(handles=handles, loc="outside upper center", ncols=ncols)
        add_note(figure, folder.source_note() + "; mean over decision-makers and replications; "
                 "(n): decision-makers of each type per run")  # fmt: skip
    return figure
