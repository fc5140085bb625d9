"""Sweeps: every design point x regime x replication, run anywhere, stored as they finish.

Each run has a stable id derived from its place in the design, its parameter values,
regime, replication, master seed and length (a design may hold the same values twice), so
rerunning a sweep on the same folder runs only what is missing (or failed), whichever
executor runs it. Replication r of every point and regime uses the seed sequence (seed, r):
common random numbers across regimes and across points.
"""

from __future__ import annotations

import hashlib
import json
import math
import time
import traceback
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from tqdm.auto import tqdm

from sim.experiments.design import SweepSpec
from sim.experiments.executors import DaskExecutor, LocalExecutor
from sim.experiments.output import manifest
from sim.experiments.resources import check_memory
from sim.experiments.runner import ResultsWarning, run, run_settings, run_warnings
from sim.experiments.scenario import Scenario, ScenarioError, value_at, with_overrides
from sim.experiments.store import ResultsStore
from sim.registry import get_domain


def _digest(data: Any, length: int = 16) -> str:
    text = json.dumps(data, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:length]


@dataclass(frozen=True)
class SweepReport:
    """What a sweep call did."""

    folder: Path
    planned: int
    skipped: int
    ran: int
    failed: int
    seconds: float
    set_aside: tuple[str, ...] = ()  # unreadable part files renamed corrupt-*, re-run


def plan(
    scenario: Scenario, spec: SweepSpec, replications: int, days: float, seed: int
) -> tuple[list[dict[str, Any]], pd.DataFrame]:
    """Every run of the sweep, and the table of design points (in design order)."""
    points = spec.points(seed)
    point_rows, tasks = [], []
    for index, point in enumerate(points):
        point_id = _digest({"point": point})
        point_rows.append({"point": index, "point_id": point_id, **point})
        for replication in range(replications):
            for regime in scenario.regimes:
                key = {"index": index, "point": point, "regime": regime,
                       "replication": replication, "seed": seed, "days": days}  # fmt: skip
                run_id = _digest(key)
                tasks.append({
                    "id": run_id, "point": index, "point_id": point_id, "params": point,
                    "regime": regime, "replication": replication,
                })  # fmt: skip
    return tasks, pd.DataFrame(point_rows)


def integer_ranges(scenario: Scenario, spec: SweepSpec) -> SweepSpec:
    """Mark as integer every sampled range whose parameter is a whole number in the scenario.

    So a Sobol, Morris or Latin hypercube design over, say, beds draws whole numbers.
    """
    data = scenario.model_dump(mode="python")
    changed = {}
    for name, values in spec.parameters.items():
        current = value_at(data, name)
        if values.low is not None and not values.integer and (
                isinstance(current, int) and not isinstance(current, bool)):  # fmt: skip
            changed[name] = values.model_copy(update={"integer": True})
    if not changed:
        return spec
    return spec.model_copy(update={"parameters": {**spec.parameters, **changed}})


def check_parameters(scenario: Scenario, spec: SweepSpec) -> None:
    """Refuse a sweep whose parameters do not exist or take values the scenario refuses."""
    for name, values in spec.parameters.items():
        trial = values.values if values.values is not None else [values.low, values.high]
        for value in trial:
            if values.integer and value is not None:
                value = round(value)
            try:
                with_overrides(scenario, {name: value})
            except ScenarioError as error:
                raise ScenarioError(f"sweep.parameters.{name} = {value!r}: {error}") from None


