"""Regime statistics: means and paired differences with t and bootstrap 95% intervals."""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence

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


def bootstrap_interval(values: np.ndarray, seed: int = 0) -> tuple[float, float]:
    """Percentile bootstrap 95% interval of the mean (nan for fewer than 2 finite values)."""
    values = values[np.isfinite(values)]
    if len(values) < 2:
        return math.nan, math.nan
    if np.ptp(values) == 0:
        return float(values[0]), float(values[0])
    result = stats.bootstrap(
        (values,), np.mean, n_resamples=1000, confidence_level=0.95, method="percentile",
        rng=np.random.default_rng(seed),
    )  # fmt: skip
    return float(result.confidence_interval.low), float(result.confidence_interval.high)


def _groups(runs: pd.DataFrame, by: Sequence[str]) -> Iterator[tuple[dict, pd.DataFrame]]:
    if not by:
        yield {}, runs
        return
    for key, group in runs.groupby(list(by), sort=True, dropna=False):
        key = key if isinstance(key, tuple) else (key,)
        yield dict(zip(by, key, strict=True)), group


def regime_table(
    runs: pd.DataFrame, metrics: Sequence[str], by: Sequence[str] = ()
) -> pd.DataFrame:
    """Mean with t and bootstrap 95% intervals of each metric, per regime (and group)."""
    rows = []
    for labels, group in _groups(runs, by):
        for regime, block in group.groupby("regime", sort=False):
            for metric in metrics:
                values = block[metric].to_numpy(dtype=float)
                mean, low, high = t_interval(values)
                b_low, b_high = bootstrap_interval(values)
                rows.append({
                    **labels, "regime": regime, "metric": metric,
                    "n": int(np.isfinite(values).sum()), "mean": mean, "t_low": low,
                    "t_high": high, "boot_low": b_low, "boot_high": b_high,
                })  # fmt: skip
    return pd.DataFrame(rows)


def paired_differences(
    runs: pd.DataFrame,
    metrics: Sequence[str],
    reference: str,
    pair_on: Sequence[str] = ("replication",),
    by: Sequence[str] = (),
) -> pd.DataFrame:
    """Each regime minus `reference`, paired on `pair_on` (same patients under both).

    Gives the mean difference with t and bootstrap 95% intervals and Cohen's d_z (mean
    paired difference over its standard deviation). Metrics undefined for either regime in
    every pair are left out.
    """
    rows = []
    for labels, group in _groups(runs, by):
        if reference not in set(group["regime"]):
            continue
        wide = group.set_index([*pair_on, "regime"])
        base = wide.xs(reference, level="regime")
        for regime in group["regime"].unique():
            if regime == reference:
                continue
            other = wide.xs(regime, level="regime")
            common = base.index.intersection(other.index)
            for metric in metrics:
                diff = (other.loc[common, metric] - base.loc[common, metric]).to_numpy(float)
                if not np.isfinite(diff).any():
                    continue
                mean, low, high = t_interval(diff)
                b_low, b_high = bootstrap_interval(diff)
                sd = float(np.nanstd(diff, ddof=1)) if np.isfinite(diff).sum() > 1 else math.nan
                rows.append({
                    **labels, "regime": regime, "reference": reference, "metric": metric,
                    "pairs": int(np.isfinite(diff).sum()), "difference": mean, "t_low": low,
                    "t_high": high, "boot_low": b_low, "boot_high": b_high,
                    "effect_size": mean / sd if sd and sd > 0 else math.nan,
                })  # fmt: skip
    return pd.DataFrame(rows)


def gain_split(
    runs: pd.DataFrame, measured: str, true: str, gaming: str, reference: str
) -> pd.DataFrame:
    """How much of each regime's measured gain over `reference` is real, paired.

    One row per regime: the paired measured gain, true gain and gaming gain (measured =
    true + gaming, replication by replication) with t intervals, and the share of the
    measured gain that is real (NaN where the measured gain is nil).
    """
    diffs = paired_differences(runs, [measured, true, gaming], reference)
    rows = []
    for regime, group in diffs.groupby("regime", sort=False):
        cells = group.set_index("metric")
        row: dict[str, object] = {"regime": regime, "reference": reference}
        for part, metric in (("measured", measured), ("true", true), ("gaming", gaming)):
            if metric not in cells.index:
                continue
            row[f"{part}_gain"] = float(cells.at[metric, "difference"])
            row[f"{part}_low"] = float(cells.at[metric, "t_low"])
            row[f"{part}_high"] = float(cells.at[metric, "t_high"])
        gain = row.get("measured_gain", math.nan)
        real = row.get("true_gain", math.nan)
        row["real_share"] = real / gain if gain and math.isfinite(gain) else math.nan
        rows.append(row)
    return pd.DataFrame(rows)


