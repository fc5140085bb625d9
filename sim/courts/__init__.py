"""The Crown Court system model: centres, listing officers, judges, prosecutors, cases."""

from __future__ import annotations

from sim.courts.agents import ALL_LEVERS, Judge, ListingOfficer, Prosecutor
from sim.courts.measures import CATALOGUE, check_measures
from sim.courts.model import CourtModel
from sim.courts.params import CentreParams, CourtParams, SittingDayChange
from sim.courts.summary import cases_table, summarise
from sim.regimes import build_judge


def check_regime(spec, name: str) -> None:
    """Refuse a regime whose measures are not in the court catalogue."""
    check_measures(build_judge(name, spec).measures, f"regimes.{name}")


simulate = CourtModel.simulate


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
