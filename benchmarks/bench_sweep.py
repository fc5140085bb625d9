"""Throughput, executor overhead and memory of sweeps, with mesa.batch_run side by side.

Run by hand from the project root::

    .venv/bin/python benchmarks/bench_sweep.py            # full: 54 runs, 5 ways x 5, ~6-7 min
    .venv/bin/python benchmarks/bench_sweep.py --quick    # smoke: 18 runs, 2,000 Ishigami, ~1 min

What it measures:

1. Sweep throughput. A grid sweep of short runs of the default A&E scenario
   (``scenarios/ae_four_hour.toml``, 10 days, ``stakes.level`` in 0.5/1/2, its three
   regimes, 6 replications: 54 runs) through ``sim.experiments.sweep.sweep`` with the
   local executor at 1 and 2 workers, each into a fresh temporary folder. Runs per
   second of wall time; also the start-up time of a 2-worker pool on empty batches.
2. Executor overhead. The same 54 runs done by calling ``sim.experiments.runner.run``
   in a plain loop, against ``sweep(..., workers=1)``: overhead = (sweep - loop) / loop,
   by wall time and by CPU time, and measured directly as the sweep's wall time minus
   the ``wall_s`` its runs record (the least noisy figure). The goal is under 5%.
3. ``mesa.batch_run``. A thin Mesa model (`SweepAsMesaModel`) wraps
   ``sim.hospital.HospitalModel`` so that each ``step()`` is one simulated day, and
   ``batch_run`` drives the same runs (same levels, regimes, seeds and days) with one
   process (and, as an extra row, two). Its wall time, and the peak memory of the driving
   process for the sweep (workers=1), the plain loop and batch_run (number_processes=1).
   Any warnings batch_run raises are printed.
4. A large sweep of trivial runs: 20,000 runs (2,000 with ``--quick``) of the analytic
   Ishigami domain in a Latin hypercube, one worker. Peak resident memory of the driving
   process (goal < 1 GB) and runs per second.

Peak memory is measured in a fresh subprocess per kind of run: the peak resident set
size (VmHWM, reset after the imports and a warm-up) of an untraced pass, then the
tracemalloc peak of a second, traced pass. Every way of running the A&E grid is checked
to give the same summaries as the plain loop. It is a report, not a test: it always exits 0
unless something crashes.
"""

from __future__ import annotations

import argparse
import functools
import gc
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import mesa
from memory import MB, in_subprocess, peak_rss, traced

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "scenarios" / "ae_four_hour.toml"
PARAMETER = "stakes.level"
LEVELS = (0.5, 1.0, 2.0)
CHECKED_METRICS = ("measured_4h_pct", "true_4h_pct", "gap_4h_pct", "regime_score")
GOAL_OVERHEAD = 0.05
GOAL_PEAK_RSS_MB = 1024.0
MINUTES_PER_DAY = 1440.0


@dataclass(frozen=True)
class Settings:
    """Sizes of the benchmark."""

    days: float
    replications: int
    repeat: int
    ishigami_runs: int

    def hospital_runs(self) -> int:
        """Runs in the A&E grid: levels x regimes x replications."""
        return len(LEVELS) * len(load_scenario().regimes) * self.replications


# ---- helpers ---------------------------------------------------------------------------------
@functools.cache
def load_scenario() -> Any:
    """The default A&E scenario (loaded once per process)."""
    from sim.experiments import load_scenario as load

    return load(SCENARIO)


def hospital_spec() -> Any:
    """The grid over the stakes level."""
    from sim.experiments.design import SweepSpec

    return SweepSpec(design="grid", parameters={PARAMETER: {"values": list(LEVELS)}})


def ishigami_scenario() -> Any:
    """A scenario of the analytic test domain: one regime, one replication, one 'day'."""
    from sim.experiments.scenario import validate

    return validate({
        "name": "ishigami_bench", "domain": "ishigami", "days": 1, "replications": 1,
        "seed": 20101, "ishigami": {}, "regimes": {"none": {"type": "none"}},
    })  # fmt: skip


