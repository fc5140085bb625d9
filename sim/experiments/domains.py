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
        check_regime: refuses a regime whose measures the domain does not have.
        seconds_per_run: rough wall time of one run, from the parameters and days (used to
            batch runs so that one distributed task lasts about a second or more).
        sensitivity_output: the default output of a sensitivity analysis.

    """

    section: str
    levers: tuple[str, ...]
    simulate: Callable[..., tuple[dict[str, float], dict[str, pd.DataFrame]]]
    check_regime: Callable[[object, str], None]
    measured: tuple[str, ...]
    true: tuple[str, ...]
    behaviour: tuple[str, ...]
    seconds_per_run: Callable[[object, float], float]
    sensitivity_output: str

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
        # ~60,000 episodes per second on one core (benchmarks/README.md)
        seconds_per_run=lambda p, days: 0.05 + sum(e.arrivals_per_day for e in p.eds) * days / 6e4,
        sensitivity_output="gap_4h_pct",
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


def _courts() -> Domain:
    from sim.courts import ALL_LEVERS, check_regime, simulate

    return Domain(
        section="courts",
        levers=tuple(lever.name for lever in ALL_LEVERS),
        simulate=simulate,
        check_regime=check_regime,
        measured=("measured_mean_days_to_trial", "regime_score", "regime_met_pct"),
        true=(
            "backlog_mean_age_days", "backlog_cases", "backlog_growth_pct",
            "backlog_over_1y_pct", "backlog_over_2y_pct", "wrongful_convictions",
            "wrongful_sentence_years", "wrongful_acquittals", "victim_attrition_pct",
            "ineffective_trial_pct", "cracked_trial_pct", "vacated_trial_pct", "ctl_breaches",
            "guilty_plea_pct", "outcome_consistency", "victim_satisfaction",
            "appeals_allowed", "trial_time_given_pct",
        ),
        behaviour=("lever_quick_first", "lever_over_listing", "lever_rush",
                   "lever_plea_pressure", "lever_discontinue_old"),
        # ~50,000 cases a second on one core (benchmarks/bench_courts.py)
        seconds_per_run=lambda p, days: 0.05 + sum(c.receipts_per_day for c in p.centres)
        * days / 5e4,
        sensitivity_output="backlog_over_1y_pct",
    )  # fmt: skip


def _ishigami() -> Domain:
    from sim.experiments.analytic import simulate

    return Domain(
        section="ishigami",
        levers=(),
        simulate=simulate,
        check_regime=lambda spec, name: None,
        measured=(),
        true=("y",),
        behaviour=(),
        seconds_per_run=lambda p, days: 1e-4 + p.sleep_s,
        sensitivity_output="y",
    )


_FACTORIES: dict[str, Callable[[], Domain]] = {
    "hospital": _hospital,
    "courts": _courts,
    "ishigami": _ishigami,
}


def domain_names() -> list[str]:
    """Names of the registered domains."""
    return sorted(_FACTORIES)


def get_domain(name: str) -> Domain:
    """The registered domain called `name`."""
    if name not in _FACTORIES:
        raise KeyError(f"unknown domain '{name}'; allowed: {domain_names()}")
    return _FACTORIES[name]()
