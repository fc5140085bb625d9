"""Validation machinery: verdicts, warm-up, the generated table, Little's law, the CLI."""

from __future__ import annotations

import functools
import json
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import sim
from sim.cli import main
from sim.courts.facts import withdrawal_rate_ratio
from sim.experiments.scenario import ScenarioError
from sim.experiments.stats import t_interval
from sim.validation import Fact, all_facts, check, get_fact, mser5, verdict
from sim.validation.calibrate import FreeParameter, calibrate, objective_of
from sim.validation.report import BEGIN, END, write_generated


def test_every_fact_is_sourced_and_checkable_or_explained():
    keys = [f.key for f in all_facts()]
    assert len(keys) == len(set(keys))
    for fact in all_facts():
        assert fact.published and fact.source
        if fact.applicable:
            assert fact.scenario and fact.low <= fact.high
            assert math.isfinite(fact.low) or math.isfinite(fact.high)
        else:
            assert fact.note  # the reason it cannot be checked


def test_verdict_is_the_mean_and_its_interval_inside_the_accepted_interval():
    fact = Fact("x", "s", "p", "src", "scenario.toml", lambda rep: 0.0, low=1.0, high=2.0)
    assert verdict(fact, 1.5) == "reproduced"
    assert verdict(fact, 2.5) == "not reproduced"
    assert verdict(fact, 1.5, 1.2, 1.8) == "reproduced"
    assert verdict(fact, 1.5, 0.5, 1.8) == "inconclusive"  # the interval crosses a bound
    assert verdict(fact, 1.9, 1.7, 2.1) == "inconclusive"
    assert verdict(fact, 2.5, 1.5, 3.5) == "not reproduced"
    assert verdict(fact, math.nan) == "not reproduced"
    assert verdict(Fact("y", "s", "p", "src", note="why"), 1.0) == "not applicable"


def test_check_gives_mean_and_interval_over_replications():
    fact = Fact("x", "s", "p", "src", "a.toml", lambda rep: rep["kpi"]["m"], low=0, high=10)
    found = {"a.toml": [{"kpi": {"m": v}} for v in (4.0, 5.0, 6.0)]}
    row = check([fact], found).iloc[0]
    assert row["simulated"] == pytest.approx(5.0)
    assert row["ci_low"] < 5.0 < row["ci_high"]
    assert row["verdict"] == "reproduced"
    assert objective_of(check([fact], found), [fact]) == pytest.approx(0.0)


@given(transient=st.integers(10, 60), seed=st.integers(0, 1000))
def test_mser5_cuts_an_initial_transient(transient, seed):
    rng = np.random.default_rng(seed)
    series = rng.normal(0.0, 0.1, 300)
    series[:transient] += np.linspace(5.0, 0.5, transient)
    cut = mser5(series)
    assert cut % 5 == 0
    assert transient - 10 <= cut <= 150  # removes the transient, searches the first half only
    assert abs(series[cut:].mean()) < 0.05  # what is left is unbiased


def test_mser5_refuses_a_short_series():
    with pytest.raises(ScenarioError, match="series"):
        mser5(np.ones(10))


def test_generated_section_is_replaced_and_the_rest_kept(tmp_path):
    doc = tmp_path / "validation.md"
    doc.write_text(f"# Validation\n\nhand-written\n\n{BEGIN}\nold\n{END}\n\nafter\n")
    write_generated(doc, "new table")
    text = doc.read_text()
    assert "hand-written" in text and "after" in text and "new table" in text
    assert "old" not in text and text.count(BEGIN) == 1


def test_withdrawal_rate_ratio_counts_events_per_year_waited():
    cases = pd.DataFrame({
        "victim": [True, True, True, True],
        "received_day": [0.0, 0.0, 0.0, 0.0],
        "completed_day": [100.0, 500.0, np.nan, 200.0],
        "outcome": ["victim withdrew", "victim withdrew", "still open", "convicted"],
    })  # fmt: skip
    # year 1: 1 withdrawal over (100 + 365 + 365 + 200)/365 years; year 2: 1 over (135 + 365)/365
    expected = (1 / (500 / 365)) / (1 / (1030 / 365))
    assert withdrawal_rate_ratio(cases, end=730.0) == pytest.approx(expected)


def _little(start, stop, t0, t1, end):
    """Time-average number in the system vs arrival rate x mean time in system."""
    stop = np.where(np.isnan(stop), end, stop)
    number = np.clip(np.minimum(stop, t1) - np.maximum(start, t0), 0, None).sum() / (t1 - t0)
    arrived = (start >= t0) & (start < t1)
    return number, arrived.sum() / (t1 - t0) * np.mean(stop[arrived] - start[arrived])


