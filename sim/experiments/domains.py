"""The registry of domain models the experiments layer can run through one interface."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class Domain:
    """How to build, run and read one domain model.

    Attributes:
        section: name of the scenario table holding the domain's parameters.
        levers: names of every lever the domain's agents can set (for audit settings).
        simulate: runs one model and returns (summary, tables).
        headline: summary metrics printed first, measured ledger beside true ledger.

    """

    section: str
    levers: tuple[str, ...]
    simulate: Callable[..., tuple[dict[str, float], dict[str, pd.DataFrame]]]
    check_regime: Callable[[object, str], None]
    measured: tuple[str, ...]
    true: tuple[str, ...]
    behaviour: tuple[str, ...]

    @property
    def headline(self) -> tuple[str, ...]:
        """Every printed metric: measured ledger, gap, true ledger, behaviour."""
        return (*self.measured, *self.true, *self.behaviour)


def _hospital() -> Domain:
    from sim.hospital import ALL_LEVERS, check_regime, simulate

    return Domain(
        section="hospital",
        levers=tuple(lever.name for lever in ALL_LEVERS),
        simulate=simulate,
        check_regime=check_regime,
        measured=(
            "measured_4h_pct", "mean_measured_min", "regime_score", "regime_met_pct",
            "gap_4h_pct",
        ),
        true=(
            "true_4h_pct", "mean_true_min", "waits_12h_from_arrival", "waits_12h_from_decision",
            "corridor_hours", "excess_deaths", "reattendances", "ambulance_handover_over_60_pct",
            "urgent_wait_to_see_min", "left_unseen_pct", "patient_experience", "staff_burnout",
        ),
        behaviour=(
            "gaming_prevalence_pct", "lever_breach_priority", "lever_hold_ambulances",
            "lever_clock_stop_transfer", "lever_corridor_care", "lever_misrecord",
            "lever_curate_survey",
            "lever_early_discharge",
        ),
    )  # fmt: skip


_FACTORIES: dict[str, Callable[[], Domain]] = {"hospital": _hospital}


def domain_names() -> list[str]:
    """Names of the registered domains."""
    return sorted(_FACTORIES)


def get_domain(name: str) -> Domain:
    """The registered domain called `name`."""
    if name not in _FACTORIES:
        raise KeyError(f"unknown domain '{name}'; allowed: {domain_names()}")
    return _FACTORIES[name]()
