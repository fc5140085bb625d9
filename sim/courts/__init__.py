"""The Crown Court system model: centres, listing officers, judges, prosecutors, cases."""

from __future__ import annotations

import gc

import pandas as pd

from sim.courts.agents import ALL_LEVERS, Judge, ListingOfficer, Prosecutor
from sim.courts.measures import CATALOGUE, check_measures
from sim.courts.model import CourtModel
from sim.courts.params import CentreParams, CourtParams, SittingDayChange
from sim.courts.summary import cases_table, summarise
from sim.regimes import build_judge


def check_regime(spec, name: str) -> None:
    """Refuse a regime whose measures are not in the court catalogue."""
    check_measures(build_judge(name, spec).measures, f"regimes.{name}")


def simulate(params: CourtParams, regime_name: str, regime, *, seed, days, warmup_days,
             **settings):  # fmt: skip
    """Build and run one court model; return its summary and tables."""
    model = CourtModel(params, regime, regime_name=regime_name, seed=seed, days=days,
                       warmup_days=warmup_days, **settings)  # fmt: skip
    model.run()
    tables = {
        "cases": cases_table(model),
        "decisions": pd.DataFrame(model.decision_rows),
        "periods": pd.DataFrame(model.period_rows),
    }
    summary = summarise(model)
    del model
    gc.collect()  # a finished model is a reference cycle (agents, events); free it now
    return summary, tables


__all__ = [
    "ALL_LEVERS",
    "CATALOGUE",
    "CentreParams",
    "CourtModel",
    "CourtParams",
    "Judge",
    "ListingOfficer",
    "Prosecutor",
    "SittingDayChange",
    "cases_table",
    "check_regime",
    "simulate",
    "summarise",
]
