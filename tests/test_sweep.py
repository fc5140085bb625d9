"""The experiments layer: sweeps, executors, the resumable store and analysis."""

from __future__ import annotations

import math
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from sim.cli import main
from sim.experiments.analysis import analyse, point_effects, robustness
from sim.experiments.design import SweepSpec
from sim.experiments.scenario import ScenarioError, validate
from sim.experiments.store import ResultsStore, StoreError
from sim.experiments.sweep import sweep

PI = math.pi
ROOT = Path(__file__).resolve().parents[1]


def ishigami(**params) -> dict:
    return {
        "name": "ishigami", "domain": "ishigami", "days": 1, "replications": 1, "seed": 7,
        "ishigami": params, "regimes": {"none": {"type": "none"}, "kpi": {
            "type": "kpi", "measure": "y", "target": 0.5}},
    }  # fmt: skip


def grid(values=(-2.0, -1.0, 0.0, 1.0, 2.0)) -> SweepSpec:
    parameters = {"ishigami.x1": {"values": list(values)}, "ishigami.x2": {"values": [0.5, 1.5]}}
    return SweepSpec(design="grid", parameters=parameters)


def stored(folder: Path) -> pd.DataFrame:
    runs = ResultsStore(folder).read().drop(columns=["wall_s"])
    return runs.sort_values("id").reset_index(drop=True)


def test_sobol_recovers_ishigami_indices(tmp_path):
    scenario = validate(ishigami())
    spec = SweepSpec(design="sobol", samples=1024, parameters={
        f"ishigami.x{i}": {"low": -PI, "high": PI} for i in (1, 2, 3)})  # fmt: skip
    sweep(scenario, tmp_path / "s", spec, replications=1, progress=False)
    indices = analyse(tmp_path / "s").sensitivity
    table = indices[indices["regime"] == "none"].set_index("parameter")
    first = table["S1"].to_numpy()
    total = table["ST"].to_numpy()
    assert first == pytest.approx([0.314, 0.442, 0.0], abs=0.06)
    assert total == pytest.approx([0.558, 0.442, 0.244], abs=0.06)


def test_morris_ranks_the_influential_inputs(tmp_path):
    scenario = validate(ishigami())
    spec = SweepSpec(design="morris", samples=40, parameters={
        f"ishigami.x{i}": {"low": -PI, "high": PI} for i in (1, 2, 3)})  # fmt: skip
    sweep(scenario, tmp_path / "m", spec, replications=1, progress=False)
    analysis = analyse(tmp_path / "m")
    table = analysis.sensitivity.query("regime == 'none'").set_index("parameter")
    assert table["mu_star"]["ishigami.x2"] > table["mu_star"]["ishigami.x3"] > 0
    # the paired difference from the reference gets indices and a row of robustness too
    assert "kpi - none" in set(analysis.sensitivity["regime"])
    assert list(analysis.robustness["comparison"]) == ["kpi - none"]


def test_a_conclusions_range_and_sign_over_the_design():
    rows = [{"point": p, "replication": r, "regime": regime,
             "y": (p - 1.0 if regime == "a" else 0.0) + 10 * r}
            for p in range(4) for r in range(2) for regime in ("a", "none")]  # fmt: skip
    effects = point_effects(pd.DataFrame(rows), "y", "none")
    assert effects["a - none"].tolist() == [-1.0, 0.0, 1.0, 2.0]  # paired: replication cancels
    robust = robustness(effects, "y").iloc[0]
    assert (robust["min"], robust["max"], robust["positive_pct"]) == (-1.0, 2.0, 50.0)


def test_resume_runs_only_what_is_missing(tmp_path, monkeypatch):
    scenario = validate(ishigami(noise_sd=0.5))
    whole = tmp_path / "whole"
    sweep(scenario, whole, grid(), replications=3, workers=1, progress=False)

    calls = {"n": 0}
    original = ResultsStore.append

    def interrupted(self, rows):
        if calls["n"] == 2:
            raise KeyboardInterrupt  # Ctrl-C after two batches were stored
        calls["n"] += 1
        original(self, rows)

    monkeypatch.setattr(ResultsStore, "append", interrupted)
    monkeypatch.setattr("sim.experiments.sweep.batch_size", lambda *args: 4)
    part = tmp_path / "part"
    with pytest.raises(KeyboardInterrupt):
        sweep(scenario, part, grid(), replications=3, workers=1, progress=False)
    assert len(ResultsStore(part).finished_ids()) == 8
    monkeypatch.setattr(ResultsStore, "append", original)
    report = sweep(scenario, part, grid(), replications=3, workers=1, progress=False)
    assert (report.skipped, report.ran, report.planned) == (8, 52, 60)
    assert_frame_equal(stored(part), stored(whole))
    again = sweep(scenario, part, grid(), replications=3, workers=1, progress=False)
    assert again.ran == 0


