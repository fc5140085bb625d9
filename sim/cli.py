"""The `goodhart` command: run one regime, or compare every regime of a scenario."""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
import warnings
from pathlib import Path

import pandas as pd
from pydantic import ValidationError

import sim
from sim.experiments.analysis import analyse, write_analysis
from sim.experiments.design import SweepSpec
from sim.experiments.executors import ClusterError
from sim.experiments.folders import tagged, write_comparison
from sim.experiments.output import (
    OutputError,
    git_commit,
    manifest,
    output_folder,
    unique_folder,
    write_json,
)
from sim.experiments.parameters import parameters
from sim.experiments.runner import (
    ResultsWarning,
    only_regimes,
    resolve,
    run,
    run_settings,
    run_warnings,
    warmup_days,
)
from sim.experiments.scenario import ScenarioError, parse_assignment
from sim.experiments.stats import format_table, regime_table
from sim.experiments.store import StoreError
from sim.experiments.sweep import sweep
from sim.registry import domain_names, get_domain
from sim.validation import all_facts, get_fact, validate
from sim.validation.calibrate import FreeParameter, calibrate
from sim.validation.facts import default_doc
from sim.validation.report import (
    copy_figures,
    headline,
    markdown_table,
    terminal_table,
    write_generated,
)
from sim.validation.warmup import warmup_table


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be >= 1, got {value}")
    return value