def test_littles_law_in_the_emergency_department():
    patients = sim.run("scenarios/ae_four_hour.toml", regime="kpi", days=35).tables["patients"]
    number, rate_times_stay = _little(patients["arrival_min"].to_numpy(),
                                      patients["left_ed_min"].to_numpy(),
                                      7 * 1440, 28 * 1440, 35 * 1440)  # fmt: skip
    assert number == pytest.approx(rate_times_stay, rel=0.02)


def test_littles_law_in_the_crown_court():
    """Stays of weeks in a 400-day window: boundary effects allow a few per cent."""
    cases = sim.run("scenarios/courts_ample_capacity.toml", regime="none", days=1095)
    cases = cases.tables["cases"]
    number, rate_times_stay = _little(cases["received_day"].to_numpy(),
                                      cases["completed_day"].to_numpy(), 200, 600, 1095)
    assert number == pytest.approx(rate_times_stay, rel=0.06)


def test_validate_command_prints_and_writes_the_table(tmp_path, capsys):
    doc = tmp_path / "validation.md"
    doc.write_text("# Validation\n\nkept\n")
    out = tmp_path / "runs"
    code = main(["validate", "--fact", "cracked_trials", "--fact", "guilty_pleas",
                 "--fact", "mortality_by_stay", "--replications", "2", "--days", "120",
                 "--workers", "1", "--out", str(out), "--doc", str(doc)])  # fmt: skip
    assert code == 0
    printed = capsys.readouterr().out
    assert "cracked_trials" in printed and "not applicable" in printed
    table = pd.read_csv(out / "validation.csv")
    assert list(table["fact"]) == ["cracked_trials", "guilty_pleas", "mortality_by_stay"]
    assert table.loc[:1, "simulated"].notna().all()
    assert table.loc[2, "verdict"] == "not applicable"  # mortality: an input, not a check
    text = doc.read_text()
    assert "kept" in text and BEGIN in text and "Cracked trials" in text
    # the figures behind the table are copied next to the document and linked from it
    copied = tmp_path / "validation" / "courts_time_to_trial_time_to_trial.png"
    assert copied.exists() and "validation/courts_time_to_trial_time_to_trial.png" in text
    assert (out / "courts_time_to_trial" / "summary.parquet").exists()


def test_validate_refuses_an_unknown_fact(capsys):
    assert main(["validate", "--fact", "nonsense", "--doc", ""]) == 2
    assert "guilty_pleas" in capsys.readouterr().err  # names the allowed facts


def test_calibrate_stays_in_bounds_and_reports_held_out_facts(tmp_path):
    result = calibrate([FreeParameter("courts.crack_prob", 0.2, 0.5)], ["cracked_trials"],
                       replications=1, max_evaluations=4, progress=False)  # fmt: skip
    assert 0.2 <= result.values["courts.crack_prob"] <= 0.5
    assert list(result.fitted["fact"]) == ["cracked_trials"]
    # the fitted value, run again, reproduces the fact it was fitted to
    assert result.fitted["verdict"].eq("reproduced").all()
    held = set(result.held_out["fact"])
    assert "guilty_pleas" in held and "cracked_trials" not in held
    assert get_fact("cracked_trials").scenario == result.scenario


def test_calibrate_command_writes_its_record(tmp_path):
    out = tmp_path / "calibration.json"
    code = main(["calibrate", "--param", "courts.crack_prob=0.2:0.5", "--fit", "cracked_trials",
                 "--replications", "1", "--max-evaluations", "2", "--workers", "1",
                 "--out", str(out)])  # fmt: skip
    assert code == 0
    record = json.loads(out.read_text())
    assert set(record["values"]) == {"courts.crack_prob"}
    assert record["fitted"][0]["fact"] == "cracked_trials"