def test_a_failing_run_is_recorded_and_the_sweep_goes_on(tmp_path):
    scenario = validate(ishigami(fail_above_x1=0.5))
    report = sweep(scenario, tmp_path / "f", grid(), replications=1, progress=False)
    runs = ResultsStore(tmp_path / "f").read()
    failed = runs[runs["status"] == "failed"]
    assert report.failed == len(failed) == 8  # x1 in {1, 2} x 2 values x 2 regimes
    assert (failed["ishigami.x1"] > 0.5).all()
    assert failed["error"].str.contains("above fail_above_x1").all()
    assert (runs.loc[runs["status"] == "ok", "y"].notna()).all()
    result = analyse(tmp_path / "f")
    assert result.status == {"planned": 20, "ok": 12, "failed": 8, "missing": 0}
    assert any("8 failed" in note for note in result.notes)


def test_same_results_whatever_executor_and_workers(tmp_path):
    scenario = validate(ishigami(noise_sd=1.0))
    spec = grid(values=(-2.0, -1.0, 1.0))
    sweep(scenario, tmp_path / "one", spec, replications=4, workers=1, progress=False)
    sweep(scenario, tmp_path / "two", spec, replications=4, workers=2, progress=False)
    sweep(scenario, tmp_path / "dask", spec, replications=4, workers=2, cluster="local",
          progress=False)  # fmt: skip
    one = stored(tmp_path / "one")
    assert one["y"].nunique() == len(one) // 2  # noise differs by point and replication
    assert_frame_equal(one, stored(tmp_path / "two"))
    assert_frame_equal(one, stored(tmp_path / "dask"))


def test_a_changed_scenario_or_design_is_refused(tmp_path):
    folder = tmp_path / "s"
    sweep(validate(ishigami()), folder, grid(), replications=1, progress=False)
    before = sorted(p.name for p in (folder / "runs").iterdir())
    with pytest.raises(StoreError, match="different scenario or design"):
        sweep(validate(ishigami(a=6.0)), folder, grid(), replications=1, progress=False)
    with pytest.raises(StoreError, match="different scenario or design"):
        sweep(validate(ishigami()), folder, grid((0.0,)), replications=1, progress=False)
    assert sorted(p.name for p in (folder / "runs").iterdir()) == before


def test_bad_sweep_parameters_are_refused():
    scenario = validate(ishigami())
    bad_name = SweepSpec(parameters={"ishigami.x9": {"values": [1.0]}})
    with pytest.raises(ScenarioError, match=r"sweep.parameters.ishigami.x9.*'x1'"):
        sweep(scenario, "/nonexistent/never", bad_name, progress=False)
    out_of_range = SweepSpec(parameters={"ishigami.x1": {"values": [9.0]}})
    with pytest.raises(ScenarioError, match=r"(?s)sweep.parameters.ishigami.x1 = 9.0.*less than"):
        sweep(scenario, "/nonexistent/never", out_of_range, progress=False)
    with pytest.raises(ValueError, match="a grid needs 'values'"):
        SweepSpec(parameters={"ishigami.x1": {"low": 0, "high": 1}})