def _positive_float(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be > 0, got {value:g}")
    return value


def _seconds(text: str) -> float:
    value = float(text)
    if not 0 < value < math.inf:  # also refuses nan
        raise argparse.ArgumentTypeError(f"must be a finite number of seconds > 0, got {value:g}")
    return value


def _dpi(text: str) -> float:
    value = float(text)
    if not 10 <= value <= 2400:  # also refuses nan; beyond 2400 a figure is gigabytes
        raise argparse.ArgumentTypeError(f"allowed: 10 to 2400, got {value:g}")
    return value


def _port(text: str) -> int:
    value = int(text)
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"allowed: 1 to 65535, got {value}")
    return value


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="goodhart",
        description="Simulate target gaming in public services: KPI vs OKR vs no target.",
        epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter,
    )  # fmt: skip
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
    one.add_argument("--tables", action="store_true", help=TABLES_HELP)
    one.add_argument(
        "--regime", help="one of the scenario's [regimes], e.g. kpi, okr or none (default: its "
        "first; an unknown name is refused with the scenario's list)",
    )  # fmt: skip
    many = sub.add_parser(
        "compare", parents=[common],
        help="run every regime over replications with common random numbers",
    )  # fmt: skip
    many.add_argument("--replications", type=int, help="default: the scenario's")
    many.add_argument(
        "--regimes", help="comma-separated regimes to run, e.g. kpi,okr,none (default: all)"
    )
    many.add_argument("--no-figures", action="store_true", help="skip writing the figures")
    many.add_argument("--tables", action="store_true", help=TABLES_HELP)
    many.add_argument(
        "--workers", type=int, default=os.cpu_count() or 1,
        help="parallel processes (results are identical for any number)",
    )  # fmt: skip

    swept = sub.add_parser(
        "sweep", parents=[common],
        help="run a parameter sweep (every point x regime x replication) into a results store",
    )  # fmt: skip
    swept.add_argument("--design", choices=["grid", "lhs", "sobol", "morris"])
    swept.add_argument("--samples", type=int, help="design size (see the [sweep] table)")
    swept.add_argument(
        "--param", action="append", default=[], metavar="NAME=LOW:HIGH|NAME=V1,V2",
        help="a swept parameter by dotted name (replaces the scenario's [sweep] parameters)",
    )  # fmt: skip
    swept.add_argument("--replications", type=int, help="default: the scenario's")
    swept.add_argument(
        "--regimes", help="comma-separated regimes to run, e.g. kpi,okr,none (default: all)"
    )
    swept.add_argument(
        "--allow-version-change", action="store_true",
        help="resume a store written by another version of the code (recorded in its manifest)",
    )  # fmt: skip
    swept.add_argument(
        "--keep-tables", action="store_true",
        help="also store each run's detail tables (patients, ...) under DIR/tables/",
    )  # fmt: skip
    swept.add_argument(
        "--run-time-limit", type=_seconds, metavar="SECONDS",
        help="stop a run that takes longer and record it as failed (default: no limit)",
    )  # fmt: skip
    swept.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    swept.add_argument(
        "--cluster", metavar="ADDRESS",
        help="run on Dask: 'local' starts a LocalCluster, or tcp://host:8786 (refused "
        "within 10 s if unreachable, 30 s if it has no worker, before any folder is made)",
    )  # fmt: skip

    analysed = sub.add_parser("analyse", help="statistics of a results store")
    analysed.add_argument("folder", help="a folder written by 'goodhart sweep'")
    analysed.add_argument(
        "--output", metavar="METRIC",
        help="summary metric for the sensitivity analysis (any of `goodhart metrics DOMAIN "
        "--all`; default: gap_4h_pct for A&E, backlog_over_1y_pct for courts)",
    )  # fmt: skip
    analysed.add_argument("--reference", help="regime to pair the others against")
    analysed.add_argument(
        "--by", action="append",
        help="group by this swept parameter (by its quartiles for a sampled design)",
    )  # fmt: skip

    drawn = sub.add_parser("figures", help="write the figures of a result folder")
    drawn.add_argument("folder", help="a folder written by run, compare or sweep (+ analyse)")
    drawn.add_argument(
        "--format", action="append", choices=["png", "pdf", "svg"],
        help="file format (repeatable; default: png and pdf)",
    )  # fmt: skip
    drawn.add_argument("--dpi", type=_dpi, default=300, help="10 to 2400 (default 300)")
    drawn.add_argument(
        "--width", choices=["double", "single", "both"], default="double",
        help="double-column (7 in), single-column (3.5 in, files NAME_single.*) or both",
    )  # fmt: skip

    listed = sub.add_parser(
        "metrics", help="list a domain's metric catalogue: label, unit, ledger, denominator",
    )  # fmt: skip
    listed.add_argument("domain", nargs="?", choices=domain_names(),
                        help="one domain (default: every domain)")  # fmt: skip
    listed.add_argument("--all", action="store_true", help="include metrics not printed by "
                        "default (context such as patient counts)")  # fmt: skip
    listed.add_argument(
        "--doc", metavar="FILE", help="write the glossary of every metric of every domain as "
        "Markdown to FILE (the repository's: docs/metrics.md)",
    )  # fmt: skip

    settable = sub.add_parser(
        "params", help="every parameter of a scenario by dotted name: value, type, bounds",
    )  # fmt: skip
    settable.add_argument("scenario", help="scenario file (TOML)")
    settable.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                          help="override a parameter first, as in run")  # fmt: skip
    settable.add_argument("--match", help="only names containing this text, e.g. beds")

    shown = sub.add_parser("app", help="start the interactive app of a domain in a browser")
    shown.add_argument("domain", choices=domain_names())
    shown.add_argument("--host", default="127.0.0.1", help="default: localhost only")
    shown.add_argument("--port", type=_port, default=8765, help="1-65535 (default 8765)")
    shown.add_argument("--open", action="store_true", help="open a browser tab")

    checked = sub.add_parser(
        "validate", help="check the models against the published stylized facts",
    )  # fmt: skip
    checked.add_argument("--replications", type=_positive_int, default=5)
    checked.add_argument("--days", type=float, help="days per run (default: each scenario's)")
    checked.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    checked.add_argument("--fact", action="append", help="check only this fact (repeatable)")
    checked.add_argument("--out", help="folder for the runs and figures behind the table")
    checked.add_argument(
        "--doc", help="Markdown file whose generated section gets the table (default: the "
        "repository's docs/validation.md for a full check, none for a partial one; '' to skip)",
    )  # fmt: skip

    warmed = sub.add_parser(
        "warmup", help="the warm-up MSER-5 suggests, for every regime and replication",
    )  # fmt: skip
    warmed.add_argument("scenario", help="scenario file (TOML)")
    warmed.add_argument("--replications", type=_positive_int, default=3)
    warmed.add_argument("--days", type=float, help="days per run (default: the scenario's)")

    fitted = sub.add_parser(
        "calibrate", help="fit named parameters to chosen facts; report the held-out facts",
    )  # fmt: skip
    fitted.add_argument(
        "--param", action="append", default=[], required=True, metavar="NAME=LOW:HIGH",
        help="a parameter to fit, by dotted name, within bounds",
    )  # fmt: skip
    fitted.add_argument("--fit", action="append", required=True, metavar="FACT",
                        help="a fact to fit (see 'goodhart validate')")  # fmt: skip
    fitted.add_argument("--replications", type=_positive_int, default=3)
    fitted.add_argument("--max-evaluations", type=_positive_int, default=30)
    fitted.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    fitted.add_argument("--out", help="JSON file for the calibration record")
    return parser


