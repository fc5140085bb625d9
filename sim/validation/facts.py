"""Stylized facts: how a published figure is stated and checked, and where facts come from.

Each fact names the published figure and its source, the scenario and regime that put the
model in the same situation, a statistic computed from one replication's runs, and the
interval within which the simulated statistic counts as reproducing the fact. The
intervals are stated here, in the open, once for all runs; they are never tuned per run.
A fact the model has no counterpart for is listed with the reason. Each domain declares
its own facts (`Domain.facts`); `all_facts` gathers those of every registered domain and
the facts no domain models yet.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from sim.experiments.scenario import ScenarioError

#: One replication: each regime's observations (its run summary plus table-derived values).
Replication = Mapping[str, Mapping[str, float]]

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


ROLES = ("held out", "fitted", "input")


@dataclass(frozen=True)
class Fact:
    """A published regularity and how the model is held to it.

    `role` says what the fact can prove: "held out" (nothing was fitted to it, so it tests
    the model), "fitted" (a parameter was calibrated to it, so reproducing it is by
    construction) or "input" (the mechanism takes it as given).
    """

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
    role: str = "held out"

    def __post_init__(self) -> None:
        """Refuse an unknown role."""
        if self.role not in ROLES:
            raise ValueError(f"fact '{self.key}': unknown role '{self.role}'; allowed: {ROLES}")

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


def of(regime: str, metric: str) -> Statistic:
    """The mean of `metric` under `regime`."""
    return Statistic(lambda rep: rep[regime][metric], regime)


def ratio(regime: str, top: str, bottom: str) -> Statistic:
    """`top` over `bottom` under `regime` (NaN if `bottom` is 0)."""
    def value(rep: Replication) -> float:
        below = rep[regime][bottom]
        return rep[regime][top] / below if below else math.nan

    return Statistic(value, regime)


def paired(metric: str, regime: str, reference: str) -> Statistic:
    """`metric` under `regime` minus under `reference`, in the same replication."""
    return Statistic(lambda rep: rep[regime][metric] - rep[reference][metric], regime, reference)


def all_facts() -> tuple[Fact, ...]:
    """The facts of every registered domain, in registry order."""
    from sim.registry import domains

    return tuple(fact for domain in domains() for fact in domain.facts())


def get_fact(key: str) -> Fact:
    """The fact named `key`."""
    facts = all_facts()
    for fact in facts:
        if fact.key == key:
            return fact
    raise ScenarioError(f"fact: unknown fact '{key}'; allowed: {[f.key for f in facts]}")
