"""Choosing a warm-up period: MSER-5 (White 1997; Hoad, Robinson & Davies 2010).

The series is averaged in batches of five; the truncation point is the number of leading
batches whose removal minimises the marginal standard error of the rest,
MSER(d) = var(rest) / (n - d), searched over the first half of the batches only (a
minimum in the second half means the series is too short to tell).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.experiments.runner import RunResult, iter_runs
from sim.experiments.scenario import Scenario, ScenarioError
from sim.registry import domain_names, get_domain


def mser5(series: np.ndarray, batch: int = 5) -> int:
    """Observations to discard from the start of `series` (a multiple of `batch`)."""
    values = np.asarray(series, dtype=float)
    values = values[np.isfinite(values)]
    n = len(values) // batch
    if n < 4:
        raise ScenarioError(f"series: need at least {4 * batch} finite values, got {len(values)}")
    means = values[: n * batch].reshape(n, batch).mean(axis=1)
    scores = [np.var(means[d:]) / (n - d) for d in range(n // 2)]
    return int(np.argmin(scores)) * batch


def daily_series(result: RunResult) -> tuple[np.ndarray, float]:
    """The output a warm-up is judged on, and the days one of its values covers.

    Each domain says which series it is (`Domain.warmup_series`): for A&E the mean time in
    department of each day's arrivals, for the Crown Court the effective trials each
    weekday.
    """
    series = get_domain(result.scenario.domain).warmup_series
    if series is None:
        judged = [name for name in domain_names() if get_domain(name).warmup_series]
        raise ScenarioError(f"domain: no warm-up series for '{result.scenario.domain}'; "
                            f"allowed: {judged}")  # fmt: skip
    return series(result.tables)


def warmup_table(
    scenario: Scenario, replications: int = 3, days: float | None = None, progress: bool = True
) -> pd.DataFrame:
    """MSER-5 truncation of every regime and replication, in days of simulated time."""
    rows = []
    for result in iter_runs(scenario, replications, days, None, 1, progress):
        series, days_per_value = daily_series(result)
        rows.append({"regime": result.regime, "replication": result.replication,
                     "mser5_days": mser5(series) * days_per_value,
                     "scenario_warmup_days": scenario.warmup_days})  # fmt: skip
    return pd.DataFrame(rows)