TOP_DRIVERS = 3  # parameters printed per output by `analyse` (all are written)
TABLES_HELP = (
    "also write the per-entity tables (one row per patient or case: hundreds of MB for the "
    "default comparison; the figures need only the binned histograms.parquet)"
)
EXAMPLES = """examples:
  goodhart compare scenarios/ae_four_hour.toml --regimes kpi,okr,none --replications 5
  goodhart run scenarios/courts_time_to_trial.toml --regime okr --days 365 --set stakes.level=2
  goodhart sweep scenarios/ae_four_hour.toml --param stakes.level=0,1,2 --replications 3
  goodhart analyse results/ae_four_hour/sweep-grid-DATE
  goodhart figures results/ae_four_hour/compare-DATE --width both
  goodhart metrics hospital
  goodhart params scenarios/ae_four_hour.toml --match beds
  goodhart app hospital

each command's own options: goodhart COMMAND --help"""


def _default_out(name: str, label: str) -> Path:
    stamp = time.strftime("%Y%m%d-%H%M%S")
    return unique_folder(Path("results") / name / f"{label}-{stamp}")


def _units(domain_name: str) -> dict[str, str]:
    """Each catalogued metric's unit, as the printed tables show it."""
    return {m.name: m.unit for m in get_domain(domain_name).metrics}


JUDGED_NOTE = (
    "regime_score and regime_met_pct judge each site by its own regime's rule and target (a "
    "stricter target is met less often), so they compare regimes' demands, not services; "
    "targets_revised counts the regime's own revisions. What every row is: "
    "`goodhart metrics DOMAIN`."
)


def _print_ledgers(runs: pd.DataFrame, domain_name: str) -> None:
    """Print measured ledger, true ledger and behaviour, one column per regime."""
    several = runs.groupby("regime")["replication"].nunique().max() > 1
    domain = get_domain(domain_name)
    for title, ledger in (
        ("Measured ledger (what the dashboard shows)", "measured"),
        ("True ledger (what happened to people)", "true"),
        ("Behaviour (what the decision-makers did)", "behaviour"),
    ):
        metrics = [m for m in domain.ledger(ledger) if m in runs.columns]
        print(f"\n{title}" + (": mean [95% CI]" if several else ""))
        print(format_table(regime_table(runs, metrics), units=_units(domain_name)))
        if ledger == "measured":
            print(JUDGED_NOTE)


