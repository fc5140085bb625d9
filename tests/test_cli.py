"""The `goodhart` command, called in-process on a tiny scenario (one small ED, six days)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from sim.cli import main
from sim.experiments.runner import compare, run
from sim.experiments.scenario import load_scenario, validate

REPO = Path(__file__).resolve().parents[1]

TINY = """\
name = "tiny"
domain = "hospital"
days = 6
warmup_days = 1
replications = 2
seed = 7

[hospital]
[[hospital.eds]]
name = "Solo"
arrivals_per_day = 60
clinicians_peak = 8
cubicles = 10
{ed_extra}

[behaviour]
decision_period_days = 2

[regimes.kpi]
type = "kpi"
measure = "share_within"
within = 240
target = 0.95

[regimes.none]
type = "none"
"""


def write_tiny(folder: Path, ed_extra: str = "beds = 80", name: str = "tiny.toml") -> Path:
    path = folder / name
    path.write_text(TINY.format(ed_extra=ed_extra), encoding="utf-8")
    return path


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    return write_tiny(tmp_path)


def snapshot(folder: Path) -> dict[str, bytes | None]:
    """Every path under `folder` with its bytes (None for folders)."""
    return {
        str(p.relative_to(folder)): (p.read_bytes() if p.is_file() else None)
        for p in sorted(folder.rglob("*"))
    }


def ledger_value(stdout: str, metric: str) -> str:
    """The first number printed on the metric's row (after its name and unit)."""
    line = next(ln for ln in stdout.splitlines() if ln.split()[:1] == [metric])
    return next(t for t in line.split()[1:] if t.lstrip("-").replace(",", "")[:1].isdigit()
                or t == "nan")


def test_run_writes_its_folder_and_prints_both_ledgers(tiny, tmp_path, capsys):
    out = tmp_path / "out" / "run1"
    assert main(["run", str(tiny), "--regime", "kpi", "--out", str(out), "--tables"]) == 0
    stdout = capsys.readouterr().out

    assert {"summary.parquet", "patients.parquet", "histograms.parquet", "manifest.json"} <= {
        p.name for p in out.iterdir()
    }
    assert [p.name for p in out.parent.iterdir()] == ["run1"]  # no staging folder left
    # without --tables, the binned histograms only: the same counts
    assert main(["run", str(tiny), "--regime", "kpi", "--out", str(tmp_path / "binned")]) == 0
    assert not (tmp_path / "binned" / "patients.parquet").exists()
    assert_frame_equal(pd.read_parquet(tmp_path / "binned" / "histograms.parquet"),
                       pd.read_parquet(out / "histograms.parquet"))  # fmt: skip

    expected = run(tiny, regime="kpi")
    summary = pd.read_parquet(out / "summary.parquet")
    assert len(summary) == 1 and summary.loc[0, "regime"] == "kpi"
    for metric, value in expected.summary.items():
        assert summary.loc[0, metric] == pytest.approx(value, nan_ok=True), metric
    patients = pd.read_parquet(out / "patients.parquet")
    assert len(patients) == len(expected.tables["patients"])
    np.testing.assert_array_equal(
        patients["arrival_min"], expected.tables["patients"]["arrival_min"]
    )
    assert (patients["regime"] == "kpi").all()

    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    scenario = load_scenario(tiny)
    assert manifest["scenario"]["name"] == "tiny"
    assert manifest["scenario"]["hospital"]["eds"][0]["beds"] == 80
    assert manifest["scenario_sha256"] == scenario.digest()
    # the manifest's scenario reloads to the same scenario (inf patience survives JSON)
    assert validate(manifest["scenario"]).digest() == manifest["scenario_sha256"]
    assert re.fullmatch(r"[0-9a-f]{64}", manifest["scenario_sha256"])
    assert manifest["seed"] == 7
    assert manifest["regime"] == "kpi"
    assert manifest["package_version"] == metadata.version("goodhart")
    assert re.fullmatch(r"[0-9a-f]{40}|unknown", manifest["git_commit"])

    assert "Measured ledger" in stdout and "True ledger" in stdout
    assert ledger_value(stdout, "measured_4h_pct") == f"{expected.summary['measured_4h_pct']:.1f}"
    assert ledger_value(stdout, "true_4h_pct") == f"{expected.summary['true_4h_pct']:.1f}"
    assert str(out) in stdout


