"""Writing a comparison of every regime to a result folder (what `goodhart compare` writes)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from sim.experiments.output import manifest, output_folder, write_json
from sim.experiments.runner import RunResult, iter_runs, warmup_days
from sim.experiments.scenario import Scenario, ScenarioError
from sim.experiments.stats import gain_split, paired_differences, regime_table
from sim.registry import get_domain


@dataclass
class Comparison:
    """What a comparison wrote: one summary row per run and the statistics of the regimes."""

    folder: Path
    runs: pd.DataFrame
    table: pd.DataFrame
    differences: pd.DataFrame | None
    reference: str
    gains: pd.DataFrame | None = None


def tagged(result: RunResult, table: pd.DataFrame) -> pd.DataFrame:
    """A run's table with its regime and replication as columns."""
    return table.assign(regime=result.regime, replication=result.replication)


def write_comparison(
    scenario: Scenario,
    out: str | Path,
    replications: int,
    *,
    days: float | None = None,
    seed: int | None = None,
    workers: int = 1,
    overrides: dict[str, Any] | None = None,
    progress: bool = True,
    observe: Callable[[RunResult], None] | None = None,
    tables: bool = False,
) -> Comparison:
    """Run every regime over replications (common random numbers) into folder `out`.

    Writes `summary.parquet` (one row per run), every run's small tables (decisions,
    periods, ...), `histograms.parquet` (the binned counts the domain's figures draw from,
    where it declares them), `regimes.csv`, `differences.csv` (paired with 'none', or the
    first regime), `gains.csv` (how much of each regime's measured gain is real, where the
    domain declares the split) and `manifest.json`, atomically. With `tables`, the
    per-entity tables (one row per patient or case: hundreds of MB for the default job)
    are streamed to their own files too. `observe` is called with each finished run
    before its tables are dropped.
    """
    if replications < 1:
        raise ScenarioError(f"replications: must be >= 1, got {replications}")
    domain = get_domain(scenario.domain)
    rows = []
    small: dict[str, list[pd.DataFrame]] = {}
    out = Path(out)
    streamed = domain.streamed_tables  # per-entity tables, too large to hold for many runs
    binned: list[pd.DataFrame] = []
    with output_folder(out) as folder:
        writers: dict[str, pq.ParquetWriter] = {}
        try:
            for result in iter_runs(scenario, replications, days, seed, workers, progress):
                if observe is not None:
                    observe(result)
                rows.append({"regime": result.regime, "replication": result.replication,
                             **result.summary})  # fmt: skip
                if domain.histograms is not None:
                    counts = domain.histograms(result.tables, warmup_days(scenario, result.days),
                                               result.days)  # fmt: skip
                    binned.append(tagged(result, counts))
                for name, table in result.tables.items():
                    if name not in streamed:  # small tables whose columns vary by regime
                        small.setdefault(name, []).append(tagged(result, table))
                        continue
                    if not tables:
                        continue
                    data = pa.Table.from_pandas(tagged(result, table), preserve_index=False)
                    if name not in writers:
                        writers[name] = pq.ParquetWriter(folder / f"{name}.parquet", data.schema)
                    writers[name].write_table(data.cast(writers[name].schema))
        finally:
            for writer in writers.values():
                writer.close()
        for name, parts in small.items():
            pd.concat(parts, ignore_index=True).to_parquet(folder / f"{name}.parquet", index=False)
        if binned:
            pd.concat(binned, ignore_index=True).to_parquet(folder / "histograms.parquet",
                                                            index=False)  # fmt: skip
        runs = pd.DataFrame(rows)
        runs.to_parquet(folder / "summary.parquet", index=False)
        metrics = list(domain.headline)
        table = regime_table(runs, metrics)
        reference = "none" if "none" in scenario.regimes else next(iter(scenario.regimes))
        diffs = paired_differences(runs, metrics, reference) if len(scenario.regimes) > 1 else None
        table.to_csv(folder / "regimes.csv", index=False)
        gains = None
        if diffs is not None:
            diffs.to_csv(folder / "differences.csv", index=False)
            if domain.gain is not None:
                split = domain.gain
                gains = gain_split(runs, split.measured, split.true, split.gaming, reference)
                gains.to_csv(folder / "gains.csv", index=False)
        write_json(folder / "manifest.json", manifest(
            scenario, command="compare", seed=seed if seed is not None else scenario.seed,
            replications=replications, days=days or scenario.days,
            warmup_days=warmup_days(scenario, days or scenario.days),
            regimes=list(scenario.regimes), overrides=overrides or {},
            common_random_numbers=True, per_entity_tables=tables,
        ))  # fmt: skip
    return Comparison(out, runs, table, diffs, reference, gains)
