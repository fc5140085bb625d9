"""The stylized facts a calibrated model is checked against (DESIGN section 8).

Each fact names the published figure and its source, the scenario and regime that put the
model in the same situation, a statistic computed from one replication's runs, and the
interval within which the simulated statistic counts as reproducing the fact. The
intervals are stated here, in the open, once for all runs; they are never tuned per run.
A fact the model has no counterpart for is listed with the reason.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from sim.experiments.scenario import ScenarioError

#: One replication: each regime's observations (its run summary plus table-derived values).
Replication = Mapping[str, Mapping[str, float]]

AE = "scenarios/ae_four_hour.toml"
COURTS = "scenarios/courts_time_to_trial.toml"
#: The source tree the package runs from (its scenarios and docs), when it has one.
REPOSITORY = Path(__file__).resolve().parents[2]


def locate(scenario: str) -> Path:
    """A fact's scenario file: relative to the current folder, else to the source tree."""
    here = Path(scenario)
    return here if here.exists() else REPOSITORY / scenario


def default_doc() -> Path | None:
    """The source tree's docs/validation.md, if there is one."""
    doc = REPOSITORY / "docs" / "validation.md"
    return doc if doc.exists() else None


@dataclass(frozen=True)
class Fact:
    """A published regularity and how the model is held to it."""

    key: str
    statement: str
    published: str
    source: str
    scenario: str | None = None
    statistic: Statistic | Callable[[Replication], float] | None = None
    low: float = -math.inf
    high: float = math.inf
    target: float | None = None
    unit: str = ""
    note: str = ""

    @property
    def regimes(self) -> tuple[str, ...] | None:
        """The regimes the statistic reads (None: unknown, so all)."""
        return getattr(self.statistic, "regimes", None)

    @property
    def applicable(self) -> bool:
        """Whether the model has a counterpart to check."""
        return self.statistic is not None


class Statistic:
    """A fact's statistic of one replication, and the regimes it reads."""

    def __init__(self, compute: Callable[[Replication], float], *regimes: str) -> None:
        """Wrap `compute`, which reads only the runs of `regimes`."""
        self.compute = compute
        self.regimes = regimes

    def __call__(self, rep: Replication) -> float:
        """The statistic's value in replication `rep`."""
        return self.compute(rep)


def _of(regime: str, metric: str) -> Statistic:
    return Statistic(lambda rep: rep[regime][metric], regime)


def _ratio(regime: str, top: str, bottom: str) -> Statistic:
    def value(rep: Replication) -> float:
        below = rep[regime][bottom]
        return rep[regime][top] / below if below else math.nan

    return Statistic(value, regime)


def _paired(metric: str, regime: str, reference: str) -> Statistic:
    return Statistic(lambda rep: rep[regime][metric] - rep[reference][metric], regime, reference)