def test_run_records_seed_and_overrides(tiny, tmp_path, capsys):
    out = tmp_path / "run2"
    argv = ["run", str(tiny), "--seed", "3", "--days", "5", "--set", "stakes.level=2",
            "--set", "hospital.eds.0.beds=70", "--out", str(out)]  # fmt: skip
    assert main(argv) == 0
    capsys.readouterr()
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["seed"] == 3
    assert manifest["days"] == 5
    assert manifest["regime"] == "kpi"  # the scenario's first
    assert manifest["overrides"] == {"stakes.level": 2, "hospital.eds.0.beds": 70}
    assert manifest["scenario"]["stakes"]["level"] == 2
    assert manifest["scenario"]["hospital"]["eds"][0]["beds"] == 70
    assert manifest["scenario_sha256"] != load_scenario(tiny).digest()
    expected = run(tiny, seed=3, days=5, overrides={"stakes.level": 2, "hospital.eds.0.beds": 70})
    summary = pd.read_parquet(out / "summary.parquet")
    assert summary.loc[0, "patients"] == expected.summary["patients"]


def test_compare_writes_every_regime_and_replication(tiny, tmp_path, capsys):
    out = tmp_path / "cmp"
    argv = ["compare", str(tiny), "--replications", "2", "--workers", "1", "--tables",
            "--out", str(out)]  # fmt: skip
    assert main(argv) == 0
    stdout = capsys.readouterr().out

    runs = pd.read_parquet(out / "summary.parquet")
    assert sorted(zip(runs["regime"], runs["replication"], strict=True)) == [
        ("kpi", 0), ("kpi", 1), ("none", 0), ("none", 1),
    ]  # fmt: skip
    expected = compare(tiny, replications=2, progress=False)
    assert_frame_equal(
        runs.sort_values(["regime", "replication"]).reset_index(drop=True),
        expected.sort_values(["regime", "replication"]).reset_index(drop=True)[runs.columns],
    )

    paired = pd.read_csv(out / "differences.csv")
    assert set(paired["regime"]) == {"kpi"} and set(paired["reference"]) == {"none"}
    assert (paired["pairs"] == 2).all()
    assert {"measured_4h_pct", "true_4h_pct", "gap_4h_pct"} <= set(paired["metric"])
    row = paired.set_index("metric").loc["measured_4h_pct"]
    by = runs.set_index(["regime", "replication"])["measured_4h_pct"]
    assert row["difference"] == pytest.approx((by["kpi"] - by["none"]).mean())
    gains = pd.read_csv(out / "gains.csv").iloc[0]
    assert gains["measured_gain"] == pytest.approx(row["difference"])
    assert gains["measured_gain"] == pytest.approx(gains["true_gain"] + gains["gaming_gain"])
    assert "How much of the dashboard's gain over 'none' is real" in stdout

    patients = pd.read_parquet(out / "patients.parquet")
    arrivals = {
        key: group["arrival_min"].to_numpy()
        for key, group in patients.groupby(["regime", "replication"], observed=True)
    }
    assert len(arrivals) == 4
    # common random numbers: the same patients under each regime within a replication
    np.testing.assert_array_equal(arrivals[("kpi", 0)], arrivals[("none", 0)])
    np.testing.assert_array_equal(arrivals[("kpi", 1)], arrivals[("none", 1)])
    assert not np.array_equal(arrivals[("kpi", 0)][:50], arrivals[("kpi", 1)][:50])
    # the binned histograms always written equal those made from the patients
    from sim.figures.data import load_folder

    stored = pd.read_parquet(out / "histograms.parquet")
    (out / "histograms.parquet").unlink()
    remade = load_folder(out).histograms()
    key = ["regime", "replication", "series", "bin"]
    assert_frame_equal(stored.sort_values(key).reset_index(drop=True)[[*key, "count"]],
                       remade.sort_values(key).reset_index(drop=True)[[*key, "count"]],
                       check_dtype=False)  # fmt: skip

    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["replications"] == 2 and manifest["regimes"] == ["kpi", "none"]
    assert manifest["scenario_sha256"] == load_scenario(tiny).digest()
    assert "Measured ledger" in stdout and "True ledger" in stdout
    assert "Paired differences from 'none'" in stdout


