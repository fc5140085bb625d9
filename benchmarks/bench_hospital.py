"""Speed and memory benchmark of the A&E model, with treat-sim side by side.

Run by hand from the project root::

    .venv/bin/python benchmarks/bench_hospital.py            # full: 365 days, ~4-5 min
    .venv/bin/python benchmarks/bench_hospital.py --quick    # smoke: 30 days, ~16 s

What it measures, all on one core (one process, no pool):

1. Speed. A run of the default scenario (``scenarios/ae_four_hour.toml``), regime
   ``kpi``, behaviour on, through the public API (``sim.experiments.run``), and the
   simulation alone (``HospitalModel.run``, without building the output tables or the
   summary). Completed episodes are patients whose disposition is not "still in
   department"; the rate is completed episodes per second of wall time.
2. Memory. For runs of increasing length, each in a fresh subprocess: the tracemalloc
   peak of the simulation, what the model still holds after it, split into the output
   rows (per-patient columns, decision and period rows) and everything else, the
   tracemalloc peak of a whole ``sim.experiments.run`` and the growth of the process's
   peak resident set size over an untraced run (VmHWM, reset after the imports).
3. treat-sim (Monks et al., a SimPy treatment-centre model) on its default scenario for
   the same simulated horizon, patients completed per second of ``model.run`` wall time,
   and the ratio of our rates to it.

It is a report, not a test: it always exits 0 unless something crashes. Randomness
comes only from the seeds passed to the models (the scenario's seed for both).
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import json
import math
import os
import platform
import pstats
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from memory import MB, deep_size, in_subprocess, peak_rss, traced

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "scenarios" / "ae_four_hour.toml"
REGIME = "kpi"
STILL_IN = "still in department"
GOAL_EPISODES_PER_S = 45_000.0
AIM_EPISODES_PER_S = 100_000.0
TREAT_SIM_ISSUE_FIGURE = 13_000.0  # patients/s quoted in the issue for treat-sim
MINUTES_PER_DAY = 1440.0


# ---- helpers ---------------------------------------------------------------------------------
@dataclass
class Timing:
    """Wall times of repeated runs and the work done in each."""

    label: str
    seconds: list[float]
    cpu_seconds: list[float]
    completed: int
    patients: int

    @property
    def best(self) -> float:
        """Shortest wall time (least disturbed by other load)."""
        return min(self.seconds)

    @property
    def median(self) -> float:
        """Median wall time."""
        return statistics.median(self.seconds)

    @property
    def best_cpu(self) -> float:
        """Shortest CPU time of this process (insensitive to other processes' load)."""
        return min(self.cpu_seconds)

    def rate(self, seconds: float) -> float:
        """Completed episodes per second for a given wall time."""
        return self.completed / seconds if seconds > 0 else math.nan


def _merge(a: Timing, b: Timing) -> Timing:
    """Timings of the same run pooled."""
    return Timing(
        a.label, a.seconds + b.seconds, a.cpu_seconds + b.cpu_seconds, b.completed, b.patients
    )


def _load_scenario() -> Any:
    import sim.experiments as ex

    scenario = ex.load_scenario(SCENARIO)
    if not scenario.behaviour.enabled:
        raise SystemExit(f"{SCENARIO}: behaviour is off; the benchmark needs it on")
    return scenario


def _build_model(scenario: Any, days: float) -> Any:
    """The model `sim.experiments.run` builds for replication 0 of regime `kpi`."""
    from sim.experiments.runner import run_settings
    from sim.hospital import HospitalModel

    return HospitalModel(scenario.params, run_settings(scenario, REGIME, days=days))


def _count(patients: Any) -> tuple[int, int]:
    """(patients, completed episodes) of a patients table."""
    completed = int((patients["disposition"] != STILL_IN).sum())
    return len(patients), completed


# ---- speed -----------------------------------------------------------------------------------
def time_api_run(scenario: Any, days: float, repeat: int) -> Timing:
    """Time `sim.experiments.run` (simulation, output tables and summary)."""
    import sim.experiments as ex

    seconds: list[float] = []
    cpu: list[float] = []
    counts = (0, 0)
    for _ in range(repeat):
        gc.collect()
        start, start_cpu = time.perf_counter(), time.process_time()
        result = ex.run(scenario, regime=REGIME, days=days)
        seconds.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
        counts = _count(result.tables["patients"])
        del result
    return Timing("sim.experiments.run()", seconds, cpu, counts[1], counts[0])


def time_model_run(scenario: Any, days: float, repeat: int) -> tuple[Timing, float]:
    """Time `HospitalModel.run` alone; also return the best model-construction time."""
    from sim.hospital import patients_table

    seconds: list[float] = []
    cpu: list[float] = []
    build: list[float] = []
    counts = (0, 0)
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        model = _build_model(scenario, days)
        built, built_cpu = time.perf_counter(), time.process_time()
        model.run()
        seconds.append(time.perf_counter() - built)
        cpu.append(time.process_time() - built_cpu)
        build.append(built - start)
        counts = _count(patients_table(model))
        del model
    return Timing("HospitalModel.run()", seconds, cpu, counts[1], counts[0]), min(build)


def time_treat_sim(days: float, repeat: int, seed: int) -> Timing | None:
    """Time treat-sim's default scenario for `days` days of simulated time.

    treat-sim's arrival profile covers 18 hours and is repeated back to back, so a long
    run is a sequence of 18-hour cycles; its default results period is 19 hours. A patient
    is completed when their pathway has finished (``total_time`` recorded).
    """
    try:
        from treat_sim.model import Scenario, TreatmentCentreModel
    except ImportError:
        return None

    seconds: list[float] = []
    cpu: list[float] = []
    completed = patients = 0
    for _ in range(repeat):
        args = Scenario(random_number_set=seed)
        model = TreatmentCentreModel(args)
        gc.collect()
        start, start_cpu = time.perf_counter(), time.process_time()
        model.run(results_collection_period=days * MINUTES_PER_DAY)
        seconds.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
        everyone = model.non_trauma_patients + model.trauma_patients
        patients = len(everyone)
        completed = sum(1 for p in everyone if p.total_time > -math.inf)
        del model, args, everyone
    return Timing("treat-sim TreatmentCentreModel.run()", seconds, cpu, completed, patients)


def treat_sim_version() -> str:
    """The installed treat-sim version, or a note that it is missing."""
    try:
        from importlib.metadata import version

        return version("treat-sim")
    except Exception:
        return "not installed"


# ---- memory (each run length in a fresh subprocess) -------------------------------------------
def worker_memory(days: float) -> dict[str, float]:
    """Memory of runs of `days` days: RSS of an untraced API run, then traced runs.

    The untraced run comes first so tracemalloc's own bookkeeping cannot inflate the RSS
    figures; tracemalloc counts only blocks allocated while it traces, so the earlier run
    does not affect the traced figures.
    """
    import sim.experiments as ex
    from sim.hospital import patients_table

    scenario = _load_scenario()
    rss = peak_rss(lambda: ex.run(scenario, regime=REGIME, days=days))[1]

    def simulate() -> Any:
        model = _build_model(scenario, days)
        model.run()
        return model

    model, retained, sim_peak = traced(simulate)
    try:  # model internals: if they are renamed, the split is reported as n/a
        patient_cols = float(deep_size([model.flow.cols]))
        outputs = float(
            deep_size(
                [
                    model.flow.cols,
                    model.decision_rows,
                    model.period_rows,
                    model.burnout_history,
                    model.bed_occupancy,
                ]
            )
        )
    except AttributeError:
        patient_cols = outputs = math.nan
    patients, completed = _count(patients_table(model))
    del model
    result, _, api_peak = traced(lambda: ex.run(scenario, regime=REGIME, days=days))
    frame_bytes = int(result.tables["patients"].memory_usage(deep=True).sum())
    return {
        "days": days,
        "patients": patients,
        "completed": completed,
        "sim_peak": sim_peak,
        "retained": retained,
        "outputs": outputs,
        "patient_cols": patient_cols,
        "other_state": retained - outputs,
        "api_peak": api_peak,
        "frame_bytes": frame_bytes,
        **rss,
    }


def measure_memory(lengths: list[float]) -> list[dict[str, float]]:
    """Traced and RSS memory for each run length, each length in its own process."""
    rows = []
    for days in lengths:
        rows.append(in_subprocess(__file__, ["--days", str(days)], ROOT))
        print(f"  memory: {days:g} days done", flush=True)
    return rows


# ---- profile ---------------------------------------------------------------------------------
def profile_model_run(days: float, top: int) -> str:
    """cProfile of one `HospitalModel.run`, top functions by own and by cumulative time."""
    scenario = _load_scenario()
    model = _build_model(scenario, days)
    profiler = cProfile.Profile()
    profiler.enable()
    model.run()
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs()
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)
    return out.getvalue()