FACTS: tuple[Fact, ...] = (
    Fact(
        "spike_admitted", "Under the 4-hour target, admitted patients' departures bunch in "
        "the 20 minutes before 240 (share leaving at 220-240 over the share at 200-220)",
        "a spike at 220-240 min, strongest for admitted patients", "Mason et al., Ann Emerg "
        "Med 2012; Locker & Mason, BMJ 2005", AE,
        _ratio("kpi", "last20_admitted_pct", "prior20_admitted_pct"), low=1.2, unit="ratio",
    ),
    Fact(
        "spike_discharged", "Discharged patients' departures also bunch before 240 min, "
        "less than admitted patients'", "a smaller spike for discharged patients",
        "Locker & Mason, BMJ 2005", AE,
        _ratio("kpi", "last20_discharged_pct", "prior20_discharged_pct"), low=1.0,
        unit="ratio",
    ),
    Fact(
        "last20_admitted", "Share of admitted patients leaving at 220-240 min",
        "12.3% (2004)", "Locker & Mason, BMJ 2005", AE, _of("kpi", "last20_admitted_pct"),
        low=8.0, high=17.0, target=12.3, unit="%",
    ),
    Fact(
        "last20_discharged", "Share of discharged patients leaving at 220-240 min",
        "3.6% (2004)", "Locker & Mason, BMJ 2005", AE, _of("kpi", "last20_discharged_pct"),
        low=2.0, high=6.0, target=3.6, unit="%",
    ),
    Fact(
        "reported_vs_experienced", "Reported 4-hour compliance exceeds what patients "
        "experience (percentage points)", "96% official vs 77% patient survey (2004/05); "
        "90% vs 69% (2002/03)", "Bevan & Hood, Public Administration 2006", AE,
        _of("kpi", "gap_4h_pct"), low=10.0, high=30.0, target=19.0, unit="points",
        note="the model's gap is only what gaming moves; the published one compares "
        "official returns with a patient survey, which adds recall and a different start "
        "of the wait",
    ),
    Fact(
        "waits_12h_ratio", "12-hour waits counted from arrival over those counted from the "
        "decision to admit", "1,656,206 vs 347,703 in 2022 (x4.8)", "RCEM analysis of NHS "
        "England data", AE, _ratio("kpi", "waits_12h_from_arrival", "waits_12h_from_decision"),
        low=3.0, high=7.0, target=4.8, unit="ratio", note="the model's long stays are mostly "
        "admitted patients waiting for a bed after the decision; in England many long waits "
        "come before a decision is made",
    ),
    Fact(
        "handover_over_60", "Ambulance handovers over 60 minutes under winter crowding",
        "24% in the worst week of December 2022 (41% over 30 min)", "NHS England weekly "
        "data", AE, _of("kpi", "ambulance_handover_over_60_pct"), low=5.0, high=30.0,
        unit="%", note="the published figure is the worst week; the scenario's is a winter's "
        "average, so a lower share is accepted",
    ),
    Fact(
        "target_shortens_stays", "The target shortens stays on average (KPI minus no target, "
        "mean minutes in department, paired)", "-21 min for affected patients",
        "Gruber, Hoe & Stoye, REStat 2023", AE, _paired("mean_true_min", "kpi", "none"),
        high=0.0, target=-21.0, unit="min", note="the published effect came with resources "
        "and effort the target prompted; the model's capacity is fixed by the scenario",
    ),
    Fact(
        "bundle_vs_threshold", "A bundle of measures instead of the single threshold: mean "
        "time in department (OKR minus KPI, paired)", "mean waits ~6 min longer overall",
        "NHS England Clinical Review of Standards field tests, 2019-21", AE,
        _paired("mean_true_min", "okr", "kpi"), low=0.0, high=30.0, target=6.0, unit="min",
        note="the model's regimes change mean stays by a few minutes at most, within noise",
    ),
    Fact(
        "mortality_by_stay", "Mortality rises with time in department",
        "SMR 0.94 (<4h), 1.06 (4-6h), 1.14 (6-8h), 1.16 (8-12h)", "Jones et al., EMJ 2022",
        note="an input: excess deaths are computed from these ratios, so the model cannot "
        "test them",
    ),
    Fact(
        "backlog_growth", "The Crown Court backlog grows when sitting days are capped "
        "(no target, % change over the year after the warm-up)",
        "41,045 (Mar 2020) to 67,284 (Dec 2023): about +14% a year", "Ministry of Justice "
        "criminal court statistics", COURTS, _of("none", "backlog_growth_pct"), low=5.0,
        high=40.0, target=14.0, unit="%",
    ),
    Fact(
        "backlog_over_1y", "Share of the backlog over a year old (no target)",
        "27% (Dec 2023)", "Ministry of Justice criminal court statistics", COURTS,
        _of("none", "backlog_over_1y_pct"), low=20.0, high=35.0, target=27.0, unit="%",
    ),
    Fact(
        "ineffective_trials", "Ineffective trials, share of trials heard (no target)",
        "13-19% before 2020; 27% (Dec 2023)", "MoJ criminal court statistics", COURTS,
        _of("none", "ineffective_trial_pct"), low=13.0, high=27.0, target=19.0, unit="%",
    ),
    Fact(
        "cracked_trials", "Cracked trials, share of trials heard (no target)",
        "~35% (2014/15), mostly late guilty pleas", "NAO 2016", COURTS,
        _of("none", "cracked_trial_pct"), low=30.0, high=40.0, target=35.0, unit="%",
    ),
    Fact(
        "guilty_pleas", "Share of concluded cases ending in a guilty plea (no target)",
        "~70% of Crown Court defendants", "MoJ criminal court statistics", COURTS,
        _of("none", "guilty_plea_pct"), low=65.0, high=75.0, target=70.0, unit="%",
    ),
    Fact(
        "withdrawal_rises_with_delay", "Victims withdraw more the longer cases wait "
        "(withdrawals per victim-year waited: second year over first)",
        "rape complainants withdrawing after charge: 2.8% (2019) to 7.3% (2024) as waits grew",
        "CPS data as reported", COURTS, _of("none", "withdrawal_rate_ratio"), low=1.0,
        unit="ratio", note="the withdrawal hazard is an input that rises with delay; this "
        "checks it survives the case flow",
    ),
    Fact(
        "effort_shifts_to_what_counts", "Targets shift effort to what counts",
        "cautions for violence +142% after the offences-brought-to-justice target (2002-06)",
        "Home Office data via Bevan & Hood", note="no police model: not applicable",
    ),
)


def get_fact(key: str) -> Fact:
    """The fact named `key`."""
    for fact in FACTS:
        if fact.key == key:
            return fact
    raise ScenarioError(f"fact: unknown fact '{key}'; allowed: {[f.key for f in FACTS]}")