def run_batch(batch: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Run a batch of sweep tasks; a run that raises becomes a 'failed' row.

    A task asking to keep its tables gets them under the row's `_tables` key.
    """
    rows = []
    for task in batch:
        started = time.perf_counter()
        row = {
            "id": task["id"], "point": task["point"], "point_id": task["point_id"],
            "regime": task["regime"], "replication": task["replication"],
            "seed": task["seed"], "days": task["days"], **task["params"],
        }  # fmt: skip
        try:
            scenario = with_overrides(task["scenario"], task["params"])
            result = run(
                scenario, regime=task["regime"], seed=task["seed"], days=task["days"],
                replication=task["replication"], time_limit_s=task.get("time_limit_s"),
                tables=bool(task.get("keep_tables")),
            )  # fmt: skip
            row.update(status="ok", error="", **result.summary)
            if task.get("keep_tables"):
                row["_tables"] = result.tables
        except Exception as error:  # recorded; the sweep goes on
            last = traceback.format_exception_only(error)[-1].strip()
            row.update(status="failed", error=last)
        row["wall_s"] = time.perf_counter() - started
        rows.append(row)
    return rows


def failed_rows(batch: Sequence[dict[str, Any]], error: str) -> list[dict[str, Any]]:
    """Rows recording that a whole batch was lost (e.g. its worker died)."""
    return [
        {"id": t["id"], "point": t["point"], "point_id": t["point_id"], "regime": t["regime"],
         "replication": t["replication"], "seed": t["seed"], "days": t["days"],
         **t["params"], "status": "failed", "error": error, "wall_s": math.nan}
        for t in batch
    ]  # fmt: skip


def batch_size(scenario: Scenario, days: float, runs: int, workers: int) -> int:
    """Runs per task: enough for about a second of work, yet every worker kept busy."""
    per_run = get_domain(scenario.domain).seconds_per_run(scenario.params, days)
    size = max(1, math.ceil(1.0 / max(per_run, 1e-6)))
    return max(1, min(size, math.ceil(runs / (2 * max(workers, 1)))))


def sweep(
    scenario: Scenario,
    out: str | Path,
    spec: SweepSpec | None = None,
    replications: int | None = None,
    days: float | None = None,
    seed: int | None = None,
    workers: int = 1,
    cluster: str | None = None,
    progress: bool = True,
    keep_tables: bool = False,
    allow_version_change: bool = False,
    run_time_limit: float | None = None,
) -> SweepReport:
    """Run a sweep into the results store at `out`, skipping runs already stored there.

    With `keep_tables`, each run's detail tables (e.g. patients) are stored too, as
    `tables/NAME/RUN_ID.parquet`; they are off by default because they are large. A store
    written by another version of the code is refused unless `allow_version_change`.
    A run taking longer than `run_time_limit` seconds is stopped and recorded as failed
    (rerun the sweep with a higher limit to run it again).
    """
    spec = spec or scenario.sweep
    if spec is None:
        raise ScenarioError("sweep: the scenario has no [sweep] table and none was given")
    spec = integer_ranges(scenario, spec)
    check_parameters(scenario, spec)
    reps = scenario.replications if replications is None else replications
    if reps < 1:
        raise ScenarioError(f"replications: must be >= 1, got {reps}")
    checked = run_settings(scenario, seed=seed, days=days,
                           time_limit_s=run_time_limit)  # refuses a bad seed, length or limit
    days, seed = checked.days, checked.seed[0]
    tasks, points = plan(scenario, spec, reps, days, seed)
    check_memory(scenario, days, at_once=1 if cluster else min(max(workers, 1), len(tasks)))
    for note in run_warnings(scenario, days, reps):
        warnings.warn(note, ResultsWarning, stacklevel=2)
    identity = _digest(
        {"scenario": scenario.digest(), "design": spec.model_dump(mode="json"),
         "replications": reps, "days": days, "seed": seed}, length=64,
    )  # fmt: skip
    executor = DaskExecutor(cluster, workers) if cluster else LocalExecutor(workers)
    if cluster:
        executor.connect()  # an unusable cluster fails here, before any folder is made
    store = ResultsStore(out)
    store.open_for(
        manifest(scenario, command="sweep", design=spec.model_dump(mode="json"),
                 replications=reps, days=days, seed=seed, planned_runs=len(tasks),
                 points=len(points), regimes=list(scenario.regimes)),
        identity, allow_version_change,
    )  # fmt: skip
    store.check_points(points)

    done = store.finished_ids()
    todo = [
        {**t, "scenario": scenario, "seed": seed, "days": days, "keep_tables": keep_tables,
         "time_limit_s": run_time_limit}
        for t in tasks if t["id"] not in done
    ]  # fmt: skip
    size = batch_size(scenario, days, len(todo), workers)
    batches = [todo[i : i + size] for i in range(0, len(todo), size)]
    failed = 0
    started = time.perf_counter()
    bar = tqdm(total=len(tasks), initial=len(tasks) - len(todo), unit="run",
               desc=scenario.name, disable=not progress)  # fmt: skip
    try:
        for rows in executor.run(run_batch, batches, failed_rows):
            for row in rows:
                for name, table in row.pop("_tables", {}).items():
                    store.write_table(name, row["id"], table)
            store.append(rows)
            failed += sum(r["status"] != "ok" for r in rows)
            bar.update(len(rows))
            bar.set_postfix(failed=failed)
    finally:
        bar.close()
    return SweepReport(
        store.folder,
        len(tasks),
        len(tasks) - len(todo),
        len(todo),
        failed,
        time.perf_counter() - started,
        tuple(store.set_aside),
    )
