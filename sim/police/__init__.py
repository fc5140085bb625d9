"""The police system model: forces, crime registrars, investigators, crimes and victims.

The package's `DOMAIN` describes it to the shared layers (`sim.registry`).
"""

from __future__ import annotations

from sim.police.agents import ALL_LEVERS, Investigator, Registrar
from sim.police.domain import DOMAIN, METRICS
from sim.police.measures import MEASURES
from sim.police.model import PoliceModel
from sim.police.params import CRIME_TYPES, AuditChange, ForceParams, PoliceParams
from sim.police.summary import crimes_table, summarise

simulate = PoliceModel.simulate

__all__ = [
    "ALL_LEVERS",
    "CRIME_TYPES",
    "DOMAIN",
    "MEASURES",
    "METRICS",
    "AuditChange",
    "ForceParams",
    "Investigator",
    "PoliceModel",
    "PoliceParams",
    "Registrar",
    "crimes_table",
    "simulate",
    "summarise",
]
