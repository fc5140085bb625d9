"""Choosing a warm-up period: MSER-5 (White 1997; Hoad, Robinson & Davies 2010).

The series is averaged in batches of five; the truncation point is the number of leading
batches whose removal minimises the marginal standard error of the rest,
MSER(d) = var(rest) / (n - d), searched over the first half of the batches only (a
minimum in the second half means the series is too short to tell).
"""

from __future__ import annotations

import numpy as np

from sim.experiments.scenario import ScenarioError


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