# ---- report ----------------------------------------------------------------------------------
def _table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
    line = "  ".join(h.rjust(w) for h, w in zip(header, widths, strict=True))
    sep = "  ".join("-" * w for w in widths)
    body = ["  ".join(c.rjust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    return "\n".join([line, sep, *body])


def _fmt(value: float, digits: int = 0) -> str:
    return "n/a" if value is None or math.isnan(value) else f"{value:,.{digits}f}"


def speed_report(timings: list[Timing]) -> str:
    """Table of wall times and rates."""
    rows = [
        [
            t.label,
            f"{t.patients:,}",
            f"{t.completed:,}",
            _fmt(t.best, 2),
            _fmt(t.median, 2),
            _fmt(t.rate(t.best)),
            _fmt(t.rate(t.median)),
            _fmt(t.best_cpu, 2),
            _fmt(t.rate(t.best_cpu)),
        ]
        for t in timings
    ]
    header = [
        "run", "patients", "completed", "best s", "median s", "best /s", "median /s",
        "best CPU s", "/CPU s",
    ]  # fmt: skip
    return _table(header, rows)


def _rss_growth(row: dict[str, float]) -> float:
    return row["rss_peak_mb"] - row["rss_before_mb"]


def memory_report(rows: list[dict[str, float]]) -> str:
    """Table of memory by run length, with per-patient and per-day figures."""
    lines = []
    for r in rows:
        lines.append(
            [
                f"{r['days']:g}",
                f"{int(r['patients']):,}",
                _fmt(r["sim_peak"] / MB, 1),
                _fmt(r["outputs"] / MB, 1),
                _fmt(r["other_state"] / MB, 1),
                _fmt(r["other_state"] / MB / r["days"], 3),
                _fmt(r["patient_cols"] / r["patients"]),
                _fmt(r["sim_peak"] / r["patients"]),
                _fmt(r["api_peak"] / MB, 1),
                _fmt(r["frame_bytes"] / r["patients"]),
                _fmt(r["rss_peak_mb"] - r["rss_before_mb"], 1),
                _fmt(r["rss_peak_mb"], 1),
            ]
        )
    header = [
        "days", "patients", "sim peak MB", "outputs MB", "other MB", "other MB/day",
        "cols B/pt", "peak B/pt", "run() peak MB", "frame B/pt", "RSS growth MB", "peak RSS MB",
    ]  # fmt: skip
    text = [_table(header, lines)]
    if len(rows) >= 2:
        first, last = rows[0], rows[-1]
        extra = last["patients"] - first["patients"]
        if extra > 0:
            text.append(
                f"marginal, {first['days']:g} -> {last['days']:g} days: "
                f"sim peak {(last['sim_peak'] - first['sim_peak']) / extra:,.0f} B per extra "
                f"patient; output rows {(last['outputs'] - first['outputs']) / extra:,.0f} "
                f"B per extra patient; other state "
                f"{(last['other_state'] - first['other_state']) / MB:+,.2f} MB in total; "
                f"run() peak {(last['api_peak'] - first['api_peak']) / extra:,.0f} B per "
                f"extra patient; RSS growth "
                f"{(_rss_growth(last) - _rss_growth(first)) * MB / extra:,.0f} B per extra patient"
            )
    if rows and not all(r["rss_exact"] for r in rows):
        text.append("(peak RSS could not be reset after imports: RSS figures include them)")
    return "\n".join(text)


def _load() -> float:
    return os.getloadavg()[0] if hasattr(os, "getloadavg") else math.nan


def machine() -> str:
    """One line describing the machine and interpreter."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{cpu}, {os.cpu_count()} logical cores, Python {platform.python_version()}, "
        f"load average (1 min) at start {_load():.2f}"
    )


def code_version() -> str:
    """The git commit of the code measured, marked dirty if the tree has local edits."""
    try:
        done = subprocess.run(
            ["git", "describe", "--always", "--dirty"],
            capture_output=True, text=True, cwd=ROOT, check=True,
        )  # fmt: skip
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git checkout)"
    return done.stdout.strip()


def _section(title: str) -> None:
    print(f"\n== {title} " + "=" * max(0, 78 - len(title)), flush=True)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=float, default=None, help="run length (default 365)")
    parser.add_argument("--quick", action="store_true", help="smoke version: 30 days, 1 repeat")
    parser.add_argument(
        "--repeat", type=int, default=None, help="timed runs of each kind (default 3)"
    )
    parser.add_argument("--no-memory", action="store_true", help="skip the memory section")
    parser.add_argument(
        "--memory-days", type=float, nargs="+", metavar="DAYS",
        help="run lengths for the memory section (default: a quarter, half and all of --days)",
    )  # fmt: skip
    parser.add_argument("--no-treat-sim", action="store_true", help="skip treat-sim")
    parser.add_argument(
        "--profile", type=float, default=None, metavar="DAYS",
        help="also cProfile one HospitalModel.run of DAYS days and print the top functions",
    )  # fmt: skip
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    days = args.days if args.days is not None else (30.0 if args.quick else 365.0)
    if args.worker:
        print(json.dumps(worker_memory(days)))
        return 0

    repeat = max(1, args.repeat) if args.repeat is not None else (1 if args.quick else 3)
    if args.memory_days:
        lengths = args.memory_days
    else:  # quick: two short lengths, so the traced runs stay within the smoke budget
        shares = (0.25, 0.5) if args.quick else (0.25, 0.5, 1.0)
        lengths = [float(max(1, round(days * share))) for share in shares]

    started = time.perf_counter()
    _section("setup")
    print(machine())
    print(f"scenario {SCENARIO.relative_to(ROOT)}, regime {REGIME}, behaviour on, {days:g} days")
    print(f"one process, {repeat} timed run(s) each; treat-sim {treat_sim_version()}")
    print(f"code: git {code_version()}")
    scenario = _load_scenario()

    _section("speed")
    # interleaved, so a change in the other load on the machine affects both alike
    api = sim_only = None
    builds: list[float] = []
    for i in range(repeat):
        one_api = time_api_run(scenario, days, 1)
        one_sim, one_build = time_model_run(scenario, days, 1)
        api = one_api if api is None else _merge(api, one_api)
        sim_only = one_sim if sim_only is None else _merge(sim_only, one_sim)
        builds.append(one_build)
        print(
            f"  repeat {i + 1}/{repeat}: sim.experiments.run() {one_api.best:.2f} s, "
            f"HospitalModel.run() {one_sim.best:.2f} s ({one_api.completed:,} completed)",
            flush=True,
        )
    assert api is not None and sim_only is not None
    build_s = min(builds)
    if (api.patients, api.completed) != (sim_only.patients, sim_only.completed):
        print("  WARNING: the two runs differ in patients; the seeds are not reproducing")
    timings = [api, sim_only]
    treat = None if args.no_treat_sim else time_treat_sim(days, repeat, scenario.seed)
    if treat is not None:
        timings.append(treat)
        print(f"  treat-sim: {treat.completed:,} completed in {treat.best:.2f} s", flush=True)
    elif not args.no_treat_sim:
        print("  treat-sim is not installed (pip install treat-sim); skipped")

    memory: list[dict[str, float]] = []
    if not args.no_memory:
        _section("memory (each length in fresh subprocesses)")
        memory = measure_memory(lengths)

    if args.profile:
        _section(f"profile of HospitalModel.run, {args.profile:g} days (cProfile)")
        print(profile_model_run(args.profile, 15))

    _section("results")
    print(f"speed, {days:g} simulated days, one core (rates: completed episodes per second of")
    print("wall time, best and median of the repeats; /CPU s: per second of this process's CPU):")
    print(speed_report(timings))
    print(f"model construction (not in HospitalModel.run time): {build_s * 1000:.1f} ms")
    table_s = api.best - sim_only.best
    print(f"tables + summary + overhead in run() (best - best): {table_s:.2f} s")
    if treat is not None:
        treat_rate = treat.rate(treat.best)
        print(
            f"treat-sim: {treat.patients:,} arrived, {treat.completed:,} completed "
            f"({treat.patients - treat.completed:,} still in its queues at the end)"
        )
        print(
            f"ratio run() / treat-sim: {api.rate(api.best) / treat_rate:.1f}x; "
            f"HospitalModel.run() / treat-sim: {sim_only.rate(sim_only.best) / treat_rate:.1f}x "
            f"(best times; treat-sim measured at {treat_rate:,.0f}/s here, the issue quotes "
            f"{TREAT_SIM_ISSUE_FIGURE:,.0f}/s)"
        )
        print(
            f"ratio run() / issue's treat-sim figure: "
            f"{api.rate(api.best) / TREAT_SIM_ISSUE_FIGURE:.1f}x"
        )
    for timing in (api, sim_only):
        rate = timing.rate(timing.best)
        verdict = "met" if rate >= GOAL_EPISODES_PER_S else "NOT met"
        aim = "met" if rate >= AIM_EPISODES_PER_S else "not met"
        print(
            f"goal >= {GOAL_EPISODES_PER_S:,.0f}/s for {timing.label}: {verdict} "
            f"({rate:,.0f}/s); aim {AIM_EPISODES_PER_S:,.0f}/s: {aim}"
        )
    if memory:
        print("\nmemory by run length (sim = HospitalModel.run under tracemalloc; outputs = ")
        print("per-patient columns + decision/period rows held by the model afterwards; other =")
        print("everything else the model holds; cols B/pt = per-patient columns per patient;")
        print("frame B/pt = the patients DataFrame per patient; RSS growth = peak RSS during an")
        print("untraced run() minus RSS before it):")
        print(memory_report(memory))
    print(
        f"\nbenchmark wall time {time.perf_counter() - started:.0f} s; "
        f"load average (1 min) at the end {_load():.2f} (other processes share the cores: "
        "compare the CPU-time rate with the wall-time rate)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
