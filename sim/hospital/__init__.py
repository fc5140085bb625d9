"""The A&E system model: several EDs, their managers and clinicians, and a patient flow.

The package's `DOMAIN` describes it to the shared layers (`sim.registry`).
"""

from __future__ import annotations

from sim.hospital.agents import ALL_LEVERS, CLINICIAN_LEVERS, MANAGER_LEVERS, Clinician, EDManager
from sim.hospital.domain import DOMAIN, METRICS
from sim.hospital.measures import MEASURES
from sim.hospital.model import HospitalModel
from sim.hospital.params import DemandShock, EDParams, HospitalParams
from sim.hospital.summary import patients_table, summarise

simulate = HospitalModel.simulate

__all__ = [
    "ALL_LEVERS",
    "CLINICIAN_LEVERS",
    "DOMAIN",
    "MANAGER_LEVERS",
    "MEASURES",
    "METRICS",
    "Clinician",
    "DemandShock",
    "EDManager",
    "EDParams",
    "HospitalModel",
    "HospitalParams",
    "patients_table",
    "simulate",
    "summarise",
]
