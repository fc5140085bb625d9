"""Time to trial and the backlog's age as binned counts (see `sim.hospital.histograms`)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

BIN_DAYS = 30.0  # bin width, days
TOP_DAYS = 3650.0  # the last bin holds every case from ten years on
EDGES = np.append(np.arange(0.0, TOP_DAYS + BIN_DAYS, BIN_DAYS), np.inf)


def awaiting_trial(cases: pd.DataFrame, days: float) -> pd.DataFrame:
    """Cases awaiting trial at the end: past the plea hearing, not tried, not concluded."""
    last_day = days - 1.0  # the model's last simulated day
    waiting = (
        (cases["outcome"].astype(str) == "still open")
        & cases["trial_start_day"].isna()
        & (cases["ptph_day"] <= last_day)
    )
    return cases[waiting]


def histograms(tables: Mapping[str, pd.DataFrame], warmup_days: float, days: float) -> pd.DataFrame:
    """Counts of two series in 30-day bins, the last holding every longer one.

    ``delay``: receipt to trial, trials started after the warm-up. ``backlog_age``: age at
    the end of the cases awaiting trial.
    """
    cases = tables["cases"]
    started = cases[cases["trial_start_day"] >= warmup_days]
    backlog = awaiting_trial(cases, days)
    series = {
        "delay": (started["trial_start_day"] - started["received_day"]).to_numpy(dtype=float),
        "backlog_age": (days - backlog["received_day"]).to_numpy(dtype=float),
    }
    frames = []
    for name, values in series.items():
        counts, _ = np.histogram(values[np.isfinite(values)], bins=EDGES)
        frames.append(pd.DataFrame({"series": name, "bin": EDGES[:-1], "count": counts}))
    return pd.concat(frames, ignore_index=True)