def test_extreme_value_unlimited_capacity_means_no_waits_and_almost_no_gaming():
    """Unlimited staff, cubicles, beds and handover bays: nobody waits, gaming all but stops.

    What remains is the few patients whose own treatment and specialty review last over
    four hours (about 4%, so the 95% target is only just met) and the agents who game those
    (about 0.5-1.5% of patients gamed, paired over replications over 90 days with the
    default capacity, where 4-16% are).
    """
    unlimited = {}
    for i in range(4):
        unlimited.update({f"hospital.eds.{i}.clinicians_peak": 400,
                          f"hospital.eds.{i}.cubicles": 800, f"hospital.eds.{i}.beds": 5000,
                          f"hospital.eds.{i}.handover_bays": 200})  # fmt: skip
    free, pressed = [], []
    for replication in range(6):
        run = functools.partial(sim.run, "scenarios/ae_four_hour.toml", regime="kpi", days=90,
                                replication=replication)  # fmt: skip
        free.append(run(overrides=unlimited).summary)
        pressed.append(run().summary)
    for s in free:
        assert s["urgent_wait_to_see_min"] < 1.0
        assert s["corridor_hours"] == 0.0
        assert s["ambulance_handover_over_30_pct"] == 0.0

    def paired(metric: str) -> tuple[float, float, float]:
        return t_interval(np.array([f[metric] - p[metric] for f, p in zip(free, pressed,
                                                                          strict=True)]))

    assert paired("gaming_prevalence_pct")[2] < 0.0  # less gaming than with scarce capacity
    assert paired("gap_4h_pct")[2] < 0.0


def test_validate_refuses_a_folder_that_holds_results(tmp_path, capsys):
    used = tmp_path / "used"
    used.mkdir()
    (used / "summary.parquet").write_text("not ours")
    assert main(["validate", "--fact", "cracked_trials", "--replications", "1",
                 "--days", "30", "--out", str(used)]) == 2  # fmt: skip
    assert "used" in capsys.readouterr().err
    assert [p.name for p in used.iterdir()] == ["summary.parquet"]  # nothing written


def test_a_partial_validation_leaves_the_documentation_alone(tmp_path, capsys):
    from sim.validation.facts import default_doc

    doc = default_doc()
    before = doc.read_text() if doc else None
    assert main(["validate", "--fact", "cracked_trials", "--replications", "1", "--days", "30",
                 "--workers", "1", "--out", str(tmp_path / "v")]) == 0  # fmt: skip
    assert "docs not updated" in capsys.readouterr().out
    assert (doc.read_text() if doc else None) == before


def test_validate_and_calibrate_find_their_scenarios_from_any_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    table = sim.validation.validate(1, facts=[get_fact("cracked_trials")], days=30,
                                    progress=False)  # fmt: skip
    assert table["simulated"].notna().all()


@pytest.mark.parametrize("argv, field", [
    (["calibrate", "--param", "courts.plea_base=0.5:1.5", "--fit", "guilty_pleas"],
     "courts.plea_base"),
    (["calibrate", "--param", "courts.nope=0:1", "--fit", "guilty_pleas"], "nope"),
    (["calibrate", "--param", "courts.plea_base=0.5:0.9", "--fit", "nonsense"], "guilty_pleas"),
])  # fmt: skip
def test_calibrate_refuses_bad_input_naming_the_field(argv, field, capsys):
    assert main(argv) == 2
    assert field in capsys.readouterr().err


@pytest.mark.parametrize("argv", [
    ["calibrate", "--param", "courts.plea_base=0.5:0.9", "--fit", "guilty_pleas",
     "--max-evaluations", "0"],
    ["calibrate", "--param", "courts.plea_base=0.5:0.9", "--fit", "guilty_pleas",
     "--replications", "0"],
    ["figures", ".", "--dpi", "0"],
    ["app", "courts", "--port", "99999"],
])  # fmt: skip
def test_bad_numbers_are_refused_before_anything_runs(argv, capsys):
    with pytest.raises(SystemExit) as stop:
        main(argv)
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert "must be" in err or "allowed" in err


def test_warmup_command_reports_mser5_for_every_run(capsys):
    assert main(["warmup", "scenarios/courts_time_to_trial.toml", "--replications", "1",
                 "--days", "120"]) == 0  # fmt: skip
    printed = capsys.readouterr().out
    assert "MSER-5 truncation" in printed
    for regime in ("kpi", "okr", "none"):
        assert regime in printed


def test_the_headline_counts_held_out_facts_apart_from_fitted_ones_and_inputs():
    import pandas as pd

    from sim.validation.report import headline

    table = pd.DataFrame({
        "verdict": ["reproduced", "reproduced", "inconclusive", "reproduced", "not applicable"],
        "role": ["held out", "fitted", "held out", "fitted", "input"],
    })  # fmt: skip
    text = headline(table)
    assert text.startswith("held out (2 facts): 1 reproduced, 1 inconclusive")
    assert "fitted (2 facts): 2 reproduced" in text and "input (1 facts)" in text