def ishigami_spec(runs: int) -> Any:
    """A Latin hypercube of `runs` points over x1..x3 in [-pi, pi]."""
    from sim.experiments.design import SweepSpec

    parameters = {f"ishigami.x{i}": {"low": -math.pi, "high": math.pi} for i in (1, 2, 3)}
    return SweepSpec(design="lhs", samples=runs, parameters=parameters)


def _children_cpu() -> float:
    """CPU seconds of this process's finished (waited-for) children."""
    times = os.times()
    return times.children_user + times.children_system


@dataclass
class Timing:
    """Wall and CPU times of repeated runs of one way of running the grid."""

    label: str
    runs: int
    seconds: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    child_cpu: list[float] = field(default_factory=list)
    outside: list[float] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, seconds: float, cpu: float, child_cpu: float) -> None:
        """Record one repeat."""
        self.seconds.append(seconds)
        self.cpu.append(cpu)
        self.child_cpu.append(child_cpu)

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
        """Shortest CPU time of the driving process."""
        return min(self.cpu)

    @property
    def best_total_cpu(self) -> float:
        """Shortest CPU time of the driver plus its worker processes."""
        return min(c + k for c, k in zip(self.cpu, self.child_cpu, strict=True))


def _timed(timing: Timing, fn: Callable[[], Any]) -> Any:
    """Run `fn` once, adding its wall, CPU and children's CPU time to `timing`."""
    gc.collect()
    child = _children_cpu()
    start, start_cpu = time.perf_counter(), time.process_time()
    result = fn()
    timing.add(
        time.perf_counter() - start, time.process_time() - start_cpu, _children_cpu() - child
    )
    return result


# ---- the four ways of running the A&E grid ----------------------------------------------------
def loop_runs(settings: Settings) -> list[dict[str, Any]]:
    """Every run of the grid through `sim.experiments.runner.run`, in a plain loop.

    Same order, overrides, seeds and replications as the sweep; only the summaries are
    kept, as the sweep keeps only summaries.
    """
    from sim.experiments.runner import run

    scenario = load_scenario()
    rows = []
    for level in LEVELS:
        for replication in range(settings.replications):
            for regime in scenario.regimes:
                result = run(
                    scenario, regime=regime, seed=scenario.seed, days=settings.days,
                    overrides={PARAMETER: level}, replication=replication,
                )  # fmt: skip
                rows.append({
                    "level": level, "regime": regime, "replication": replication,
                    **result.summary,
                })  # fmt: skip
    return rows


def sweep_runs(settings: Settings, workers: int, folder: Path) -> Any:
    """The grid through `sweep` into `folder`; returns the SweepReport."""
    from sim.experiments.sweep import sweep

    return sweep(
        load_scenario(), folder, hospital_spec(), replications=settings.replications,
        days=settings.days, workers=workers, progress=False,
    )  # fmt: skip


def sweep_rows(folder: Path) -> tuple[list[dict[str, Any]], float]:
    """The stored runs of a sweep as rows keyed like the other ways, and their total wall_s.

    `wall_s` is what `run_batch` times around each run (the override and `run()`), so the
    sweep's wall time minus their sum is the time the sweep spends outside the runs.
    """
    from sim.experiments.store import ResultsStore

    frame = ResultsStore(folder).read()
    rows = [
        {"level": r[PARAMETER], "regime": r["regime"], "replication": r["replication"],
         **{m: r[m] for m in CHECKED_METRICS}}
        for r in frame.to_dict("records")
    ]  # fmt: skip
    return rows, float(frame["wall_s"].sum())


