"""Peak memory of one run against the estimate that refuses runs too big for the machine.

Each domain's `bytes_per_run` must stay on the safe side of what a run really uses, or a
run that does not fit is started anyway and killed by the operating system. Every
(scenario, days) pair runs in a fresh process; the figure is the rise in peak resident set
size over the process after imports (`VmHWM` after `sim.run`, minus RSS before it).

    .venv/bin/python benchmarks/bench_memory.py [--days 60 365 1095]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import memory

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ("scenarios/ae_four_hour.toml", "scenarios/courts_time_to_trial.toml",
             "scenarios/police_crime_targets.toml")


def worker(scenario_file: str, days: float) -> dict:
    import sim
    from sim.registry import get_domain

    scenario = sim.load_scenario(ROOT / scenario_file)
    result, rss = memory.peak_rss(lambda: sim.run(scenario, days=days))
    rows = max(len(table) for table in result.tables.values())
    return {
        "scenario": Path(scenario_file).stem, "days": days, "rows": rows,
        "peak_rise_mb": rss["rss_peak_mb"] - rss["rss_before_mb"], "exact": rss["rss_exact"],
        "estimate_mb": get_domain(scenario.domain).bytes_per_run(scenario.params, days) / 2**20,
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=float, nargs="+", default=[60.0, 365.0, 1095.0])
    parser.add_argument("--worker", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker[0], float(args.worker[1]))))
        return
    print(f"{'scenario':24} {'days':>6} {'rows':>9} {'peak rise MB':>13} {'estimate MB':>12} "
          f"{'bytes/row':>9}  safe")  # fmt: skip
    for scenario_file in SCENARIOS:
        for days in args.days:
            got = memory.in_subprocess(__file__, [scenario_file, str(days)], ROOT)
            per_row = got["peak_rise_mb"] * 2**20 / max(got["rows"], 1)
            safe = "yes" if got["estimate_mb"] >= got["peak_rise_mb"] else "NO"
            print(f"{got['scenario']:24} {days:6g} {got['rows']:9,d} {got['peak_rise_mb']:13,.0f} "
                  f"{got['estimate_mb']:12,.0f} {per_row:9,.0f}  {safe}"
                  f"{'' if got['exact'] else ' (peak not reset)'}")  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
