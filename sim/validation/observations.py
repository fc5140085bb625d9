"""What one run contributes to the checks: its summary and values only its tables hold."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from sim.experiments.runner import RunResult


def withdrawal_rate_ratio(cases: pd.DataFrame, end: float) -> float:
    """Victim withdrawals per victim-year waited in the second year over the first.

    Exposure runs from receipt until the case ends (or the run does); a withdrawal counts in
    the year since receipt in which it happened.
    """
    victims = cases[cases["victim"]]
    start = victims["received_day"].to_numpy()
    stop = victims["completed_day"].fillna(end).to_numpy()
    withdrew = (victims["outcome"] == "victim withdrew").to_numpy()
    waited = (stop - start) / 365.0
    rates = []
    for first, last in ((0.0, 1.0), (1.0, 2.0)):
        exposure = np.clip(waited, first, last) - first
        events = withdrew & (waited >= first) & (waited < last)
        years = float(exposure.sum())
        rates.append(events.sum() / years if years > 0 else math.nan)
    return rates[1] / rates[0] if rates[0] else math.nan


def observe(result: RunResult) -> dict[str, float]:
    """The run's summary plus the values the facts need from its tables."""
    values = dict(result.summary)
    if "cases" in result.tables:
        values["withdrawal_rate_ratio"] = withdrawal_rate_ratio(
            result.tables["cases"], result.days
        )
    return values