def cmd_run(args: argparse.Namespace) -> int:
    """Run one regime once and write its folder."""
    overrides = dict(parse_assignment(s) for s in args.set)
    scenario = resolve(args.scenario, overrides)
    settings = run_settings(scenario, args.regime, seed=args.seed, days=args.days)
    for note in run_warnings(scenario, settings.days):
        print(f"goodhart: warning: {note}", file=sys.stderr)
    out = Path(args.out) if args.out else _default_out(
        scenario.name, f"run-{settings.regime_name}-seed{settings.seed[0]}"
    )  # fmt: skip
    with output_folder(out) as folder:  # made first: an unwritable disk is refused at once
        result = run(scenario, regime=args.regime, seed=args.seed, days=args.days)
        summary = pd.DataFrame([{"regime": result.regime, "replication": 0, **result.summary}])
        summary.to_parquet(folder / "summary.parquet", index=False)
        domain = get_domain(scenario.domain)
        warm = warmup_days(scenario, result.days)
        if domain.histograms is not None:
            counts = domain.histograms(result.tables, warm, result.days)
            tagged(result, counts).to_parquet(folder / "histograms.parquet", index=False)
        for name, table in result.tables.items():
            if args.tables or name not in domain.streamed_tables:
                tagged(result, table).to_parquet(folder / f"{name}.parquet", index=False)
        write_json(folder / "manifest.json", manifest(
            scenario, command="run", regime=result.regime, seed=result.seed,
            days=result.days, warmup_days=warm, overrides=overrides,
            per_entity_tables=args.tables,
        ))  # fmt: skip
    _print_ledgers(summary, scenario.domain)
    print(f"\nwrote {out}")
    return 0


def cmd_compare(args: argparse.Namespace) -> int:
    """Run every regime over replications and write runs, tables and statistics."""
    overrides = dict(parse_assignment(s) for s in args.set)
    regimes = [name.strip() for name in args.regimes.split(",")] if args.regimes else None
    scenario = only_regimes(resolve(args.scenario, overrides), regimes)
    reps = args.replications if args.replications is not None else scenario.replications
    if reps < 1:
        raise ScenarioError(f"replications: must be >= 1, got {reps}")
    out = Path(args.out) if args.out else _default_out(scenario.name, "compare")
    done = write_comparison(scenario, out, reps, days=args.days, seed=args.seed,
                            workers=args.workers, overrides=overrides,
                            tables=args.tables)  # fmt: skip
    _print_ledgers(done.runs, scenario.domain)
    if done.differences is not None:
        print(f"\nPaired differences from '{done.reference}' (same arrivals): mean [95% CI]")
        print(format_table(done.differences, value="difference",
                           units=_units(scenario.domain)))  # fmt: skip
    if done.gains is not None and not done.gains.empty:
        _print_gains(done.gains, scenario.domain)
    print(f"\nwrote {out}")
    if not args.no_figures:
        _write_figures(out)
    return 0


def _print_gains(gains: pd.DataFrame, domain_name: str) -> None:
    """Print how much of each regime's measured gain over the reference is real."""
    split = get_domain(domain_name).gain
    unit = get_domain(domain_name).metric(split.measured).unit
    reference = gains["reference"].iloc[0]
    print(f"\nHow much of the dashboard's gain over '{reference}' is real "
          f"({split.measured}, {unit}): measured = true + gaming, mean [95% CI]")  # fmt: skip
    for _, row in gains.iterrows():
        cells = [f"{part} {row[f'{part}_gain']:+.2f} [{row[f'{part}_low']:+.2f}, "
                 f"{row[f'{part}_high']:+.2f}]" for part in ("measured", "true", "gaming")]
        share = row["real_share"]
        real = f"; real share {share:.0%}" if pd.notna(share) and row["measured_gain"] > 0 else ""
        print(f"  {row['regime']}: " + ", ".join(cells) + real)


def cmd_figures(args: argparse.Namespace) -> int:
    """Write a result folder's figures and print their paths and anything skipped."""
    from sim.figures import FolderError, make_figures

    try:
        report = make_figures(args.folder, formats=args.format or ("png", "pdf"), dpi=args.dpi,
                              width=args.width)  # fmt: skip
    except FolderError as error:
        raise OutputError(str(error)) from None
    for path in report.written:
        print(f"wrote {path}")
    for name, reason in report.skipped.items():
        print(f"skipped {name}: {reason}")
    return 0