class SweepAsMesaModel(mesa.Model):
    """A Mesa model for `mesa.batch_run`: one `sim.hospital.HospitalModel`, a day per step.

    It builds the model exactly as `sim.experiments.runner.run` does (scenario with the
    stakes level overridden, settings from `run_settings` for the regime, seed,
    replication and days) and advances it one day per `step()`. Its DataCollector reads
    a few live numbers every day; on the last day it also computes the run's summary, as
    `run` does, and reports the headline metrics.

    `rng` is the per-replication seed batch_run passes: (scenario seed, replication).
    """

    def __init__(
        self, level: float = 1.0, regime: str = "kpi", days: float = 10.0,
        rng: tuple[int, int] | None = None,
    ) -> None:  # fmt: skip
        """Build the wrapped model; nothing runs until `step`."""
        from sim.experiments.runner import run_settings
        from sim.experiments.scenario import with_overrides
        from sim.hospital import HospitalModel

        base = load_scenario()
        seed, replication = tuple(rng) if rng is not None else (base.seed, 0)
        super().__init__(rng=[seed, replication])
        scenario = with_overrides(base, {PARAMETER: level})
        settings = run_settings(scenario, regime, seed=seed, days=days, replication=replication)
        self.days = settings.days
        self.summary: dict[str, float] = {}
        self.inner = HospitalModel(scenario.params, settings)
        reporters: dict[str, Callable[[SweepAsMesaModel], float]] = {
            "patients": lambda m: len(m.inner.flow.cols["arrival_min"]),
            "queued": lambda m: sum(len(d.queue) for d in m.inner.flow.departments),
            "beds_free": lambda m: sum(d.beds_free for d in m.inner.flow.departments),
            "mean_burnout": lambda m: sum(m.inner.burnout) / len(m.inner.burnout),
        }
        for metric in CHECKED_METRICS:
            reporters[metric] = functools.partial(_summary_value, metric=metric)
        self.datacollector = mesa.DataCollector(model_reporters=reporters)

    def step(self) -> None:
        """Advance the wrapped model by one day; summarise it after the last day."""
        until = min(float(self.steps), self.days) * MINUTES_PER_DAY
        self.inner.run_until(until)
        self.inner.flow.advance_to(until)
        if self.steps >= self.days:
            from sim.hospital import patients_table, summarise

            self.summary = summarise(self.inner, patients_table(self.inner))
            self.running = False
        self.datacollector.collect(self)


def _summary_value(model: SweepAsMesaModel, metric: str) -> float:
    return model.summary.get(metric, math.nan)


def batch_runs(settings: Settings, processes: int) -> tuple[list[dict[str, Any]], list[str]]:
    """The grid through `mesa.batch_run`; returns its rows and the warnings it raised."""
    scenario = load_scenario()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        data = mesa.batch_run(
            SweepAsMesaModel,
            parameters={"level": list(LEVELS), "regime": list(scenario.regimes),
                        "days": settings.days},
            number_processes=processes,
            rng=[(scenario.seed, r) for r in range(settings.replications)],
            data_collection_period=-1,
            max_steps=math.ceil(settings.days),
            display_progress=False,
        )  # fmt: skip
    seen = dict.fromkeys(f"{w.category.__name__}: {w.message}" for w in caught)
    rows = [
        {"level": d["level"], "regime": d["regime"], "replication": d["iteration"],
         **{m: d[m] for m in CHECKED_METRICS}}
        for d in data
    ]  # fmt: skip
    return rows, list(seen)


def compare_rows(reference: list[dict[str, Any]], other: list[dict[str, Any]]) -> str:
    """'same' if both give the same checked metrics for every run, else what differs."""

    def keyed(rows: list[dict[str, Any]]) -> dict[tuple, tuple]:
        return {
            (float(r["level"]), r["regime"], int(r["replication"])):
            tuple(float(r[m]) for m in CHECKED_METRICS)
            for r in rows
        }  # fmt: skip

    a, b = keyed(reference), keyed(other)
    if a.keys() != b.keys():
        return f"DIFFERENT runs ({len(a)} vs {len(b)}, {len(a.keys() ^ b.keys())} unmatched)"

    def same(x: float, y: float) -> bool:
        return x == y or (math.isnan(x) and math.isnan(y))

    differ = sum(
        not all(same(x, y) for x, y in zip(a[k], b[k], strict=True)) for k in a
    )  # fmt: skip
    return "same" if differ == 0 else f"DIFFERENT in {differ} of {len(a)} runs"


# ---- sections 1-3: timing, in this process ---------------------------------------------------
def time_pool_startup(timing: Timing, workers: int) -> None:
    """Time the local executor's pool on empty batches: spawning and importing, no runs."""
    from sim.experiments.executors import LocalExecutor
    from sim.experiments.sweep import failed_rows, run_batch

    batches: list[list[dict[str, Any]]] = [[] for _ in range(workers)]
    _timed(timing, lambda: list(LocalExecutor(workers).run(run_batch, batches, failed_rows)))