def bounds(unit: str) -> tuple[float, float]:
    """The range a quantity in `unit` cannot leave (shares, 0-1 scales, counts, durations).

    A change ("% change", "percentage points") can take any sign.
    """
    if "change" in unit:
        return -math.inf, math.inf
    if unit == "%" or unit.startswith("% "):
        return 0.0, 100.0
    if "0-1" in unit:
        return 0.0, 1.0
    if unit == "percentage points" or not unit:
        return -math.inf, math.inf
    return 0.0, math.inf  # counts, rates, minutes, days, years


def _decimals(value: float, unit: str) -> int:
    """Decimals that show `value` sensibly.

    Fixed for shares, scales and durations; three significant figures for the rest.
    """
    if unit == "%" or unit.startswith("% ") or unit in ("percentage points", "minutes", "days"):
        return 1
    if "0-1" in unit:
        return 3
    size = abs(value)
    return 0 if size >= 100 or size == 0 else max(0, 2 - math.floor(math.log10(size)))


def number(value: float, unit: str = "", decimals: int | None = None) -> str:
    """`value` with thousands separators and sensible decimals; never "-0"."""
    if math.isnan(value):
        return "-"
    places = _decimals(value, unit) if decimals is None else decimals
    text = f"{value:,.{places}f}"
    return text.lstrip("-") if float(text.replace(",", "")) == 0 else text


def _is_count(unit: str) -> bool:
    return unit.endswith("per run") or unit in ("patients", "cases")


def _cell(mean: float, low: float, high: float, unit: str = "",
          bounded: bool = False) -> tuple[str, bool]:  # fmt: skip
    """A table cell, and whether its interval was clipped to the quantity's range."""
    if math.isnan(mean):
        return "-", False
    places = 0 if _is_count(unit) and float(mean).is_integer() else _decimals(mean, unit)
    if math.isnan(low):
        return number(mean, unit, places), False
    clipped = False
    if bounded:
        floor, ceiling = bounds(unit)
        clipped = low < floor or high > ceiling
        low, high = max(low, floor), min(high, ceiling)
    mark = "*" if clipped else ""
    return (f"{number(mean, unit, places)} [{number(low, unit, places)}, "
            f"{number(high, unit, places)}]{mark}", clipped)  # fmt: skip


def format_table(
    table: pd.DataFrame, value: str = "mean", units: Mapping[str, str] | None = None
) -> str:
    """Render a long table as text: metrics down, regimes across, `value` [t interval].

    With `units` (metric name to unit), a unit column follows the metric's name and
    numbers are shown to suit it: counts of one run as whole numbers, shares to 0.1, 0-1
    scales to 0.001, others to three significant figures. A mean's t interval that would
    leave the quantity's range (with few replications it can) is clipped to it and marked
    with *, and a note below the table says so.
    """
    units = units or {}
    bounded = value == "mean"
    made = [_cell(m, lo, hi, units.get(metric, ""), bounded) for metric, m, lo, hi in zip(
        table["metric"], table[value], table["t_low"], table["t_high"], strict=True)]  # fmt: skip
    cells = table.assign(cell=[text for text, _ in made])
    wide = cells.pivot(index="metric", columns="regime", values="cell")
    wide = wide.reindex(index=list(dict.fromkeys(table["metric"])))
    wide = wide[list(dict.fromkeys(table["regime"]))]
    if units:
        wide.insert(0, "unit", [units.get(metric, "") for metric in wide.index])
    text = wide.to_string()
    if any(clipped for _, clipped in made):
        text += ("\n* the t interval left the quantity's possible range and is clipped to it: "
                 "too few replications for a t interval there")  # fmt: skip
    return text