def cmd_metrics(args: argparse.Namespace) -> int:
    """Print a domain's metric catalogue (or every domain's), or write the glossary."""
    if args.doc:
        write_generated(args.doc, metrics_glossary())
        print(f"wrote {args.doc}")
        return 0
    for name in [args.domain] if args.domain else domain_names():
        table = get_domain(name).catalogue_table()
        if not args.all:
            table = table[table["headline"]]
        print(f"{get_domain(name).title} ({name})")
        with pd.option_context("display.width", 200, "display.max_colwidth", 60,
                               "display.max_rows", 500):  # fmt: skip
            print(table.drop(columns="headline").to_string(index=False) + "\n")
    return 0


def metrics_glossary() -> str:
    """Every domain's metric catalogue as Markdown (the generated part of docs/metrics.md)."""
    head = ("Generated by `goodhart metrics --doc docs/metrics.md` from the metric catalogue "
            "of each domain (`sim/*/domain.py`). Counts are per run (all sites, the days after "
            "the warm-up) and go beside a rate (per 1,000 attendances, per 100 convictions, "
            "per centre-year), so runs of different lengths and systems compare.")  # fmt: skip
    return "\n".join([head, "", *(get_domain(name).glossary() for name in domain_names())])


def cmd_params(args: argparse.Namespace) -> int:
    """Print every settable parameter of a scenario (the names --set and sweeps take)."""
    scenario = resolve(args.scenario, dict(parse_assignment(s) for s in args.set))
    table = parameters(scenario)
    if args.match:
        table = table[table["name"].str.contains(args.match, regex=False)]
    table = table.assign(
        range=[f"{'' if pd.isna(lo) else f'{lo:g}'} to {'' if pd.isna(hi) else f'{hi:g}'}"
               if not (pd.isna(lo) and pd.isna(hi)) else "" for lo, hi in
               zip(table["low"], table["high"], strict=True)],
        description=table["description"].str.slice(0, 70),
    )  # fmt: skip
    with pd.option_context("display.width", 220, "display.max_colwidth", 70,
                           "display.max_rows", 1000):  # fmt: skip
        print(table[["name", "value", "type", "range", "description"]].to_string(index=False))
    return 0


def cmd_app(args: argparse.Namespace) -> int:
    """Serve the interactive app until interrupted."""
    from sim.apps.launch import launch

    if get_domain(args.domain).app is None:
        apps = [name for name in domain_names() if get_domain(name).app]
        raise OutputError(f"app: the '{args.domain}' domain has no app; allowed: {apps}")
    try:
        launch(args.domain, host=args.host, port=args.port, open_browser=args.open)
    except RuntimeError as error:
        raise OutputError(f"app: {error} (is port {args.port} in use? try --port)") from None
    return 0


def _sweep_spec(scenario, args: argparse.Namespace) -> SweepSpec:
    """The scenario's [sweep] table with command-line changes, validated."""
    data = scenario.sweep.model_dump(mode="python") if scenario.sweep else {}
    if args.param:
        data["parameters"] = dict(_parse_param(text) for text in args.param)
    if args.design:
        data["design"] = args.design
    if args.samples is not None:
        data["samples"] = args.samples
    if not data.get("parameters"):
        raise ScenarioError("sweep: no parameters; add a [sweep] table or --param NAME=LOW:HIGH")
    try:
        return SweepSpec.model_validate(data)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'sweep'}: {e['msg']}" for e in error.errors()
        )
        raise ScenarioError(f"sweep: {problems}") from None


def _parse_param(text: str) -> tuple[str, dict]:
    name, value = parse_assignment(text)
    if isinstance(value, str) and ":" in value:
        low, high = value.split(":", 1)
        try:
            return name, {"low": float(low), "high": float(high)}
        except ValueError:
            raise ScenarioError(f"--param {text}: LOW:HIGH must be numbers") from None
    if isinstance(value, str) and "," in value:
        return name, {"values": [parse_assignment(f"v={v}")[1] for v in value.split(",")]}
    return name, {"values": value if isinstance(value, list) else [value]}


