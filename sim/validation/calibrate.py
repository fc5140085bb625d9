"""Calibration in the open: fit named parameters to chosen facts, report the held-out ones.

Method: the parameters are scaled to [0, 1] within their bounds and the Nelder-Mead
simplex (`scipy.optimize.minimize`, bounded) minimises the sum over the fitted facts of
((simulated mean - published target) / half-width of the accepted interval)^2. Every
evaluation runs the same replications with the same seeds (common random numbers), so the
objective is a deterministic function of the parameters. Facts of the same scenario that
are not fitted are held out and reported at the optimum.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.optimize import minimize
from tqdm.auto import tqdm

from sim.experiments.runner import resolve
from sim.experiments.scenario import ScenarioError
from sim.validation.facts import Fact, all_facts, get_fact, locate
from sim.validation.validate import check, run_scenarios


@dataclass(frozen=True)
class FreeParameter:
    """A parameter to fit, by dotted name, within bounds."""

    name: str
    low: float
    high: float

    def __post_init__(self) -> None:
        """Refuse empty bounds."""
        if not self.low < self.high:
            raise ScenarioError(f"{self.name}: need LOW < HIGH, got {self.low:g}:{self.high:g}")


@dataclass
class Calibration:
    """The fitted values, the objective at the optimum and the checks of both fact sets."""

    scenario: str
    values: dict[str, float]
    objective: float
    evaluations: int
    fitted: pd.DataFrame
    held_out: pd.DataFrame
    history: list[dict[str, float]] = field(default_factory=list)


def _scale(fact: Fact) -> tuple[float, float]:
    """Target and half-width used to standardise a fact's miss."""
    finite = math.isfinite(fact.low) and math.isfinite(fact.high)
    target = fact.target if fact.target is not None else (
        (fact.low + fact.high) / 2 if finite else (fact.low if math.isfinite(fact.low)
                                                    else fact.high))  # fmt: skip
    half = (fact.high - fact.low) / 2 if finite else max(abs(target), 1.0)
    return target, half


def objective_of(table: pd.DataFrame, facts: Sequence[Fact]) -> float:
    """Sum of squared standardised misses of the fitted facts (inf if any is missing)."""
    total = 0.0
    for fact, mean in zip(facts, table["simulated"], strict=True):
        if math.isnan(mean):
            return math.inf
        target, half = _scale(fact)
        total += ((mean - target) / half) ** 2
    return total


def calibrate(
    parameters: Sequence[FreeParameter],
    fit: Sequence[str],
    *,
    replications: int = 3,
    max_evaluations: int = 30,
    workers: int = 1,
    progress: bool = True,
) -> Calibration:
    """Fit `parameters` to the facts named in `fit`; hold out that scenario's other facts."""
    if replications < 1 or max_evaluations < 1:
        raise ScenarioError(
            f"replications and max_evaluations: must be >= 1, got {replications} and "
            f"{max_evaluations}"
        )
    if not parameters:
        raise ScenarioError("param: give a parameter to fit, as NAME=LOW:HIGH")
    fitted = [get_fact(key) for key in fit]
    if not fitted or any(not f.applicable for f in fitted):
        allowed = [f.key for f in all_facts() if f.applicable]
        raise ScenarioError(f"fit: name facts the model can check; allowed: {allowed}")
    scenarios = {f.scenario for f in fitted}
    if len(scenarios) != 1:
        raise ScenarioError(f"fit: facts must share one scenario, got {sorted(scenarios)}")
    scenario = scenarios.pop()
    held = [f for f in all_facts() if f.applicable and f.scenario == scenario and f not in fitted]
    base = resolve(locate(scenario))
    start = []
    for p in parameters:  # refuse an unknown name or an out-of-range bound before running
        for bound in (p.low, p.high):
            try:
                resolve(base, {p.name: bound})
            except ScenarioError as error:
                raise ScenarioError(f"param {p.name}={p.low:g}:{p.high:g}: {error}") from None
        start.append(0.5)
    history: list[dict[str, float]] = []
    bar = tqdm(total=max_evaluations, desc="calibrate", unit="eval", disable=not progress)

    def values_of(x: np.ndarray) -> dict[str, float]:
        x = np.clip(x, 0.0, 1.0)
        return {p.name: p.low + float(v) * (p.high - p.low) for p, v in zip(parameters, x,
                                                                          strict=True)}

    def loss(x: np.ndarray) -> float:
        values = values_of(x)
        found = run_scenarios(fitted, replications, workers=workers, progress=False,
                              overrides=values, needed_regimes_only=True)  # fmt: skip
        value = objective_of(check(fitted, found), fitted)
        history.append({**values, "objective": value})
        bar.update()
        return value

    try:
        result = minimize(loss, np.array(start), method="Nelder-Mead",
                          bounds=[(0.0, 1.0)] * len(parameters),
                          options={"maxfev": max_evaluations, "xatol": 1e-3, "fatol": 1e-3})
    finally:
        bar.close()
    best = min(history, key=lambda row: row["objective"])
    values = {p.name: best[p.name] for p in parameters}
    found = run_scenarios([*fitted, *held], replications, workers=workers, progress=False,
                          overrides=values)  # fmt: skip
    return Calibration(scenario, values, best["objective"], int(result.nfev),
                       check(fitted, found), check(held, found), history)  # fmt: skip