def warm_up() -> None:
    """Import everything and run each path once on a tiny grid, outside the timings."""
    tiny = Settings(1.0, 1, 1, 0)
    loop_runs(tiny)
    batch_runs(tiny, 1)
    with tempfile.TemporaryDirectory() as folder:
        sweep_runs(tiny, 1, Path(folder) / "sweep")


def time_grid(settings: Settings) -> tuple[list[Timing], dict[str, str], list[str]]:
    """Time the ways of running the grid, taking turns; check they agree.

    The plain loop and sweep(workers=1), whose difference is the overhead, run back to
    back, in the opposite order on every other repeat (so a drift in the machine's speed
    does not favour either).
    """
    runs = settings.hospital_runs()
    loop = Timing("plain loop of run()", runs)
    sweep1 = Timing("sweep(workers=1)", runs)
    sweep2 = Timing("sweep(workers=2)", runs)
    batch1 = Timing("mesa.batch_run(number_processes=1)", runs)
    batch2 = Timing("mesa.batch_run(number_processes=2)", runs)
    startup = Timing("LocalExecutor(2) pool on 2 empty batches", 0)
    batch_warnings: list[str] = []
    results: dict[str, list[dict[str, Any]]] = {}

    def by_sweep(timing: Timing, workers: int) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp) / "sweep"
            report = _timed(timing, lambda: sweep_runs(settings, workers, folder))
            if report.ran != runs or report.failed:
                timing.notes.append(f"ran {report.ran} of {runs}, {report.failed} failed")
            results[timing.label], in_runs = sweep_rows(folder)
            timing.outside.append(timing.seconds[-1] - in_runs)

    def by_batch_run(timing: Timing, processes: int) -> None:
        rows, caught = _timed(timing, lambda: batch_runs(settings, processes))
        results[timing.label] = rows
        batch_warnings.extend(w for w in caught if w not in batch_warnings)

    def by_loop() -> None:
        results[loop.label] = _timed(loop, lambda: loop_runs(settings))

    for i in range(settings.repeat):
        pair = [by_loop, lambda: by_sweep(sweep1, 1)]
        for step in pair if i % 2 == 0 else pair[::-1]:
            step()
        by_sweep(sweep2, 2)
        by_batch_run(batch1, 1)
        by_batch_run(batch2, 2)
        time_pool_startup(startup, 2)
        print(
            f"  repeat {i + 1}/{settings.repeat}: loop {loop.seconds[-1]:.2f} s, "
            f"sweep w1 {sweep1.seconds[-1]:.2f} s, sweep w2 {sweep2.seconds[-1]:.2f} s, "
            f"batch_run p1 {batch1.seconds[-1]:.2f} s, p2 {batch2.seconds[-1]:.2f} s; "
            f"empty 2-worker pool {startup.seconds[-1]:.2f} s",
            flush=True,
        )
    checks = {
        label: compare_rows(results[loop.label], rows)
        for label, rows in results.items()
        if label != loop.label
    }
    return [loop, sweep1, sweep2, batch1, batch2, startup], checks, batch_warnings


# ---- memory: each kind in a fresh subprocess ---------------------------------------------------
def _memory_pass(kind: str, settings: Settings, folder: Path) -> dict[str, Any]:
    """Run one kind once; returns what it reports (rows, sweep report)."""
    if kind == "loop":
        return {"runs": len(loop_runs(settings))}
    if kind == "sweep":
        report = sweep_runs(settings, 1, folder)
        return {"runs": report.ran, "failed": report.failed}
    if kind == "batch_run":
        return {"runs": len(batch_runs(settings, 1)[0])}
    if kind == "ishigami":
        from sim.experiments.sweep import sweep

        report = sweep(
            ishigami_scenario(), folder, ishigami_spec(settings.ishigami_runs), workers=1,
            progress=False,
        )  # fmt: skip
        return {"runs": report.ran, "failed": report.failed, "executor_s": report.seconds}
    raise ValueError(f"unknown kind {kind!r}")


