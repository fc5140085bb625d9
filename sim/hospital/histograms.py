"""Time in department as binned counts: what the figures need, at a fraction of the size.

A comparison stores these (``histograms.parquet``) instead of one row per patient unless
asked for the patients (``goodhart compare --tables``); the time-in-department figure
draws from either.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

BIN_MIN = 10.0  # bin width, minutes
TOP_MIN = 720.0  # the last bin holds every stay from here on
EDGES = np.append(np.arange(0.0, TOP_MIN + BIN_MIN, BIN_MIN), np.inf)
DISPOSITIONS = ("admitted", "discharged")
CLOCKS = ("measured_min", "true_min")


def histograms(tables: Mapping[str, pd.DataFrame], warmup_days: float, days: float) -> pd.DataFrame:
    """Counts of departed patients who arrived after the warm-up, by disposition and clock.

    One row per series (``admitted/measured_min``, ...) and bin (its left edge, minutes);
    the bin at `TOP_MIN` counts every longer stay.
    """
    patients = tables["patients"]
    counted = patients[~patients["warmup"].astype(bool)]
    disposition = counted["disposition"].astype(str)
    frames = []
    for kind in DISPOSITIONS:
        group = counted[disposition == kind]
        for clock in CLOCKS:
            values = group[clock].to_numpy(dtype=float)
            counts, _ = np.histogram(values[np.isfinite(values)], bins=EDGES)
            frames.append(pd.DataFrame({"series": f"{kind}/{clock}", "bin": EDGES[:-1],
                                        "count": counts}))  # fmt: skip
    return pd.concat(frames, ignore_index=True)