def cmd_sweep(args: argparse.Namespace) -> int:
    """Run a sweep into a results store, skipping finished runs."""
    overrides = dict(parse_assignment(s) for s in args.set)
    regimes = [name.strip() for name in args.regimes.split(",")] if args.regimes else None
    scenario = only_regimes(resolve(args.scenario, overrides), regimes)
    spec = _sweep_spec(scenario, args)
    out = Path(args.out) if args.out else _default_out(scenario.name, f"sweep-{spec.design}")
    report = sweep(
        scenario, out, spec, replications=args.replications, days=args.days, seed=args.seed,
        workers=args.workers, cluster=args.cluster, keep_tables=args.keep_tables,
        allow_version_change=args.allow_version_change, run_time_limit=args.run_time_limit,
    )  # fmt: skip
    if report.set_aside:
        print(f"goodhart: set aside unreadable part files {list(report.set_aside)} (renamed "
              "corrupt-*); their runs were run again", file=sys.stderr)  # fmt: skip
    print(
        f"{report.ran} runs done ({report.failed} failed), {report.skipped} already in the "
        f"store, {report.planned} planned, in {report.seconds:.1f} s\nwrote {out}"
    )
    return 1 if report.failed else 0


def cmd_analyse(args: argparse.Namespace) -> int:
    """Print and write the statistics of a results store."""
    analysis = analyse(args.folder, output=args.output, reference=args.reference, by=args.by)
    written = write_analysis(analysis, args.folder)  # before printing: a closed pipe loses nothing
    status = analysis.status
    print(f"runs: {status['ok']} ok, {status['failed']} failed, {status['missing']} missing "
          f"of {status['planned']} planned")  # fmt: skip
    for note in analysis.notes:
        print(f"note: {note}")
    with pd.option_context("display.width", 160, "display.max_columns", 20,
                           "display.float_format", "{:,.3f}".format):  # fmt: skip
        for name, table in analysis.tables().items():
            if name == "drivers":
                name = f"drivers of {table['output'].iloc[0]} (the {TOP_DRIVERS} widest "\
                       f"quartile spreads of each; all in drivers.csv)"  # fmt: skip
                table = table[table["rank"] <= TOP_DRIVERS].drop(columns="output")
            print(f"\n{name}:\n{table.to_string(index=False)}")
    print(f"\nwrote {written}")
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    """Check the stylized facts and print, and write, the table."""
    facts = [get_fact(key) for key in args.fact] if args.fact else list(all_facts())
    doc = args.doc
    if doc is None and not args.fact and args.days is None:
        doc = default_doc()  # a full check updates the repository's docs/validation.md
    out = Path(args.out) if args.out else _default_out("validation", "validate")
    with output_folder(out) as folder:
        table = validate(args.replications, facts=facts, days=args.days,
                         workers=args.workers, out=folder)  # fmt: skip
        table.to_csv(folder / "validation.csv", index=False)
    print(terminal_table(table))
    for _, row in table[table["verdict"].isin(["not reproduced", "inconclusive"])].iterrows():
        if row["note"]:
            print(f"  {row['fact']}: {row['note']}")
    print("\n" + headline(table))
    for folder in sorted(p for p in out.iterdir() if (p / "manifest.json").exists()):
        _write_figures(folder)
    if doc:
        header = (f"Generated by `goodhart validate --replications {args.replications}"
                  f"{f' --days {args.days:g}' if args.days else ''}` "
                  f"(goodhart {sim.__version__}, commit {git_commit()[:12]}); runs in "
                  f"`{out}`, the figures below copied next to this file.")  # fmt: skip
        figures = copy_figures(out, Path(doc).parent / "validation")
        write_generated(doc, markdown_table(table, header, figures))
        print(f"wrote {doc}")
    else:
        print("docs not updated (a partial check; give --doc FILE to write the table)")
    print(f"wrote {out}")
    return 0


def _write_figures(folder: Path) -> None:
    """Write a result folder's figures and print their paths."""
    from sim.figures import write_figures

    for path in write_figures(folder):
        print(f"wrote {path}")


