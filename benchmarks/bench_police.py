"""Speed of the police model: crime reports processed per second on one core.

Runs a full year of ``scenarios/police_crime_targets.toml`` (regime ``kpi``, behaviour on)
several times in this process and prints crime reports (and crimes) per second of wall
time for the whole ``sim.run()`` call and for ``PoliceModel.run()`` alone. Run by hand::

    .venv/bin/python benchmarks/bench_police.py [--days 365] [--repeat 3]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import sim
from sim.experiments.runner import run_settings
from sim.police import PoliceModel

SCENARIO = Path(__file__).resolve().parents[1] / "scenarios" / "police_crime_targets.toml"


def main() -> None:
    """Time the runs and print a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    scenario = sim.load_scenario(SCENARIO)
    rows = []
    for _ in range(args.repeat):
        model = PoliceModel(scenario.params, run_settings(scenario, "kpi", days=args.days))
        started = time.perf_counter()
        model.run()
        model_s = time.perf_counter() - started
        crimes = model.flow.crimes
        reports, happened = int(crimes["reported"].sum()), int(crimes["occurred"].sum())
        started = time.perf_counter()
        sim.run(scenario, regime="kpi", days=args.days, tables=False)
        run_s = time.perf_counter() - started
        rows.append((reports, happened, model_s, run_s))
    reports, happened = rows[0][0], rows[0][1]
    best_model = min(r[2] for r in rows)
    best_run = min(r[3] for r in rows)
    print(f"{args.days} days, {reports:,} reports of {happened:,} crimes, best of {args.repeat}:")
    print(f"  PoliceModel.run(): {best_model:6.2f} s  {reports / best_model:10,.0f} reports/s"
          f"  {happened / best_model:10,.0f} crimes/s")
    print(f"  sim.run():         {best_run:6.2f} s  {reports / best_run:10,.0f} reports/s"
          f"  {happened / best_run:10,.0f} crimes/s")
    print("  goal >= 50,000 reports/s: " + ("met" if reports / best_run >= 50_000 else "not met"))


if __name__ == "__main__":
    main()
