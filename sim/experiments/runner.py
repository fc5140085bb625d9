"""Running scenarios: one run, or every regime over replications with common random numbers.

Common random numbers: replication r of a scenario with seed s seeds every run with the
sequence (s, r), whatever the regime, so each regime sees the same patients and the
regime differences within a replication are paired.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from tqdm.auto import tqdm

from sim.experiments.executors import worker_pool
from sim.experiments.resources import check_memory
from sim.experiments.scenario import (
    MAX_DAYS,
    Scenario,
    ScenarioError,
    load_scenario,
    with_overrides,
)
from sim.registry import get_domain
from sim.service import RunSettings


class ResultsWarning(UserWarning):
    """Results that are weaker than they look (see `run_warnings`)."""


@dataclass
class RunResult:
    """One run: the summary of both ledgers and the per-entity tables."""

    scenario: Scenario
    regime: str
    seed: int
    replication: int
    days: float
    summary: dict[str, float]
    tables: dict[str, pd.DataFrame] = field(repr=False)


def resolve(scenario: Scenario | str | Path, overrides: dict[str, Any] | None = None) -> Scenario:
    """Load a scenario from a path if needed and apply overrides."""
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    return with_overrides(scenario, overrides)


def run(
    scenario: Scenario | str | Path,
    regime: str | None = None,
    seed: int | None = None,
    days: float | None = None,
    overrides: dict[str, Any] | None = None,
    replication: int = 0,
    time_limit_s: float | None = None,
    tables: bool = True,
) -> RunResult:
    """Run one regime of a scenario once.

    Args:
        scenario: a scenario file path or a loaded `Scenario`.
        regime: name of one of the scenario's regimes (default: its first).
        seed: master seed (default: the scenario's).
        days: run length in days (default: the scenario's; the warm-up is kept unless
            it would not fit, then it is cut to a quarter of the run).
        overrides: parameters to set, by dotted name, validated like the file.
        replication: replication number; with the seed it fixes the random streams.
        time_limit_s: wall-clock seconds the run may take; past it, `RunTimeLimit` is
            raised (domains built on `ServiceModel` check it every simulated day).
        tables: keep the per-entity tables in the result; False gives a summary-only
            result (`tables` empty), for designs of many runs that read only the summary.

    """
    scenario = resolve(scenario, overrides)
    settings = run_settings(scenario, regime, seed=seed, days=days, replication=replication,
                            time_limit_s=time_limit_s)  # fmt: skip
    check_memory(scenario, settings.days)
    summary, detail = get_domain(scenario.domain).simulate(scenario.params, settings)
    return RunResult(scenario, settings.regime_name, settings.seed[0], replication,
                     settings.days, summary, detail if tables else {})  # fmt: skip


def run_settings(
    scenario: Scenario,
    regime: str | None = None,
    *,
    seed: int | None = None,
    days: float | None = None,
    replication: int = 0,
    time_limit_s: float | None = None,
) -> RunSettings:
    """The settings of one run of `scenario`: what `run`, sweeps and the apps all build.

    Defaults are the scenario's first regime, its seed and its days; the warm-up is the
    scenario's unless it would not fit, then a quarter of the run. Bad values raise
    ScenarioError naming the field.
    """
    regime = regime if regime is not None else next(iter(scenario.regimes))
    if regime not in scenario.regimes:
        raise ScenarioError(f"regime: unknown regime '{regime}'; allowed: {list(scenario.regimes)}")
    seed = scenario.seed if seed is None else seed
    if seed < 0:
        raise ScenarioError(f"seed: must be >= 0, got {seed}")
    days = scenario.days if days is None else float(days)
    if not 0 < days <= MAX_DAYS:  # also refuses nan
        raise ScenarioError(f"days: must be a number > 0 and <= {MAX_DAYS:g}, got {days}")
    if time_limit_s is not None and not 0 < time_limit_s < math.inf:
        raise ScenarioError(f"run time limit: must be a finite number of seconds > 0, "
                            f"got {time_limit_s}")  # fmt: skip
    return RunSettings(
        regime_name=regime, regime=scenario.regimes[regime], behaviour=scenario.behaviour,
        stakes=scenario.stakes, audit=scenario.audit, league=scenario.league_table,
        improvement=scenario.improvement, funder=scenario.funder, seed=(seed, replication),
        days=days, warmup_days=warmup_days(scenario, days), time_limit_s=time_limit_s,
    )  # fmt: skip


MIN_REPLICATIONS = 3  # fewer: intervals are very wide (and are clipped to a range)
MIN_PERIODS = 4  # decision periods after the warm-up for a judged ledger to rest on


def run_warnings(scenario: Scenario, days: float, replications: int | None = None) -> list[str]:
    """What makes the results of these runs weaker than they look, in words (none: fine).

    Too few replications for useful intervals, too few decision periods after the
    warm-up, and scenario events the run ends before.
    """
    notes = []
    if replications is not None and replications < MIN_REPLICATIONS:
        notes.append(f"{replications} replication{'s' * (replications != 1)}: the 95% "
                     f"intervals rest on too few runs to say much; use {MIN_REPLICATIONS} or "
                     "more")  # fmt: skip
    warm = warmup_days(scenario, days)
    period = scenario.behaviour.decision_period_days
    periods = math.floor((days - warm) / period + 1e-9)
    if periods < MIN_PERIODS:
        needed = warm + MIN_PERIODS * period
        notes.append(f"only {periods} decision period{'s' * (periods != 1)} of {period:g} days "
                     f"after the {warm:g}-day warm-up in a {days:g}-day run: learning and the "
                     f"judged ledger rest on too little; run at least {needed:g} days")  # fmt: skip
    for what, day in get_domain(scenario.domain).events(scenario.params):
        if day >= days:
            notes.append(f"the scenario's {what} on day {day:g} is after the end of the "
                         f"{days:g}-day run: it never happens")  # fmt: skip
    return notes


def warmup_days(scenario: Scenario, days: float) -> float:
    """The warm-up a run of `days` uses: the scenario's, or a quarter of a shorter run."""
    return scenario.warmup_days if scenario.warmup_days < days else days / 4.0


def _run_task(task: tuple) -> RunResult:
    scenario, regime, seed, days, replication = task
    return run(scenario, regime=regime, seed=seed, days=days, replication=replication)


def iter_runs(
    scenario: Scenario,
    replications: int,
    days: float | None = None,
    seed: int | None = None,
    workers: int = 1,
    progress: bool = True,
) -> Iterator[RunResult]:
    """Yield every (replication, regime) run, in parallel if `workers` > 1."""
    tasks = [
        (scenario, regime, seed, days, rep)
        for rep in range(replications)
        for regime in scenario.regimes
    ]
    length = run_settings(scenario, seed=seed, days=days).days
    check_memory(scenario, length, at_once=min(max(workers, 1), len(tasks)))
    for note in run_warnings(scenario, length, replications):
        warnings.warn(note, ResultsWarning, stacklevel=3)
    bar = tqdm(total=len(tasks), desc=f"{scenario.name}", unit="run", disable=not progress)
    try:
        if workers <= 1:
            for task in tasks:
                result = _run_task(task)
                bar.update()
                yield result
        else:
            with worker_pool(workers) as pool:
                for result in pool.map(_run_task, tasks):
                    bar.update()
                    yield result
    finally:
        bar.close()


def only_regimes(scenario: Scenario, regimes: Sequence[str] | None) -> Scenario:
    """The scenario with only the named regimes, in its own order (all if None)."""
    if regimes is None:
        return scenario
    unknown = [name for name in regimes if name not in scenario.regimes]
    if unknown or not regimes:
        raise ScenarioError(f"regimes: unknown {unknown or 'none given'}; "
                            f"allowed: {list(scenario.regimes)}")  # fmt: skip
    kept = {k: v for k, v in scenario.regimes.items() if k in regimes}
    return scenario.model_copy(update={"regimes": kept})


def compare(
    scenario: Scenario | str | Path,
    replications: int | None = None,
    days: float | None = None,
    seed: int | None = None,
    overrides: dict[str, Any] | None = None,
    workers: int = 1,
    progress: bool = True,
    regimes: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Run every regime (or those named) over replications with common random numbers.

    Returns one row per (regime, replication) with every summary metric.
    """
    scenario = only_regimes(resolve(scenario, overrides), regimes)
    reps = scenario.replications if replications is None else replications
    if reps < 1:
        raise ScenarioError(f"replications: must be >= 1, got {reps}")
    rows = [
        {"regime": r.regime, "replication": r.replication, **r.summary}
        for r in iter_runs(scenario, reps, days, seed, workers, progress)
    ]
    return pd.DataFrame(rows)