def cmd_warmup(args: argparse.Namespace) -> int:
    """Print MSER-5's truncation point of each run beside the scenario's warm-up."""
    scenario = resolve(args.scenario)
    table = warmup_table(scenario, args.replications, days=args.days)
    print(table.to_string(index=False))
    cuts = table["mser5_days"]
    print(f"\nMSER-5 truncation: median {cuts.median():g} days, largest {cuts.max():g} days; "
          f"the scenario's warm-up: {scenario.warmup_days:g} days")  # fmt: skip
    return 0


def cmd_calibrate(args: argparse.Namespace) -> int:
    """Fit parameters to facts, print both fact sets, and write the record."""
    parameters = []
    for text in args.param:
        name, bounds = _parse_param(text)
        if "low" not in bounds:
            raise ScenarioError(f"--param {text}: give bounds as NAME=LOW:HIGH")
        parameters.append(FreeParameter(name, bounds["low"], bounds["high"]))
    result = calibrate(parameters, args.fit, replications=args.replications,
                       max_evaluations=args.max_evaluations, workers=args.workers)  # fmt: skip
    print(f"\n{result.scenario}: {result.evaluations} evaluations, objective "
          f"{result.objective:.4g}")  # fmt: skip
    for name, value in result.values.items():
        print(f"  {name} = {value:.4g}")
    print("\nFitted facts\n" + terminal_table(result.fitted))
    print("\nHeld-out facts\n" + terminal_table(result.held_out))
    out = Path(args.out) if args.out else _default_out("calibration", "calibrate").with_suffix(
        ".json")  # fmt: skip
    out.parent.mkdir(parents=True, exist_ok=True)
    write_json(out, {
        "command": "goodhart " + " ".join(sys.argv[1:]) if sys.argv[0].endswith("goodhart")
        else None, "scenario": result.scenario, "values": result.values,
        "objective": result.objective, "evaluations": result.evaluations,
        "replications": args.replications, "commit": git_commit(),
        "fitted": result.fitted.to_dict("records"),
        "held_out": result.held_out.to_dict("records"), "history": result.history,
    })  # fmt: skip
    print(f"wrote {out}")
    return 0


def _cap_workers(args: argparse.Namespace) -> None:
    """Refuse fewer than one worker; use at most one per CPU, saying so."""
    workers = getattr(args, "workers", None)
    if workers is None:
        return
    if workers < 1:
        raise ScenarioError(f"workers: must be >= 1, got {workers}")
    cpus = os.cpu_count() or 1
    if workers > cpus:
        print(f"goodhart: --workers {workers} is more than this machine's {cpus} CPUs; "
              f"using {cpus}", file=sys.stderr)  # fmt: skip
        args.workers = cpus


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `goodhart` command."""
    args = _parser().parse_args(argv)
    with warnings.catch_warnings():
        shown = warnings.showwarning

        def show(message, category, *rest, **named) -> None:
            if issubclass(category, ResultsWarning):
                print(f"goodhart: warning: {message}", file=sys.stderr)
            else:
                shown(message, category, *rest, **named)

        warnings.showwarning = show
        warnings.simplefilter("always", ResultsWarning)
        return _dispatch(args)


def _dispatch(args: argparse.Namespace) -> int:
    """Run the chosen command; turn refusals into one line and an exit status."""
    commands = {"run": cmd_run, "compare": cmd_compare, "sweep": cmd_sweep,
                "analyse": cmd_analyse, "validate": cmd_validate, "figures": cmd_figures,
                "app": cmd_app, "metrics": cmd_metrics, "params": cmd_params, "warmup": cmd_warmup,
                "calibrate": cmd_calibrate}  # fmt: skip
    try:
        _cap_workers(args)
        return commands[args.command](args)
    except (ScenarioError, OutputError, StoreError, ClusterError) as error:
        print(f"goodhart: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # Ctrl-C: finished runs of a sweep are already stored
        print("goodhart: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader (e.g. `| head`) stopped reading: stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
