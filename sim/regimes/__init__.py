"""How a service is measured and judged: KPI, OKR, none, plus stakes, audit and league tables.

Nothing here knows which service is being measured. A domain model reports, for each unit
it judges (a unit of the service, or one professional), the values of the measures a regime
asks for; the regime turns them into a score in [0, 1].
"""

from sim.regimes.audit import expected_sanction, inspect
from sim.regimes.funder import FunderSettings, allocate
from sim.regimes.league import league_rewards
from sim.regimes.measures import MeasureDefinition, check_measures, measures_of
from sim.regimes.scorers import KPIScorer, OKRScorer, Scorer, build_scorer, measure_key
from sim.regimes.specs import (
    AuditSettings,
    KeyResultSpec,
    KPISpec,
    LeagueTable,
    MeasureSpec,
    NoTargetSpec,
    OKRSpec,
    RegimeSpec,
    Stakes,
)

__all__ = [
    "AuditSettings",
    "FunderSettings",
    "KPIScorer",
    "KPISpec",
    "KeyResultSpec",
    "LeagueTable",
    "MeasureDefinition",
    "MeasureSpec",
    "NoTargetSpec",
    "OKRScorer",
    "OKRSpec",
    "RegimeSpec",
    "Scorer",
    "Stakes",
    "allocate",
    "build_scorer",
    "check_measures",
    "expected_sanction",
    "inspect",
    "league_rewards",
    "measure_key",
    "measures_of",
]
