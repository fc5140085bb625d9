"""EMA Workbench adapter: a scenario as an EMA `Model`, and a sweep store as EMA results.

Needs the optional extra: ``pip install "goodhart[ema]"``. Exploratory modelling in six
lines::

    from ema_workbench import perform_experiments
    from sim.ema import ema_model
    model = ema_model("scenarios/ae_four_hour.toml", days=120)
    experiments, outcomes = perform_experiments(model, scenarios=50, policies=3)

What the adapter settles, so a study needs no glue code:

* **Names.** EMA wants Python identifiers; Goodhart's parameters have dotted names. Each
  dot becomes a double underscore (`behaviour.gamer_share` is `behaviour__gamer_share`)
  and the function maps the names back itself, so `optimize()`, which ignores EMA's
  `variable_name`, works too. `ema_name` and `dotted_name` convert.
* **Inputs.** Uncertainties default to the scenario's `[sweep.parameters]`; any parameter
  `sim.parameters(scenario)` lists may be given with a range (its type, integer or real,
  comes from the schema). The regime is a categorical lever.
* **Outputs.** Every metric in the domain's catalogue, with each count's rate: the same
  outcomes for every regime (a metric undefined for a regime is NaN). The means of a
  regime's own measures (`regime_measured_*`) are left out, as they differ by regime.
  Runs are summary-only: no per-entity table is kept.
* **Common random numbers.** A run's replication number is a hash of its uncertain
  values, so every policy (lever setting) at one scenario (uncertain point) sees the same
  patients or cases; give a `replication` uncertainty to choose replications yourself.
* **Failures.** A run that raises returns NaN for every outcome and 1 for `failed`, and
  logs the message (with its inputs) to the ``sim.ema`` logger, so no evaluator hangs
  on it. `time_limit_s` bounds each run's wall time the same way.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import traceback
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

try:
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "ipyparallel not installed")  # optional there
        from ema_workbench import (
            BooleanParameter,
            CategoricalParameter,
            Constant,
            IntegerParameter,
            Model,
            RealParameter,
            ScalarOutcome,
        )
except ImportError as error:  # pragma: no cover - depends on the environment
    raise ImportError(
        "sim.ema needs EMA Workbench: pip install \"goodhart[ema]\""
    ) from error

from sim.experiments.design import ParameterRange, SweepSpec
from sim.experiments.parameters import parameters
from sim.experiments.runner import resolve, run
from sim.experiments.scenario import Scenario, ScenarioError
from sim.experiments.store import ResultsStore, StoreError
from sim.registry import get_domain

logger = logging.getLogger(__name__)

SEPARATOR = "__"  # stands for a dot in an EMA name
FAILED = "failed"  # the outcome that is 1 for a run that raised
REPLICATION = "replication"  # an uncertainty of this name sets the replication number
REGIME = "regime"  # the lever choosing the regime

#: a range as given to `ema_model`: a (low, high) tuple or a list of values
Range = tuple[float, float] | Sequence[Any] | ParameterRange


def ema_name(dotted: str) -> str:
    """The EMA name (an identifier) of a dotted parameter name."""
    name = dotted.replace(".", SEPARATOR)
    if not name.isidentifier() or dotted_name(name) != dotted:
        raise ScenarioError(f"'{dotted}': cannot be named in EMA Workbench (not an identifier "
                            f"once each '.' is '{SEPARATOR}')")  # fmt: skip
    return name


def dotted_name(name: str) -> str:
    """The dotted parameter name of an EMA name (`ema_name` undone)."""
    return name.replace(SEPARATOR, ".")


def outcome_names(domain: str) -> list[str]:
    """Every catalogued metric (rates included): what a run reports under every regime."""
    return [metric.name for metric in get_domain(domain).metrics]


@dataclass(frozen=True)
class GoodhartFunction:
    """The function EMA calls: one summary-only run with the sampled values (picklable).

    Keyword arguments are EMA names: the `regime`, optionally the `replication`, and
    parameters by `ema_name`. Returns every outcome by name and `failed` (0 or 1).
    """

    scenario: Scenario
    uncertain: frozenset[str]
    outcomes: tuple[str, ...]
    days: float | None = None
    time_limit_s: float | None = None

    def __call__(self, **values: Any) -> dict[str, float]:
        """Run the scenario with `values`; NaN outcomes and `failed` = 1 if it raises."""
        values = {name: _plain(value) for name, value in values.items()}
        regime = values.pop(REGIME, None)
        replication = values.pop(REPLICATION, None)
        overrides = {dotted_name(name): value for name, value in values.items()}
        if replication is None:
            replication = crn_replication(
                {dotted_name(n): v for n, v in values.items() if n in self.uncertain})
        try:
            result = run(self.scenario, regime=regime, days=self.days, overrides=overrides,
                         replication=int(replication), time_limit_s=self.time_limit_s,
                         tables=False)  # fmt: skip
        except Exception as error:  # reported as NaN, so that no evaluator hangs on it
            message = traceback.format_exception_only(error)[-1].strip()
            logger.warning("run failed (regime %s, replication %s, %s): %s", regime,
                           replication, overrides, message)  # fmt: skip
            return {**dict.fromkeys(self.outcomes, math.nan), FAILED: 1.0}
        summary = result.summary
        return {**{name: float(summary.get(name, math.nan)) for name in self.outcomes},
                FAILED: 0.0}  # fmt: skip


def crn_replication(uncertain: Mapping[str, Any]) -> int:
    """A replication number fixed by the uncertain values alone (common random numbers).

    Policies (levers) do not enter, so every policy at one scenario gets the same streams;
    a stable hash, the same in every process and session.
    """
    text = json.dumps(sorted((k, repr(v)) for k, v in uncertain.items()))
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:4], "big") % 2**31


def ema_model(
    scenario: Scenario | str | Path,
    uncertainties: Mapping[str, Range] | None = None,
    levers: Mapping[str, Range] | None = None,
    *,
    regimes: Sequence[str] | None = None,
    days: float | None = None,
    overrides: dict[str, Any] | None = None,
    time_limit_s: float | None = None,
    name: str | None = None,
) -> Model:
    """The scenario as an EMA Workbench `Model`.

    Args:
        scenario: a scenario file or a loaded `Scenario`.
        uncertainties: parameters by dotted name with a (low, high) tuple or a list of
            values (default: the scenario's `[sweep.parameters]`). An integer parameter of
            the schema gets an integer range. `replication` (a (low, high) range) chooses
            replications instead of common random numbers by scenario.
        levers: more policy levers, given the same way; the regime is always one (a
            constant if only one regime is asked for).
        regimes: the regimes the `regime` lever takes (default: all the scenario's).
        days: run length (default: the scenario's).
        overrides: parameters fixed for every run, by dotted name.
        time_limit_s: wall-clock seconds a run may take; a run over it counts as failed.
        name: the EMA model's name (default: the scenario's, made an identifier).

    Raises:
        ScenarioError: an unknown parameter (with the names allowed), a range outside a
            parameter's bounds, or no uncertainties at all.

    """
    scenario = resolve(scenario, overrides)
    if uncertainties is None:
        if scenario.sweep is None:
            raise ScenarioError("uncertainties: none given and the scenario has no "
                                "[sweep.parameters] to take them from")  # fmt: skip
        uncertainties = dict(scenario.sweep.parameters)
    regimes = list(regimes or scenario.regimes)
    unknown = [r for r in regimes if r not in scenario.regimes]
    if unknown:
        raise ScenarioError(f"regimes: unknown {unknown}; allowed: {list(scenario.regimes)}")
    known = parameters(scenario).set_index("name")
    outcomes = tuple(outcome_names(scenario.domain))
    function = GoodhartFunction(
        scenario, frozenset(ema_name(n) for n in uncertainties if n != REPLICATION),
        outcomes, days, time_limit_s,
    )  # fmt: skip
    model = Model(name or _identifier(scenario.name), function=function)
    model.uncertainties = [_parameter(n, r, known, "uncertainties")
                           for n, r in uncertainties.items()]  # fmt: skip
    chosen = [_parameter(n, r, known, "levers") for n, r in (levers or {}).items()]
    if len(regimes) > 1:
        model.levers = [CategoricalParameter(REGIME, regimes), *chosen]
    else:  # EMA wants two categories or more: one regime is a constant
        model.levers = chosen
        model.constants = [Constant(REGIME, regimes[0])]
    model.outcomes = [*(ScalarOutcome(n) for n in outcomes), ScalarOutcome(FAILED)]
    return model


def _parameter(dotted: str, given: Range, known: pd.DataFrame, field: str) -> Any:
    """An EMA parameter for `dotted` over `given`, typed and bounded by the schema."""
    if dotted == REPLICATION:
        low, high = _range(given, field, dotted)
        return IntegerParameter(REPLICATION, int(low), int(high))
    if dotted not in known.index:
        close = [n for n in known.index if n.rsplit(".", 1)[-1] == dotted.rsplit(".", 1)[-1]]
        raise ScenarioError(f"{field}: unknown parameter '{dotted}'"
                            + (f"; did you mean {close}?" if close else "")
                            + "; `goodhart params SCENARIO` lists them all")  # fmt: skip
    row = known.loc[dotted]
    name = ema_name(dotted)
    if isinstance(given, ParameterRange):
        values = given.values
    else:
        values = None if isinstance(given, tuple) else list(given)
    if values is not None:
        values = [_plain(v) for v in values]
        if all(isinstance(v, bool) for v in values) and set(values) == {True, False}:
            return BooleanParameter(name)
        return CategoricalParameter(name, values)
    low, high = _range(given, field, dotted)
    for bound, value in (("low", row["low"]), ("high", row["high"])):
        outside = low < value if bound == "low" else high > value
        if not math.isnan(value) and outside:
            raise ScenarioError(f"{field}.{dotted}: range [{low:g}, {high:g}] leaves the "
                                f"allowed [{row['low']:g}, {row['high']:g}]")  # fmt: skip
    integer = row["type"] == "int" or (isinstance(given, ParameterRange) and given.integer)
    if integer:
        return IntegerParameter(name, int(low), int(high))
    return RealParameter(name, float(low), float(high))


def _range(given: Range, field: str, dotted: str) -> tuple[float, float]:
    if isinstance(given, ParameterRange):
        low, high = given.low, given.high
    else:
        low, high = given  # type: ignore[misc]
    if not (isinstance(low, int | float) and isinstance(high, int | float) and low < high):
        raise ScenarioError(f"{field}.{dotted}: give (low, high) with low < high or a list "
                            f"of values, got {given!r}")  # fmt: skip
    return float(low), float(high)


def from_store(folder: str | Path) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """A sweep store's runs as EMA's `(experiments, outcomes)`, for its analysis tools.

    One experiment per run: the swept parameters (EMA names), `regime` and `replication`,
    with EMA's `scenario` (the design point), `policy` (the regime) and `model` columns.
    Outcomes are `outcome_names` and `failed`; failed runs have NaN outcomes.
    """
    store = ResultsStore(folder)
    manifest = store.manifest()
    if manifest is None or "design" not in manifest:
        raise StoreError(f"'{folder}' is not a sweep store (no manifest.json with a design)")
    runs = store.read().sort_values("id", ignore_index=True)
    swept = list(SweepSpec.model_validate(manifest["design"]).parameters)
    experiments = pd.DataFrame({ema_name(n): runs[n] for n in swept})
    regimes = manifest.get("regimes") or sorted(runs["regime"].unique())
    experiments[REGIME] = pd.Categorical(runs["regime"], categories=regimes)
    experiments[REPLICATION] = runs["replication"].to_numpy()
    experiments["scenario"] = pd.Categorical(runs["point"])
    experiments["policy"] = experiments[REGIME]
    experiments["model"] = pd.Categorical([_identifier(manifest["scenario"]["name"])] * len(runs))
    outcomes = {
        name: runs[name].to_numpy(dtype=float) if name in runs else np.full(len(runs), np.nan)
        for name in outcome_names(manifest["scenario"]["domain"])
    }
    outcomes[FAILED] = (runs["status"] != "ok").to_numpy(dtype=float)
    return experiments, outcomes


def _plain(value: Any) -> Any:
    """A numpy scalar as the Python value the validated schema takes."""
    return value.item() if isinstance(value, np.generic) else value


def _identifier(text: str) -> str:
    name = "".join(c if c.isalnum() or c == "_" else "_" for c in text)
    return name if name.isidentifier() else f"m_{name}"
