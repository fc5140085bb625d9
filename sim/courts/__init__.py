"""The Crown Court system model: centres, listing officers, judges, prosecutors, cases.

The package's `DOMAIN` describes it to the shared layers (`sim.registry`).
"""

from __future__ import annotations

from sim.courts.agents import ALL_LEVERS, Judge, ListingOfficer, Prosecutor
from sim.courts.domain import DOMAIN, METRICS
from sim.courts.measures import MEASURES
from sim.courts.model import CourtModel
from sim.courts.params import CentreParams, CourtParams, SittingDayChange
from sim.courts.summary import cases_table, summarise

simulate = CourtModel.simulate

__all__ = [
    "ALL_LEVERS",
    "DOMAIN",
    "MEASURES",
    "METRICS",
    "CentreParams",
    "CourtModel",
    "CourtParams",
    "Judge",
    "ListingOfficer",
    "Prosecutor",
    "SittingDayChange",
    "cases_table",
    "simulate",
    "summarise",
]
