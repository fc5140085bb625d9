"""Speed of the Crown Court model: cases processed per second on one core.

Runs a full year of ``scenarios/courts_time_to_trial.toml`` (regime ``kpi``, behaviour on)
several times in this process and prints cases per second of wall time for the whole
``sim.run()`` call and for ``CourtModel.run()`` alone. A case counts as processed if it was
received during the run or was in the initial backlog. Run by hand::

    .venv/bin/python benchmarks/bench_courts.py [--days 365] [--repeat 3]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import sim
from sim.courts import CourtModel
from sim.experiments.runner import run_settings

SCENARIO = Path(__file__).resolve().parents[1] / "scenarios" / "courts_time_to_trial.toml"


def main() -> None:
    """Time the runs and print a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    scenario = sim.load_scenario(SCENARIO)
    rows = []
    for _ in range(args.repeat):
        model = CourtModel(scenario.params, run_settings(scenario, "kpi", days=args.days))
        started = time.perf_counter()
        model.run()
        model_s = time.perf_counter() - started
        cases = model.flow.cases.n
        started = time.perf_counter()
        sim.run(scenario, regime="kpi", days=args.days)
        run_s = time.perf_counter() - started
        rows.append((cases, model_s, run_s))
    cases = rows[0][0]
    best_model = min(r[1] for r in rows)
    best_run = min(r[2] for r in rows)
    print(f"{args.days} days, {cases:,} cases, best of {args.repeat}:")
    print(f"  CourtModel.run():  {best_model:6.2f} s  {cases / best_model:10,.0f} cases/s")
    print(f"  sim.run():         {best_run:6.2f} s  {cases / best_run:10,.0f} cases/s")
    print("  goal >= 50,000 cases/s: " + ("met" if cases / best_run >= 50_000 else "not met"))


if __name__ == "__main__":
    main()