@pytest.mark.parametrize("workers", ["1", "2"])
def test_kill_minus_nine_leaves_a_readable_store_that_resumes(tmp_path, workers):
    """The driver killed mid-sweep: the resumed store equals an uninterrupted sweep."""
    text = ('name = "slow"\ndomain = "ishigami"\ndays = 1\nreplications = 1\nseed = 3\n'
            "[ishigami]\nsleep_s = {sleep}\n[regimes.none]\ntype = \"none\"\n"
            '[sweep]\ndesign = "lhs"\nsamples = 400\n[sweep.parameters]\n'
            '"ishigami.x1" = { low = -3, high = 3 }\n')  # fmt: skip
    scenario_file, quick_file = tmp_path / "slow.toml", tmp_path / "quick.toml"
    scenario_file.write_text(text.replace("{sleep}", "0.02"), encoding="utf-8")
    quick_file.write_text(text.replace("{sleep}", "0.0"), encoding="utf-8")
    out = tmp_path / "store"
    command = [sys.executable, "-m", "sim", "sweep", str(scenario_file), "--workers", workers,
               "--out", str(out)]  # fmt: skip
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not ResultsStore(out).parts():
        time.sleep(0.1)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    done = len(ResultsStore(out).finished_ids())
    assert 0 < done < 400
    assert main(["sweep", str(scenario_file), "--workers", workers, "--out", str(out)]) == 0
    runs = ResultsStore(out).read()
    assert len(runs) == 400 and (runs["status"] == "ok").all()
    assert main(["sweep", str(quick_file), "--workers", "1", "--out", str(tmp_path / "q")]) == 0
    clean = ResultsStore(tmp_path / "q").read().set_index("id").sort_index()
    assert_frame_equal(runs.set_index("id").sort_index()[["y"]], clean[["y"]])


