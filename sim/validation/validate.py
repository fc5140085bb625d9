"""Running the stylized-fact checks: every fact's scenario over replications, with intervals."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from sim.experiments.folders import write_comparison
from sim.experiments.runner import iter_runs, resolve
from sim.experiments.scenario import ScenarioError
from sim.experiments.stats import t_interval
from sim.validation.facts import Fact, Replication, all_facts, locate
from sim.validation.observations import observe

REPRODUCED, NOT_REPRODUCED, NOT_APPLICABLE = "reproduced", "not reproduced", "not applicable"
INCONCLUSIVE = "inconclusive"


def verdict(fact: Fact, mean: float, low: float = math.nan, high: float = math.nan) -> str:
    """Judge the simulated mean and its 95% interval (`low`, `high`) against the fact.

    Reproduced: the mean lies in the accepted interval and so does the whole 95% interval
    (where there is one: a single replication is judged on its value). Inconclusive: the
    mean lies inside but the interval crosses a bound, so the replications cannot tell
    (more replications may). Not reproduced: the mean lies outside.
    """
    if not fact.applicable:
        return NOT_APPLICABLE
    if math.isnan(mean) or not fact.low <= mean <= fact.high:
        return NOT_REPRODUCED
    if (not math.isnan(low) and low < fact.low) or (not math.isnan(high) and high > fact.high):
        return INCONCLUSIVE
    return REPRODUCED


def accepted(fact: Fact) -> str:
    """The accepted interval as text."""
    if not fact.applicable:
        return "-"
    if math.isinf(fact.low):
        return f"<= {fact.high:g}"
    if math.isinf(fact.high):
        return f">= {fact.low:g}"
    return f"{fact.low:g} to {fact.high:g}"


def run_scenarios(
    facts: Sequence[Fact],
    replications: int,
    *,
    days: float | None = None,
    workers: int = 1,
    out: Path | None = None,
    progress: bool = True,
    overrides: dict | None = None,
    needed_regimes_only: bool = False,
) -> dict[str, list[Replication]]:
    """Observations of every replication of each scenario the facts need.

    With `out`, each scenario's comparison is also written to `out/<scenario name>/`;
    `overrides` (dotted names) are applied to every scenario. With `needed_regimes_only`,
    only the regimes the facts read are run (faster, for calibration).
    """
    found: dict[str, list[Replication]] = {}
    for path in dict.fromkeys(f.scenario for f in facts if f.applicable):
        scenario = resolve(locate(path), overrides)
        wanted = [f.regimes for f in facts if f.applicable and f.scenario == path]
        if needed_regimes_only and all(w is not None for w in wanted):
            keep = {name for w in wanted for name in w}
            regimes = {k: v for k, v in scenario.regimes.items() if k in keep}
            scenario = scenario.model_copy(update={"regimes": regimes})
        by_rep: dict[int, dict[str, dict[str, float]]] = defaultdict(dict)

        def keep(result, by_rep=by_rep) -> None:
            by_rep[result.replication][result.regime] = observe(result)

        if out is None:
            for result in iter_runs(scenario, replications, days, None, workers, progress):
                keep(result)
        else:
            write_comparison(scenario, out / scenario.name, replications, days=days,
                             workers=workers, progress=progress, observe=keep)  # fmt: skip
        found[path] = [by_rep[r] for r in sorted(by_rep)]
    return found


def check(facts: Sequence[Fact], found: dict[str, list[Replication]]) -> pd.DataFrame:
    """One row per fact: the published figure, the simulated mean and 95% CI, the verdict."""
    rows = []
    for fact in facts:
        mean = low = high = math.nan
        if fact.applicable:
            values = np.array([fact.statistic(rep) for rep in found[fact.scenario]], float)
            mean, low, high = t_interval(values)
        rows.append({
            "fact": fact.key, "statement": fact.statement, "published": fact.published,
            "source": fact.source, "unit": fact.unit, "accepted": accepted(fact),
            "simulated": mean, "ci_low": low, "ci_high": high,
            "verdict": verdict(fact, mean, low, high), "role": fact.role, "note": fact.note,
        })  # fmt: skip
    return pd.DataFrame(rows)


def validate(
    replications: int = 5,
    *,
    facts: Sequence[Fact] | None = None,
    days: float | None = None,
    workers: int = 1,
    out: str | Path | None = None,
    progress: bool = True,
) -> pd.DataFrame:
    """Check each fact (default: all) on its scenario over `replications` (paired runs)."""
    facts = all_facts() if facts is None else facts
    if replications < 1:
        raise ScenarioError(f"replications: must be >= 1, got {replications}")
    found = run_scenarios(facts, replications, days=days, workers=workers,
                          out=Path(out) if out else None, progress=progress)  # fmt: skip
    return check(facts, found)
