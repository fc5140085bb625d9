"""Which swept parameters drive an output over a sampled design.

Two answers, from the design points' mean outputs (each regime, and each regime's paired
difference from the reference):

* **binned effects**, always: the output's mean in each quartile of a parameter, and the
  spread between the highest and lowest quartile mean (a first-order effect, as a
  reader would see it in a binned scatter plot);
* **PRIM boxes** (scenario discovery, Friedman and Fisher 1999, as in EMA Workbench),
  when EMA Workbench is installed: the ranges of the parameters that hold the points
  where the output is in its top quarter, with the box's coverage and density.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

QUARTERS = 4  # bins per parameter
TOP_SHARE = 0.25  # PRIM's cases of interest: the points with the output in its top quarter


def bins(values: pd.Series) -> pd.Series:
    """Each value's quartile bin of `values`, labelled so they sort: "Q1 [0.01, 0.25]"."""
    cut = pd.qcut(values, QUARTERS, duplicates="drop")
    labels = {interval: f"Q{i + 1} [{interval.left:.3g}, {interval.right:.3g}]"
              for i, interval in enumerate(cut.cat.categories)}  # fmt: skip
    return cut.map(labels).astype(str)


def binned_effects(effects: pd.DataFrame, points: pd.DataFrame,
                   parameters: Sequence[str]) -> pd.DataFrame:  # fmt: skip
    """Mean of each `effects` column by quartile of each parameter, ranked by spread.

    `effects` has one row per design point (index ``point``); `points` the design. Rows:
    ``output_of`` (the column), ``parameter``, ``rank`` (1 = widest spread), ``spread``
    and the mean in each quartile, ``q1`` (lowest values) to ``q4``.
    """
    design = points.set_index("point")
    rows = []
    for column in effects.columns:
        y = effects[column].reindex(design.index)
        for name in parameters:
            codes = pd.qcut(design[name], QUARTERS, labels=False, duplicates="drop")
            means = y.groupby(codes).mean()
            rows.append({
                "output_of": column, "parameter": name,
                "spread": float(means.max() - means.min()) if means.notna().any() else np.nan,
                **{f"q{int(code) + 1}": float(mean) for code, mean in means.items()},
            })  # fmt: skip
    table = pd.DataFrame(rows)
    if table.empty:
        return table
    ranks = table.groupby("output_of")["spread"].rank(ascending=False, method="min")
    table["rank"] = ranks.fillna(len(parameters)).astype(int)
    table = table.sort_values(["output_of", "rank"], kind="stable", ignore_index=True)
    first = ["output_of", "parameter", "rank", "spread"]
    return table[first + [c for c in table.columns if c not in first]]


def prim_boxes(effects: pd.DataFrame, points: pd.DataFrame,
               parameters: Sequence[str]) -> pd.DataFrame | None:  # fmt: skip
    """PRIM's first box for the top quarter of each `effects` column (None without EMA).

    Rows: ``output_of``, ``parameter`` (each one the box restricts), its ``low`` and
    ``high`` in the box, the ``threshold`` (the output's 75th percentile over the points),
    and the box's ``coverage`` (share of the top-quarter points inside it) and
    ``density`` (share of the points inside it that are top-quarter).
    """
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", "ipyparallel not installed")  # optional there
            from ema_workbench.analysis import prim
    except ImportError:
        return None
    design = points.set_index("point")[list(parameters)].astype(float)
    rows = []
    for column in effects.columns:
        y = effects[column].reindex(design.index)
        kept = y.notna().to_numpy()
        threshold = float(y[kept].quantile(1 - TOP_SHARE)) if kept.any() else np.nan
        interest = (y[kept] >= threshold).to_numpy(dtype=int)
        if len(interest) < 2 * QUARTERS or interest.all() or not interest.any():
            continue
        x = design[kept].reset_index(drop=True)
        ema_log = logging.getLogger("EMA")
        was_disabled, ema_log.disabled = ema_log.disabled, True  # PRIM logs every step
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                finder = prim.Prim(x, interest)
                box = finder.find_box()
        finally:
            ema_log.disabled = was_disabled
        limits, initial = box.box_lim, finder.box_init
        for name in parameters:
            if (limits[name].to_numpy() == initial[name].to_numpy()).all():
                continue  # not restricted
            rows.append({
                "output_of": column, "parameter": name, "low": float(limits[name].iloc[0]),
                "high": float(limits[name].iloc[1]), "threshold": threshold,
                "coverage": float(box.coverage), "density": float(box.density),
            })  # fmt: skip
    return pd.DataFrame(rows, columns=["output_of", "parameter", "low", "high", "threshold",
                                       "coverage", "density"])  # fmt: skip