@pytest.mark.parametrize("command", ["run", "compare"])
def test_existing_folder_is_never_written_into(tiny, tmp_path, capsys, command):
    parent = tmp_path / "results"
    out = parent / "taken"
    (out / "sub").mkdir(parents=True)
    (out / "summary.parquet").write_bytes(b"precious \x00 bytes")
    (out / "sub" / "notes.txt").write_text("keep me", encoding="utf-8")
    before, siblings = snapshot(out), sorted(p.name for p in parent.iterdir())

    argv = [command, str(tiny), "--out", str(out)]
    if command == "compare":
        argv += ["--replications", "1", "--workers", "1"]
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert "already exists" in captured.err and str(out) in captured.err
    assert snapshot(out) == before
    assert sorted(p.name for p in parent.iterdir()) == siblings  # no partial folder


def test_out_that_is_a_file_is_refused(tiny, tmp_path, capsys):
    out = tmp_path / "file"
    out.write_text("x", encoding="utf-8")
    assert main(["run", str(tiny), "--out", str(out)]) == 2
    assert "already exists" in capsys.readouterr().err
    assert out.read_text(encoding="utf-8") == "x"


def test_empty_existing_folder_is_used(tiny, tmp_path, capsys):
    out = tmp_path / "empty"
    out.mkdir()
    assert main(["run", str(tiny), "--out", str(out)]) == 0
    capsys.readouterr()
    assert (out / "summary.parquet").is_file()


@pytest.mark.parametrize(
    ("ed_extra", "argv_extra", "named"),
    [
        ("beds = -1", [], r"hospital\.eds\.0\.beds"),
        ("", [], r"hospital\.eds\.0\.beds.*missing"),
        ("beds = 80\nambulance_share = 1.5", [], r"hospital\.eds\.0\.ambulance_share"),
        ("beds = 80", ["--set", "stakes.levle=2"], r"stakes\.levle.*allowed.*'level'"),
        ("beds = 80", ["--set", "days=ten"], r"\bdays\b"),
        ("beds = 80", ["--regime", "nope"], r"'nope'.*allowed.*kpi.*none"),
    ],
    ids=["negative", "missing", "probability", "override", "override_type", "regime"],
)
def test_bad_input_exits_2_naming_the_field(tmp_path, capsys, ed_extra, argv_extra, named):
    path = write_tiny(tmp_path, ed_extra)
    out = tmp_path / "never"
    assert main(["run", str(path), "--out", str(out), *argv_extra]) == 2
    captured = capsys.readouterr()
    assert captured.err.startswith("goodhart: error:")
    assert re.search(named, captured.err, re.DOTALL), captured.err
    assert not out.exists()
    assert captured.out == ""


def test_unknown_ed_field_exits_2(tmp_path, capsys):
    path = write_tiny(tmp_path, "beds = 80\nbedz = 3")
    assert main(["run", str(path), "--out", str(tmp_path / "never")]) == 2
    assert re.search(r"hospital\.eds\.0\.bedz.*'beds'", capsys.readouterr().err, re.DOTALL)


def test_missing_scenario_file_exits_2(tmp_path, capsys):
    missing = tmp_path / "missing.toml"
    assert main(["compare", str(missing), "--workers", "1", "--out", str(tmp_path / "o")]) == 2
    assert "cannot read scenario file" in capsys.readouterr().err


