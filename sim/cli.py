"""The `goodhart` command: run one regime, or compare every regime of a scenario."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from sim.experiments.domains import get_domain
from sim.experiments.output import (
    OutputError,
    check_free,
    manifest,
    output_folder,
    unique_folder,
    write_json,
)
from sim.experiments.runner import RunResult, iter_runs, resolve, run
from sim.experiments.scenario import ScenarioError, parse_assignment
from sim.experiments.stats import format_table, paired_differences, regime_table


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="goodhart",
        description="Simulate target gaming in public services: KPI vs OKR vs no target.",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("scenario", help="scenario file (TOML)")
    common.add_argument("--seed", type=int, help="master seed (default: the scenario's)")
    common.add_argument("--days", type=float, help="days per run (default: the scenario's)")
    common.add_argument("--out", help="output folder (default: a new folder under results/)")
    common.add_argument(
        "--set", action="append", default=[], metavar="NAME=VALUE",
        help="override a parameter by dotted name, e.g. --set stakes.level=2",
    )  # fmt: skip

    one = sub.add_parser("run", parents=[common], help="run one regime once")
    one.add_argument("--regime", help="regime name (default: the scenario's first)")
    many = sub.add_parser(
        "compare", parents=[common],
        help="run every regime over replications with common random numbers",
    )  # fmt: skip
    many.add_argument("--replications", type=int, help="default: the scenario's")
    many.add_argument(
        "--workers", type=int, default=os.cpu_count() or 1,
        help="parallel processes (results are identical for any number)",
    )  # fmt: skip
    return parser


def _default_out(name: str, label: str) -> Path:
    stamp = time.strftime("%Y%m%d-%H%M%S")
    return unique_folder(Path("results") / name / f"{label}-{stamp}")


def _tagged(result: RunResult, table: pd.DataFrame) -> pd.DataFrame:
    return table.assign(regime=result.regime, replication=result.replication)


def _print_ledgers(runs: pd.DataFrame, domain_name: str) -> None:
    """Print measured ledger, true ledger and behaviour, one column per regime."""
    several = runs.groupby("regime")["replication"].nunique().max() > 1
    domain = get_domain(domain_name)
    for title, metrics in (
        ("Measured ledger (what the dashboard shows)", domain.measured),
        ("True ledger (what happened to people)", domain.true),
        ("Behaviour (lever settings 0-1, share of patients gamed)", domain.behaviour),
    ):
        print(f"\n{title}" + (": mean [95% CI]" if several else ""))
        print(format_table(regime_table(runs, list(metrics))))


def cmd_run(args: argparse.Namespace) -> int:
    """Run one regime once and write its folder."""
    overrides = dict(parse_assignment(s) for s in args.set)
    scenario = resolve(args.scenario, overrides)
    if args.out:
        check_free(args.out)  # refuse before spending the run
    result = run(scenario, regime=args.regime, seed=args.seed, days=args.days)
    out = (
        Path(args.out)
        if args.out
        else _default_out(scenario.name, f"run-{result.regime}-seed{result.seed}")
    )
    with output_folder(out) as folder:
        summary = pd.DataFrame([{"regime": result.regime, "replication": 0, **result.summary}])
        summary.to_parquet(folder / "summary.parquet", index=False)
        for name, table in result.tables.items():
            _tagged(result, table).to_parquet(folder / f"{name}.parquet", index=False)
        write_json(folder / "manifest.json", manifest(
            scenario, command="run", regime=result.regime, seed=result.seed,
            days=result.days, overrides=overrides,
        ))  # fmt: skip
    _print_ledgers(summary, scenario.domain)
    print(f"\nwrote {out}")
    return 0


def cmd_compare(args: argparse.Namespace) -> int:
    """Run every regime over replications and write runs, tables and statistics."""
    overrides = dict(parse_assignment(s) for s in args.set)
    scenario = resolve(args.scenario, overrides)
    reps = args.replications if args.replications is not None else scenario.replications
    if reps < 1:
        raise ScenarioError(f"replications: must be >= 1, got {reps}")
    out = Path(args.out) if args.out else _default_out(scenario.name, "compare")
    domain = get_domain(scenario.domain)
    rows = []
    small: dict[str, list[pd.DataFrame]] = {}
    with output_folder(out) as folder:
        writer: pq.ParquetWriter | None = None
        try:
            for result in iter_runs(scenario, reps, args.days, args.seed, args.workers):
                rows.append({"regime": result.regime, "replication": result.replication,
                             **result.summary})  # fmt: skip
                for name, table in result.tables.items():
                    if name != "patients":  # small tables whose columns vary by regime
                        small.setdefault(name, []).append(_tagged(result, table))
                        continue
                    data = pa.Table.from_pandas(_tagged(result, table), preserve_index=False)
                    if writer is None:
                        writer = pq.ParquetWriter(folder / "patients.parquet", data.schema)
                    writer.write_table(data.cast(writer.schema))
        finally:
            if writer is not None:
                writer.close()
        for name, tables in small.items():
            pd.concat(tables, ignore_index=True).to_parquet(folder / f"{name}.parquet", index=False)
        runs = pd.DataFrame(rows)
        runs.to_parquet(folder / "summary.parquet", index=False)
        metrics = list(domain.headline)
        table = regime_table(runs, metrics)
        reference = "none" if "none" in scenario.regimes else next(iter(scenario.regimes))
        diffs = paired_differences(runs, metrics, reference) if len(scenario.regimes) > 1 else None
        table.to_csv(folder / "regimes.csv", index=False)
        if diffs is not None:
            diffs.to_csv(folder / "differences.csv", index=False)
        write_json(folder / "manifest.json", manifest(
            scenario, command="compare", seed=args.seed if args.seed is not None else scenario.seed,
            replications=reps, days=args.days or scenario.days, regimes=list(scenario.regimes),
            overrides=overrides, common_random_numbers=True,
        ))  # fmt: skip
    _print_ledgers(runs, scenario.domain)
    if diffs is not None:
        print(f"\nPaired differences from '{reference}' (same patients): mean [95% CI]")
        print(format_table(diffs.rename(columns={"difference": "mean"})))
    print(f"\nwrote {out}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `goodhart` command."""
    args = _parser().parse_args(argv)
    try:
        return {"run": cmd_run, "compare": cmd_compare}[args.command](args)
    except (ScenarioError, OutputError) as error:
        print(f"goodhart: error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
