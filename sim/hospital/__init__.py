"""The A&E system model: several EDs, their managers and clinicians, and a patient flow."""

from __future__ import annotations

import gc

from sim.hospital.agents import ALL_LEVERS, CLINICIAN_LEVERS, MANAGER_LEVERS, Clinician, EDManager
from sim.hospital.measures import CATALOGUE, check_measures
from sim.hospital.model import HospitalModel
from sim.hospital.params import DemandShock, EDParams, HospitalParams
from sim.hospital.summary import patients_table, summarise
from sim.regimes import build_judge


def check_regime(spec, name: str) -> None:
    """Refuse a regime whose measures are not in the A&E catalogue."""
    check_measures(build_judge(name, spec).measures, f"regimes.{name}")


def simulate(
    params: HospitalParams, regime_name: str, regime, *, seed, days, warmup_days, **settings
):
    """Build and run one A&E model; return its summary and tables."""
    model = HospitalModel(
        params, regime, regime_name=regime_name, seed=seed, days=days,
        warmup_days=warmup_days, **settings,
    )  # fmt: skip
    model.run()
    import pandas as pd

    patients = patients_table(model)
    summary = summarise(model, patients)
    tables = {
        "patients": patients,
        "decisions": pd.DataFrame(model.decision_rows),
        "periods": pd.DataFrame(model.period_rows),
    }
    del model
    gc.collect()  # a finished model is a reference cycle (agents, events); free it now
    return summary, tables


__all__ = [
    "ALL_LEVERS",
    "CATALOGUE",
    "CLINICIAN_LEVERS",
    "MANAGER_LEVERS",
    "Clinician",
    "DemandShock",
    "EDManager",
    "EDParams",
    "HospitalModel",
    "HospitalParams",
    "check_regime",
    "patients_table",
    "simulate",
    "summarise",
]
