"""Regime statistics: means and paired differences with 95% t confidence intervals."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats


def t_interval(values: np.ndarray, level: float = 0.95) -> tuple[float, float, float]:
    """Mean and t confidence interval of `values` (nan where fewer than 2 finite values)."""
    values = values[np.isfinite(values)]
    if len(values) == 0:
        return math.nan, math.nan, math.nan
    mean = float(np.mean(values))
    if len(values) < 2:
        return mean, math.nan, math.nan
    half = float(stats.sem(values) * stats.t.ppf(0.5 + level / 2, len(values) - 1))
    return mean, mean - half, mean + half


def regime_table(runs: pd.DataFrame, metrics: list[str]) -> pd.DataFrame:
    """Mean and 95% CI of each metric for each regime (long format)."""
    rows = []
    for regime, group in runs.groupby("regime", sort=False):
        for metric in metrics:
            mean, low, high = t_interval(group[metric].to_numpy(dtype=float))
            rows.append(
                {"regime": regime, "metric": metric, "mean": mean, "low": low, "high": high}
            )
    return pd.DataFrame(rows)


def paired_differences(runs: pd.DataFrame, metrics: list[str], reference: str) -> pd.DataFrame:
    """Each regime minus `reference`, paired by replication, with 95% t CI and effect size.

    Metrics undefined for either regime in every pair are left out.

    The effect size is Cohen's d_z: mean paired difference over its standard deviation.
    """
    wide = runs.set_index(["replication", "regime"])
    base = wide.xs(reference, level="regime")
    rows = []
    for regime in runs["regime"].unique():
        if regime == reference:
            continue
        other = wide.xs(regime, level="regime")
        common = base.index.intersection(other.index)
        for metric in metrics:
            diff = (other.loc[common, metric] - base.loc[common, metric]).to_numpy(dtype=float)
            if not np.isfinite(diff).any():
                continue  # undefined for one of the two regimes (e.g. 'met' with no target)
            mean, low, high = t_interval(diff)
            sd = float(np.nanstd(diff, ddof=1)) if np.isfinite(diff).sum() > 1 else math.nan
            rows.append({
                "regime": regime, "reference": reference, "metric": metric, "difference": mean,
                "low": low, "high": high, "effect_size": mean / sd if sd and sd > 0 else math.nan,
                "pairs": int(np.isfinite(diff).sum()),
            })  # fmt: skip
    return pd.DataFrame(rows)


def _cell(mean: float, low: float, high: float) -> str:
    if math.isnan(mean):
        return "-"
    if math.isnan(low):
        return f"{mean:,.2f}"
    return f"{mean:,.2f} [{low:,.2f}, {high:,.2f}]"


def format_table(table: pd.DataFrame, value: str = "mean") -> str:
    """Render a long regime table as text: metrics down, regimes across."""
    cells = table.assign(cell=[_cell(m, lo, hi) for m, lo, hi in zip(
        table[value], table["low"], table["high"], strict=True)])  # fmt: skip
    column = "regime"
    wide = cells.pivot(index="metric", columns=column, values="cell")
    wide = wide.reindex(index=list(dict.fromkeys(table["metric"])))
    wide = wide[list(dict.fromkeys(table[column]))]
    return wide.to_string()