def _ishigami_phases(settings: Settings, folder: Path) -> dict[str, float]:
    """Where the Ishigami sweep's time goes outside the runs, on a completed folder."""
    from sim.experiments.store import ResultsStore
    from sim.experiments.sweep import batch_size, plan, sweep

    scenario, spec = ishigami_scenario(), ishigami_spec(settings.ishigami_runs)
    start = time.perf_counter()
    points = spec.points(scenario.seed)
    design_s = time.perf_counter() - start
    start = time.perf_counter()
    tasks, _ = plan(scenario, spec, 1, scenario.days, scenario.seed)
    plan_s = time.perf_counter() - start
    store = ResultsStore(folder)
    start = time.perf_counter()
    done = store.finished_ids()
    finished_s = time.perf_counter() - start
    start = time.perf_counter()
    rerun = sweep(scenario, folder, spec, workers=1, progress=False)
    rerun_s = time.perf_counter() - start
    return {
        "design_s": design_s,
        "plan_s": plan_s - design_s,
        "finished_ids_s": finished_s,
        "rerun_s": rerun_s,
        "rerun_ran": rerun.ran,
        "stored": len(done),
        "points": len(points),
        "tasks": len(tasks),
        "batch_size": batch_size(scenario, scenario.days, len(tasks), 1),
        "parts": len(store.parts()),
    }


def worker_memory(kind: str, settings: Settings) -> dict[str, Any]:
    """Peak memory of the driving process for one kind of run, measured in this process.

    Imports and a warm-up run first; then an untraced pass with VmHWM reset just before
    it; then a second pass under tracemalloc (which counts only blocks allocated while it
    traces, so the first pass does not affect it).
    """
    tiny = Settings(1.0, 1, 1, 10)
    with tempfile.TemporaryDirectory() as tmp:
        _memory_pass(kind, tiny, Path(tmp) / "warm")
        timing = Timing(kind, 0)
        info, rss = peak_rss(
            lambda: _timed(timing, lambda: _memory_pass(kind, settings, Path(tmp) / "untraced"))
        )
        phases = _ishigami_phases(settings, Path(tmp) / "untraced") if kind == "ishigami" else {}
        _, _, traced_peak = traced(lambda: _memory_pass(kind, settings, Path(tmp) / "traced"))
    return {
        "kind": kind, **info, **phases, "seconds": timing.best, "cpu": timing.best_cpu, **rss,
        "traced_peak_mb": traced_peak / MB,
    }  # fmt: skip