def test_compare_refuses_zero_replications(tiny, tmp_path, capsys):
    argv = ["compare", str(tiny), "--replications", "0", "--out", str(tmp_path / "o")]
    assert main(argv) == 2
    assert "replications" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_python_m_sim(tmp_path):
    help_ = subprocess.run(
        [sys.executable, "-m", "sim", "--help"],
        cwd=REPO, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert help_.returncode == 0, help_.stderr
    assert "usage: goodhart" in help_.stdout
    assert "run" in help_.stdout and "compare" in help_.stdout

    bad = subprocess.run(
        [sys.executable, "-m", "sim", "run", str(tmp_path / "missing.toml")],
        cwd=REPO, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert bad.returncode == 2
    assert "goodhart: error: cannot read scenario file" in bad.stderr


def test_metrics_lists_the_catalogue_with_units(capsys):
    assert main(["metrics", "hospital"]) == 0
    out = capsys.readouterr().out
    row = next(line for line in out.splitlines() if line.split()[:1] == ["excess_deaths"])
    assert "deaths per run" in row and "true" in row and "lower" in row
    assert "in_department_at_end" not in out  # context metrics only with --all
    assert main(["metrics", "courts", "--all"]) == 0
    assert "effective_trial_pct" in capsys.readouterr().out


def test_compare_runs_only_the_regimes_asked_for(tmp_path):
    out = tmp_path / "o"
    argv = ["compare", "scenarios/ae_four_hour.toml", "--regimes", "kpi,none", "--days", "10",
            "--set", "warmup_days=2", "--replications", "1", "--workers", "1", "--no-figures",
            "--out", str(out)]  # fmt: skip
    assert main(argv) == 0
    runs = pd.read_parquet(out / "summary.parquet")
    assert sorted(runs["regime"].unique()) == ["kpi", "none"]
    bad = argv[:]
    bad[bad.index("kpi,none")] = "kpi,nope"
    bad[bad.index(str(out))] = str(tmp_path / "bad")
    assert main(bad) == 2
    assert not (tmp_path / "bad").exists()


def test_workers_are_capped_at_the_cpu_count_and_must_be_positive(tmp_path, capsys):
    import os

    argv = ["compare", "scenarios/ae_four_hour.toml", "--regimes", "none", "--days", "4",
            "--set", "warmup_days=1", "--replications", "1", "--no-figures"]  # fmt: skip
    assert main([*argv, "--workers", "1000", "--out", str(tmp_path / "a")]) == 0
    assert f"using {os.cpu_count()}" in capsys.readouterr().err
    assert main([*argv, "--workers", "0", "--out", str(tmp_path / "b")]) == 2
    assert "workers: must be >= 1" in capsys.readouterr().err
    assert not (tmp_path / "b").exists()


def test_analyse_refuses_an_unknown_reference_regime(tmp_path, capsys):
    tiny = Path(__file__).resolve().parents[1] / "scenarios" / "ae_four_hour.toml"
    out = tmp_path / "s"
    argv = ["sweep", str(tiny), "--regimes", "kpi,none", "--design", "grid", "--param",
            "stakes.level=0,1", "--replications", "1", "--days", "3", "--set",
            "warmup_days=1", "--workers", "1", "--out", str(out)]  # fmt: skip
    assert main(argv) == 0
    assert main(["analyse", str(out), "--reference", "nope"]) == 2
    assert "reference: unknown regime 'nope'; allowed: ['kpi', 'none']" in capsys.readouterr().err


@pytest.mark.parametrize("dpi", ["0", "1e9", "nan"])
def test_figures_dpi_out_of_range_is_one_line(tmp_path, dpi, capsys):
    with pytest.raises(SystemExit) as stop:
        main(["figures", str(tmp_path), "--dpi", dpi])
    assert stop.value.code == 2
    assert "--dpi: allowed: 10 to 2400" in capsys.readouterr().err


def test_a_staging_folder_left_by_a_killed_run_is_removed_on_the_next(tmp_path, capsys):
    import socket

    from sim.experiments.output import STAGING, output_folder

    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()  # a process that no longer exists
    host = socket.gethostname().replace(".", "-")
    stale = tmp_path / f"{STAGING}{host}.{dead.pid}.compare.abc123"
    (stale / "runs").mkdir(parents=True)
    mine = tmp_path / f"{STAGING}{host}.{os.getpid()}.other.def456"  # a live writer's: kept
    mine.mkdir()
    elsewhere = tmp_path / f"{STAGING}another-host.{dead.pid}.x.ghi789"  # cannot check: kept
    elsewhere.mkdir()
    with output_folder(tmp_path / "new") as staging:
        (staging / "x.txt").write_text("x", encoding="utf-8")
    assert not stale.exists() and mine.exists() and elsewhere.exists()
    assert (tmp_path / "new" / "x.txt").exists()
    assert "left by a run that was killed" in capsys.readouterr().err


def _never_run(*args, **kwargs):
    raise AssertionError("the simulation ran before the output was checked")


def test_an_unwritable_output_disk_is_refused_before_the_run(tiny, tmp_path, capsys, monkeypatch):
    import errno
    import tempfile

    def read_only(*args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(tempfile, "mkdtemp", read_only)
    monkeypatch.setattr("sim.cli.run", _never_run)
    assert main(["run", str(tiny), "--out", str(tmp_path / "out")]) == 2
    assert capsys.readouterr().err.strip().splitlines()[-1] == (
        f"goodhart: error: out: cannot write under '{tmp_path}' (Read-only file system)")


def test_a_disk_that_fills_while_writing_leaves_nothing_and_says_so(tiny, tmp_path, capsys,
                                                                    monkeypatch):
    import errno

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(pd.DataFrame, "to_parquet", full)
    out = tmp_path / "out"
    assert main(["run", str(tiny), "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert err == (f"goodhart: error: out: could not write results to '{out}' "
                   "(No space left on device); nothing was kept")  # fmt: skip
    assert list(tmp_path.iterdir()) == [tiny]  # no folder, no staging left behind


@pytest.mark.parametrize("command", [
    ["run", "--days", "365"], ["compare", "--days", "60", "--workers", "2"],
    ["sweep", "--days", "60", "--param", "stakes.level=0,1", "--workers", "2"],
])  # fmt: skip
def test_runs_that_would_not_fit_in_memory_are_refused_before_they_start(
    command, tiny, tmp_path, capsys, monkeypatch
):
    from sim.experiments.resources import memory_needed

    scenario = load_scenario(tiny)
    days = float(command[2])
    at_once = 1 if command[0] == "run" else 2
    needed = memory_needed(scenario, days, at_once)
    monkeypatch.setattr("sim.experiments.resources.available_memory", lambda: 0.9 * needed)
    out = tmp_path / "out"
    assert main([command[0], str(tiny), *command[1:], "--out", str(out)]) == 2
    err = capsys.readouterr().err
    runs = "2 runs at once" if at_once > 1 else "one run"
    assert err.startswith(f"goodhart: error: memory: {runs} of {days:g} days of 'tiny' would "
                          "need about")  # fmt: skip
    assert "fewer days, fewer workers or a smaller system" in err and not out.exists()
    monkeypatch.setattr("sim.experiments.resources.available_memory", lambda: 1.1 * needed)
    assert main([command[0], str(tiny), *command[1:], "--out", str(out)]) == 0


def test_compare_writes_binned_histograms_not_a_row_per_patient_unless_asked(tiny, tmp_path):
    out = tmp_path / "small"
    assert main(["compare", str(tiny), "--no-figures", "--out", str(out)]) == 0
    assert not (out / "patients.parquet").exists()
    counts = pd.read_parquet(out / "histograms.parquet")
    assert set(counts["series"]) == {"admitted/measured_min", "admitted/true_min",
                                     "discharged/measured_min", "discharged/true_min"}
    patients = sum(run(tiny, regime=r, replication=k).summary["patients"]
                   for r in ("kpi", "none") for k in (0, 1))  # fmt: skip
    departed = counts[counts["series"].str.endswith("true_min")]["count"].sum()
    assert 0.9 * patients <= departed <= patients  # every counted patient who left
    assert json.loads((out / "manifest.json").read_text())["per_entity_tables"] is False