def test_cli_sweep_and_analyse(tmp_path, capsys):
    scenario_file = tmp_path / "i.toml"
    scenario_file.write_text(
        'name = "i"\ndomain = "ishigami"\ndays = 1\nreplications = 2\nseed = 1\n'
        "[ishigami]\nnoise_sd = 0.1\n[regimes.none]\ntype = \"none\"\n"
        '[regimes.kpi]\ntype = "kpi"\nmeasure = "y"\ntarget = 0.5\n',
        encoding="utf-8",
    )  # fmt: skip
    out = tmp_path / "store"
    assert main(["sweep", str(scenario_file), "--param", "ishigami.x1=-1,0,1",
                 "--workers", "1", "--out", str(out)]) == 0  # fmt: skip
    assert main(["analyse", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "runs: 12 ok, 0 failed, 0 missing of 12 planned" in printed
    for name in ("regimes", "differences"):
        assert (out / "analysis" / f"{name}.csv").exists()
        assert (out / "analysis" / f"{name}.parquet").exists()
    regimes = pd.read_parquet(out / "analysis" / "regimes.parquet")
    assert sorted(regimes["ishigami.x1"].unique()) == [-1, 0, 1]
    assert main(["sweep", str(scenario_file), "--workers", "1", "--out", str(out)]) == 2
    assert "no parameters" in capsys.readouterr().err


@pytest.mark.parametrize("cluster", [None, "local"], ids=["local-pool", "dask"])
def test_a_killed_worker_is_retried(tmp_path, cluster):
    marker = tmp_path / "crashed-once"
    scenario = validate(ishigami(crash_once_marker=str(marker)))
    report = sweep(scenario, tmp_path / "k", grid(values=(-1.0, 1.0)), replications=1,
                   workers=2, cluster=cluster, progress=False)  # fmt: skip
    assert marker.exists()  # a worker process really died
    runs = ResultsStore(tmp_path / "k").read()
    assert report.failed == 0 and len(runs) == 8 and (runs["status"] == "ok").all()


def test_detail_tables_are_optional(tmp_path):
    scenario = validate(ishigami())
    sweep(scenario, tmp_path / "off", grid(values=(0.0,)), replications=1, progress=False)
    assert not (tmp_path / "off" / "tables").exists()
    hospital = validate({
        **{k: v for k, v in ishigami().items() if k != "ishigami"},
        "domain": "hospital", "name": "h", "days": 2,
        "hospital": {"eds": [{"name": "a", "arrivals_per_day": 50, "clinicians_peak": 4,
                              "cubicles": 8, "beds": 40}]},
        "regimes": {"none": {"type": "none"}},
    })  # fmt: skip
    spec = SweepSpec(parameters={"stakes.level": {"values": [0.0, 1.0]}})
    sweep(hospital, tmp_path / "on", spec, replications=1, progress=False, keep_tables=True)
    runs = ResultsStore(tmp_path / "on").read()
    for run_id in runs["id"]:
        patients = pd.read_parquet(tmp_path / "on" / "tables" / "patients" / f"{run_id}.parquet")
        assert len(patients) > 50


def test_a_sampled_range_over_a_whole_number_parameter_draws_whole_numbers(tmp_path):
    """Beds are a whole number: an LHS range over them is sampled as integers, not refused."""
    out = tmp_path / "store"
    code = main(["sweep", str(ROOT / "scenarios" / "ae_four_hour.toml"), "--design", "lhs",
                 "--samples", "2", "--param", "hospital.eds.3.beds=100:180", "--days", "2",
                 "--replications", "1", "--workers", "1", "--out", str(out)])  # fmt: skip
    assert code == 0
    runs = ResultsStore(out).read()
    assert (runs["status"] == "ok").all()
    beds = runs["hospital.eds.3.beds"]
    assert (beds == beds.round()).all() and beds.between(100, 180).all()


def lhs(order: tuple[str, ...]) -> SweepSpec:
    return SweepSpec(design="lhs", samples=6, parameters={
        name: {"low": -PI, "high": PI} for name in order})  # fmt: skip


def test_parameters_given_in_another_order_are_the_same_sweep(tmp_path):
    """Run ids come from a canonical design: a resume with reordered parameters runs
    nothing new and pseudo-replicates nothing."""
    scenario = validate(ishigami())
    first = sweep(scenario, tmp_path / "s", lhs(("ishigami.x1", "ishigami.x2")),
                  replications=1, progress=False)  # fmt: skip
    again = sweep(scenario, tmp_path / "s", lhs(("ishigami.x2", "ishigami.x1")),
                  replications=1, progress=False)  # fmt: skip
    assert (again.ran, again.skipped) == (0, first.planned)
    assert len(stored(tmp_path / "s")) == first.planned


def test_a_store_whose_points_disagree_with_the_design_is_refused(tmp_path):
    scenario = validate(ishigami())
    spec = lhs(("ishigami.x1", "ishigami.x2"))
    sweep(scenario, tmp_path / "s", spec, replications=1, progress=False)
    path = tmp_path / "s" / "points.parquet"
    points = pd.read_parquet(path)
    points.loc[0, "point_id"] = "0" * 16
    points.to_parquet(path, index=False)
    with pytest.raises(StoreError, match=r"out: .*points differ .*\(1 of 6\)"):
        sweep(scenario, tmp_path / "s", spec, replications=1, progress=False)


def test_a_resume_by_another_version_is_refused_unless_asked_for(tmp_path, monkeypatch):
    import sim.experiments.output as output

    scenario = validate(ishigami())
    spec = lhs(("ishigami.x1", "ishigami.x2"))
    first = sweep(scenario, tmp_path / "s", spec, replications=1, progress=False)
    monkeypatch.setattr(output, "git_commit", lambda: "f" * 40)
    with pytest.raises(StoreError, match=r"written by goodhart .*this is goodhart .*ffffffffffff"):
        sweep(scenario, tmp_path / "s", spec, replications=1, progress=False)
    again = sweep(scenario, tmp_path / "s", spec, replications=1, progress=False,
                  allow_version_change=True)  # fmt: skip
    assert (again.ran, again.skipped) == (0, first.planned)
    resumed = ResultsStore(tmp_path / "s").manifest()["resumed_by"]
    assert [r["git_commit"] for r in resumed] == ["f" * 40]


def test_two_sweeps_starting_at_once_in_one_new_folder_cannot_both_win(tmp_path, monkeypatch):
    """Exclusive creation: a sweep that looked before another made the store still finds it."""
    first, second = ResultsStore(tmp_path / "s"), ResultsStore(tmp_path / "s")
    manifest = {"package_version": "1", "git_commit": "a", "git_dirty": False}
    first.open_for(manifest, "one")
    real = ResultsStore.manifest
    looks = iter([None])  # the second sweep's first look came before the first had written
    monkeypatch.setattr(ResultsStore, "manifest", lambda self: next(looks, None) or real(self))
    with pytest.raises(StoreError, match="different scenario or design"):
        second.open_for(manifest, "two")
    monkeypatch.setattr(ResultsStore, "manifest", real)
    assert ResultsStore(tmp_path / "s").manifest()["sweep_sha256"] == "one"
    second.open_for(manifest, "one")  # the same sweep started twice is a resume
    assert not list((tmp_path / "s").glob(".manifest.*"))  # no staging file left behind


def test_a_truncated_part_file_is_set_aside_and_its_runs_rerun(tmp_path):
    scenario = validate(ishigami())
    spec = lhs(("ishigami.x1", "ishigami.x2"))
    first = sweep(scenario, tmp_path / "s", spec, replications=1, progress=False)
    part = ResultsStore(tmp_path / "s").parts()[0]
    lost = len(pd.read_parquet(part))
    part.write_bytes(part.read_bytes()[: part.stat().st_size // 2])  # a disk that filled up
    again = sweep(scenario, tmp_path / "s", spec, replications=1, progress=False)
    assert again.set_aside == (part.name,) and again.ran == lost
    assert (part.parent / part.name.replace("part-", "corrupt-")).exists()
    assert len(stored(tmp_path / "s")) == first.planned


def test_a_corrupt_manifest_or_a_compare_folder_is_refused_in_one_line(tmp_path):
    scenario = validate(ishigami())
    spec = lhs(("ishigami.x1", "ishigami.x2"))
    sweep(scenario, tmp_path / "s", spec, replications=1, progress=False)
    (tmp_path / "s" / "manifest.json").write_text('{"truncated": ', encoding="utf-8")
    for call in (lambda: sweep(scenario, tmp_path / "s", spec, progress=False),
                 lambda: analyse(tmp_path / "s")):  # fmt: skip
        with pytest.raises(StoreError, match=r"manifest.json' cannot be read"):
            call()
    compared = tmp_path / "c"
    compared.mkdir()
    (compared / "manifest.json").write_text('{"command": "compare"}', encoding="utf-8")
    with pytest.raises(StoreError, match=r"written by 'goodhart compare', not by 'goodhart sweep'"):
        analyse(compared)


@pytest.mark.parametrize(("seed", "days", "message"), [
    (-1, None, r"^seed: must be >= 0"), (None, math.nan, r"^days: must be a number"),
    (None, math.inf, r"^days: must be a number")])  # fmt: skip
def test_a_sweep_refuses_a_bad_seed_or_length_before_making_a_folder(tmp_path, seed, days,
                                                                     message):  # fmt: skip
    scenario = validate(ishigami())
    for spec in (grid(), lhs(("ishigami.x1", "ishigami.x2"))):
        with pytest.raises(ScenarioError, match=message):
            sweep(scenario, tmp_path / "s", spec, seed=seed, days=days, progress=False)
    assert not (tmp_path / "s").exists()


def test_an_unusable_dask_cluster_fails_in_one_line_before_any_folder(tmp_path, monkeypatch):
    from dask.distributed import LocalCluster

    import sim.experiments.executors as executors

    scenario = validate(ishigami())
    started = time.monotonic()
    with pytest.raises(executors.ClusterError, match=r"^cluster: cannot reach a Dask scheduler"):
        sweep(scenario, tmp_path / "s", grid(), cluster="tcp://127.0.0.1:9", progress=False)
    assert time.monotonic() - started < executors.CONNECT_TIMEOUT_S + 10
    monkeypatch.setattr(executors, "WORKER_TIMEOUT_S", 2.0)
    no_worker = pytest.raises(executors.ClusterError, match=r"has no worker after 2 s")
    with LocalCluster(n_workers=0, dashboard_address=None) as empty, no_worker:
        sweep(scenario, tmp_path / "s", grid(), cluster=empty.scheduler_address, progress=False)
    assert not (tmp_path / "s").exists()


def test_analyse_piped_into_head_writes_its_tables_and_exits_quietly(tmp_path):
    scenario = validate(ishigami())
    sweep(scenario, tmp_path / "s", grid(), replications=2, progress=False)
    command = f"'{sys.executable}' -m sim analyse '{tmp_path / 's'}' | head -1"
    done = subprocess.run(["bash", "-o", "pipefail", "-c", command], cwd=ROOT,
                          capture_output=True, text=True, check=False)  # fmt: skip
    assert done.returncode == 0 and done.stdout.startswith("runs: 40 ok")
    assert "Traceback" not in done.stderr and "Broken pipe" not in done.stderr
    assert (tmp_path / "s" / "analysis" / "regimes.csv").exists()
