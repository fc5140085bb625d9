"""Fault injection: dead workers, a killed driver, and results that stay whole.

Elsewhere: a killed driver's store resumes (test_sweep), reordered parameters, a version
change and two concurrent writers (test_sweep), malformed documents and overrides
(test_scenario_errors and the property test below).
"""

from __future__ import annotations

import math
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from pandas.testing import assert_frame_equal
from test_sweep import ishigami

from sim.experiments.design import SweepSpec
from sim.experiments.runner import run
from sim.experiments.scenario import ScenarioError, load_scenario, validate
from sim.experiments.store import ResultsStore
from sim.experiments.sweep import sweep

ROOT = Path(__file__).resolve().parents[1]


def grid(values) -> SweepSpec:
    parameters = {"ishigami.x1": {"values": list(values)}, "ishigami.x2": {"values": [0.5, 1.5]}}
    return SweepSpec(design="grid", parameters=parameters)


X1 = (-2.0, -1.5, -1.0, -0.5, 0.0, 0.5, 1.0, 1.5, 2.0, 2.5)


def test_a_dead_worker_charges_only_the_run_that_killed_it(tmp_path):
    """Runs that kill their worker (x1 > 2) fail; every other run, in the same batch or
    pending when the pool broke, is run and stored with the numbers a clean sweep gives."""
    spec = grid(X1)
    deadly = validate(ishigami(die_above_x1=2.0))
    report = sweep(deadly, tmp_path / "deadly", spec, replications=2, workers=2, progress=False)
    runs = ResultsStore(tmp_path / "deadly").read()
    dead = runs["ishigami.x1"] > 2.0
    assert len(runs) == report.planned == 80
    assert (runs.loc[dead, "status"] == "failed").all() and dead.sum() == 8
    assert runs.loc[dead, "error"].str.contains("worker process died").all()
    assert (runs.loc[~dead, "status"] == "ok").all()

    clean = validate(ishigami())
    sweep(clean, tmp_path / "clean", spec, replications=2, workers=1, progress=False)
    expected = ResultsStore(tmp_path / "clean").read().set_index("id").loc[runs.loc[~dead, "id"]]
    got = runs.loc[~dead].set_index("id")
    assert_frame_equal(got[["y"]], expected[["y"]])


def _alive(pid: int) -> bool:
    """Whether a process exists and is not a zombie (Linux)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return False
    return state != "Z"


DRIVER = textwrap.dedent("""
    import os, sys, time
    from sim.experiments.executors import LocalExecutor

    def work(batch):
        with open(sys.argv[1], "a") as pids:
            pids.write(f"{os.getpid()}\\n")
        time.sleep(120)
        return []

    if __name__ == "__main__":
        list(LocalExecutor(2).run(work, [[{}] for _ in range(4)], lambda b, e: []))
""")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_workers_exit_when_the_driver_is_killed(tmp_path):
    script, pids = tmp_path / "driver.py", tmp_path / "pids"
    script.write_text(DRIVER, encoding="utf-8")
    driver = subprocess.Popen([sys.executable, str(script), str(pids)], cwd=ROOT,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and (
            not pids.exists() or len(pids.read_text().split()) < 2):  # fmt: skip
        time.sleep(0.1)
    workers = [int(pid) for pid in pids.read_text().split()]
    assert len(workers) == 2 and all(_alive(pid) for pid in workers)
    os.kill(driver.pid, signal.SIGKILL)
    driver.wait()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and any(_alive(pid) for pid in workers):
        time.sleep(0.1)
    assert not any(_alive(pid) for pid in workers)


AE = ROOT / "scenarios" / "ae_four_hour.toml"
COURTS = ROOT / "scenarios" / "courts_time_to_trial.toml"


@pytest.mark.parametrize("scenario_file", [AE, COURTS], ids=["hospital", "courts"])
def test_a_time_limit_changes_nothing_in_a_run_that_finishes(scenario_file):
    free = run(scenario_file, days=20)
    limited = run(scenario_file, days=20, time_limit_s=3600)
    assert limited.summary == free.summary


def test_a_run_over_its_time_limit_is_recorded_as_failed(tmp_path):
    scenario = load_scenario(AE)
    spec = SweepSpec(parameters={"stakes.level": {"values": [1.0]}})
    report = sweep(scenario, tmp_path / "s", spec, replications=1, days=30, workers=1,
                   progress=False, run_time_limit=0.001)  # fmt: skip
    runs = ResultsStore(tmp_path / "s").read()
    assert report.failed == report.planned == len(runs) == len(scenario.regimes)
    assert runs["error"].str.contains("RunTimeLimit: the run took longer than its time limit "
                                      "of 0.001 s").all()  # fmt: skip
    with pytest.raises(ScenarioError, match="run time limit: must be a finite number"):
        sweep(scenario, tmp_path / "never", spec, progress=False, run_time_limit=math.inf)
    assert not (tmp_path / "never").exists()
