"""The A&E system model: several EDs, their managers and clinicians, and a patient flow."""

from __future__ import annotations

from sim.hospital.agents import ALL_LEVERS, CLINICIAN_LEVERS, MANAGER_LEVERS, Clinician, EDManager
from sim.hospital.measures import CATALOGUE, check_measures
from sim.hospital.model import HospitalModel
from sim.hospital.params import DemandShock, EDParams, HospitalParams
from sim.hospital.summary import patients_table, summarise
from sim.regimes import build_judge


def check_regime(spec, name: str) -> None:
    """Refuse a regime whose measures are not in the A&E catalogue."""
    check_measures(build_judge(name, spec).measures, f"regimes.{name}")


simulate = HospitalModel.simulate


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