# ---- report ----------------------------------------------------------------------------------
def _table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
    line = "  ".join(h.rjust(w) for h, w in zip(header, widths, strict=True))
    sep = "  ".join("-" * w for w in widths)
    body = ["  ".join(c.rjust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    return "\n".join([line, sep, *body])


def _fmt(value: float | None, digits: int = 0) -> str:
    return "n/a" if value is None or math.isnan(value) else f"{value:,.{digits}f}"


def throughput_report(timings: list[Timing], checks: dict[str, str]) -> str:
    """Table of wall times, rates and CPU times of the ways of running the grid."""
    rows = [
        [
            t.label, str(t.runs), _fmt(t.best, 2), _fmt(t.median, 2), _fmt(t.runs / t.best, 2),
            _fmt(t.runs / t.median, 2), _fmt(t.best_cpu, 2), _fmt(t.best_total_cpu, 2),
            checks.get(t.label, "reference"),
        ]
        for t in timings
    ]  # fmt: skip
    header = [
        "way", "runs", "best s", "median s", "best runs/s", "median runs/s", "driver CPU s",
        "+workers CPU s", "results vs loop",
    ]  # fmt: skip
    return _table(header, rows)


def _overhead(sweep: float, loop: float) -> float:
    return (sweep - loop) / loop if loop > 0 else math.nan


def overhead_report(loop: Timing, sweep1: Timing) -> list[str]:
    """Executor overhead of sweep(workers=1) over the plain loop, several ways.

    The direct figure (time outside the runs) comes first: it does not depend on how fast
    the runs themselves went, so other load on the machine barely moves it. The
    comparisons of whole timings follow, with the loop's own spread for scale.
    """
    lines = []
    if sweep1.outside:
        shares = [o / (s - o) for o, s in zip(sweep1.outside, sweep1.seconds, strict=True)]
        share = statistics.median(shares)
        lines.append(
            f"  measured directly (sweep wall time minus the sum of its runs' own wall_s): "
            f"{statistics.median(sweep1.outside) * 1000:,.0f} ms, {share * 100:+.1f}% of the "
            f"time in runs (median of {len(shares)}; "
            f"{'met' if share < GOAL_OVERHEAD else 'NOT met'}: goal < {GOAL_OVERHEAD:.0%})"
        )
    spread = (max(loop.seconds) - loop.best) / loop.best
    noise = (
        f"the plain loop alone varied by {spread * 100:.0f}% between repeats"
        if len(loop.seconds) > 1
        else "one repeat, so their spread is unknown"
    )
    lines.append(f"  whole timings (noisy: {noise}):")
    paired = [_overhead(s, p) for s, p in zip(sweep1.seconds, loop.seconds, strict=True)]
    paired_cpu = [_overhead(s, p) for s, p in zip(sweep1.cpu, loop.cpu, strict=True)]
    figures = {
        "best vs best (wall)": _overhead(sweep1.best, loop.best),
        "median of paired repeats (wall)": statistics.median(paired),
        "best vs best (CPU of this process)": _overhead(sweep1.best_cpu, loop.best_cpu),
        "median of paired repeats (CPU)": statistics.median(paired_cpu),
    }
    lines.extend(f"    {name}: {value * 100:+.1f}%" for name, value in figures.items())
    extra = (sweep1.best - loop.best) / loop.runs * 1000
    lines.append(f"    per run (best - best): {extra:+.1f} ms")
    return lines


def memory_report(rows: list[dict[str, Any]]) -> str:
    """Table of the driving process's peak memory for each kind of run."""
    labels = {
        "loop": "plain loop of run()",
        "sweep": "sweep(workers=1)",
        "batch_run": "mesa.batch_run(number_processes=1)",
        "ishigami": "sweep(workers=1), Ishigami LHS",
    }
    lines = [
        [
            labels[r["kind"]], f"{int(r['runs']):,}", _fmt(r["seconds"], 2),
            _fmt(r["runs"] / r["seconds"], 1), _fmt(r["rss_before_mb"], 1),
            _fmt(r["rss_peak_mb"], 1), _fmt(r["rss_peak_mb"] - r["rss_before_mb"], 1),
            _fmt(r["traced_peak_mb"], 1),
        ]
        for r in rows
    ]  # fmt: skip
    header = [
        "driver", "runs", "wall s", "runs/s", "RSS before MB", "peak RSS MB", "RSS growth MB",
        "tracemalloc peak MB",
    ]  # fmt: skip
    text = [_table(header, lines)]
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
        f"Mesa {mesa.__version__}, load average (1 min) at start {_load():.2f}"
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
    parser.add_argument(
        "--quick",
        action="store_true",
        help="smoke version: 7 days, 2 replications, 1 repeat, 2,000 Ishigami",
    )
    parser.add_argument("--days", type=float, default=None, help="days per A&E run (10)")
    parser.add_argument(
        "--replications",
        type=int,
        default=None,
        help="replications of each level and regime (6; 2 with --quick)",
    )
    parser.add_argument(
        "--repeat", type=int, default=None, help="timed repeats of each way (5; 1 with --quick)"
    )
    parser.add_argument(
        "--ishigami-runs",
        type=int,
        default=None,
        help="runs of the large Ishigami sweep (20000; 2000 with --quick)",
    )
    parser.add_argument("--no-memory", action="store_true", help="skip the memory section")
    parser.add_argument("--worker", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)  # fmt: skip

    def pick(value: Any, full: Any, quick: Any) -> Any:
        return value if value is not None else (quick if args.quick else full)

    settings = Settings(
        days=float(pick(args.days, 10.0, 7.0)),
        replications=max(1, pick(args.replications, 6, 2)),
        repeat=max(1, pick(args.repeat, 5, 1)),
        ishigami_runs=max(1, pick(args.ishigami_runs, 20_000, 2_000)),
    )
    if args.worker:
        print(json.dumps(worker_memory(args.worker, settings)))
        return 0

    started = time.perf_counter()
    scenario = load_scenario()
    _section("setup")
    print(machine())
    print(
        f"A&E grid: {SCENARIO.relative_to(ROOT)}, {settings.days:g} days, {PARAMETER} in "
        f"{list(LEVELS)}, regimes {list(scenario.regimes)}, {settings.replications} "
        f"replications = {settings.hospital_runs()} runs; {settings.repeat} timed repeat(s)"
    )
    print(f"Ishigami sweep: LHS, {settings.ishigami_runs:,} runs, one worker")
    print(f"code: git {code_version()}")

    _section("timing the A&E grid (ways take turns within each repeat)")
    warm_up()
    timings, checks, batch_warnings = time_grid(settings)
    loop, sweep1, sweep2, startup = timings[0], timings[1], timings[2], timings[-1]

    memory: list[dict[str, Any]] = []
    if not args.no_memory:
        _section("memory of the driving process (each kind in a fresh subprocess)")
        sizes = [
            "--days", str(settings.days), "--replications", str(settings.replications),
            "--ishigami-runs", str(settings.ishigami_runs),
        ]  # fmt: skip
        for kind in ("sweep", "loop", "batch_run", "ishigami"):
            memory.append(in_subprocess(__file__, [kind, *sizes], ROOT))
            print(f"  {kind}: done", flush=True)

    _section("results")
    print(
        f"1-3. A&E grid, {settings.hospital_runs()} runs of {settings.days:g} days (wall time, "
        f"best and median of {settings.repeat}; CPU: this process, and with its worker "
        "processes):"
    )
    print(throughput_report(timings[:-1], checks))
    for timing in timings:
        if timing.notes:
            print(f"  {timing.label}: {'; '.join(dict.fromkeys(timing.notes))}")
    print(
        f"speed-up of 2 workers over 1 (best): {sweep1.best / sweep2.best:.2f}x; "
        f"batch_run (1 process) / sweep(workers=1), best: "
        f"{timings[3].best / sweep1.best:.2f}x the time"
    )
    print(
        f"start-up of a 2-worker spawn pool (no runs: two empty batches): best "
        f"{startup.best:.2f} s, median {startup.median:.2f} s wall; "
        f"{min(startup.child_cpu):.2f} s CPU in the workers (each imports the sim package)"
    )
    print("\nexecutor overhead of sweep(workers=1) over the plain loop:")
    print("\n".join(overhead_report(loop, sweep1)))
    print("\nwarnings raised by mesa.batch_run: " + ("none" if not batch_warnings else ""))
    for message in batch_warnings:
        print(f"  {message}")

    if memory:
        print("\nmemory: peak resident set size of the driving process during an untraced")
        print("pass (VmHWM reset after imports and a warm-up; 'before' is the RSS at the reset)")
        print("and the tracemalloc peak of a second pass. Worker processes are not included.")
        print(memory_report(memory))
        ishigami = next(r for r in memory if r["kind"] == "ishigami")
        verdict = "met" if ishigami["rss_peak_mb"] < GOAL_PEAK_RSS_MB else "NOT met"
        print(
            f"4. Ishigami sweep of {int(ishigami['runs']):,} runs: "
            f"{ishigami['runs'] / ishigami['seconds']:,.0f} runs/s over the whole sweep() call "
            f"({ishigami['runs'] / ishigami['executor_s']:,.0f} runs/s in the executor loop); "
            f"peak RSS {ishigami['rss_peak_mb']:,.0f} MB: goal < {GOAL_PEAK_RSS_MB:,.0f} MB "
            f"{verdict}"
        )
        print(
            f"   outside the runs: design {ishigami['design_s']:.2f} s, "
            f"plan {ishigami['plan_s']:.2f} s, finished_ids {ishigami['finished_ids_s']:.3f} s; "
            f"batch size {int(ishigami['batch_size']):,} -> {int(ishigami['parts'])} part "
            f"file(s); rerun "
            f"on the complete folder {ishigami['rerun_s']:.2f} s ({int(ishigami['rerun_ran'])} "
            "run again)"
        )
    print(
        f"\nbenchmark wall time {time.perf_counter() - started:.0f} s; "
        f"load average (1 min) at the end {_load():.2f} (other processes share the cores: "
        "compare the CPU times with the wall times)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
