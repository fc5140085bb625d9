"""Properties every run must have, whatever the regime, the seed or the amount of gaming.

Each example is a small system (1-2 EDs of 40-120 arrivals a day, 5-20 days) built from
the default scenario, so a whole example takes a fraction of a second.
"""

from __future__ import annotations

import math
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal, assert_series_equal

from sim.experiments.runner import RunResult, _run_task, iter_runs, run
from sim.experiments.scenario import Scenario, load_scenario, validate
from sim.hospital import HospitalModel
from sim.hospital.arrivals import MINUTES_PER_DAY
from sim.regimes import KPISpec
from sim.service import RunSettings, named_streams

SCENARIO_FILE = Path(__file__).resolve().parents[1] / "scenarios" / "ae_four_hour.toml"
BASE = load_scenario(SCENARIO_FILE).model_dump(mode="python")
REGIMES = ("kpi", "okr", "none")
DISPOSITIONS = {"admitted", "discharged", "left without being seen", "still in department"}
GAMING_FLAGS = ["held_outside", "clock_stop_transfer", "early_discharge", "misrecorded",
                "registered_late", "decision_recorded_late"]
CLOCK_GAMING = ["clock_stop_transfer", "early_discharge", "misrecorded", "registered_late"]


def small_scenario(
    arrivals: list[float],
    *,
    days: float = 10,
    warmup_days: float = 1,
    pressure: float = 1.0,
    enabled: bool = True,
    stakes: float = 1.0,
    period_days: float = 1.0,
    improving: bool = False,
    funder: str = "none",
) -> Scenario:
    """The default scenario shrunk to small EDs; `pressure` < 1 means too little capacity.

    `improving` turns the improvement levers on (with an effort budget); `funder` is the
    funder's rule, with escalation beds to share every two days.
    """
    data = dict(BASE)
    eds = []
    for i, per_day in enumerate(arrivals):
        clinicians = max(2, math.ceil(per_day / 8 * pressure))
        eds.append({
            "name": f"ED{i}",
            "arrivals_per_day": per_day,
            "clinicians_peak": clinicians,
            "cubicles": clinicians + 3,
            "handover_bays": 3,
            "assessment_spaces": 2,
            "corridor_spaces": 3,
            "beds": int(per_day * 1.3 * pressure),
        })  # fmt: skip
    data["hospital"] = {**BASE["hospital"], "eds": eds}
    data["regimes"] = {name: BASE["regimes"][name] for name in REGIMES}
    data["days"] = days
    data["warmup_days"] = warmup_days
    data["stakes"] = {"level": stakes}
    data["behaviour"] = {
        **BASE["behaviour"],
        "enabled": enabled,
        "decision_period_days": period_days,
        "effort_budget": 2.0 if improving else None,
    }
    data["improvement"] = {"enabled": improving}
    data["funder"] = {"rule": funder, "budget": 12.0, "review_days": 2.0}
    return validate(data, "(test)")


scenarios = st.builds(
    small_scenario,
    st.lists(st.integers(40, 120).map(float), min_size=1, max_size=2),
    days=st.integers(5, 20).map(float),
    warmup_days=st.integers(0, 2).map(float),
    pressure=st.sampled_from([0.7, 1.0, 1.3]),
    enabled=st.booleans(),
    stakes=st.sampled_from([0.0, 1.0, 5.0]),
    period_days=st.sampled_from([1.0, 3.0, 7.0]),
    improving=st.booleans(),
    funder=st.sampled_from(["none", "rescue", "reward", "need"]),
)
seeds = st.integers(0, 2**32 - 1)


def present(series: pd.Series) -> np.ndarray:
    return series.notna().to_numpy()


def drawn_arrivals(scenario: Scenario, seed: int, days: float) -> pd.DataFrame:
    """Every patient the arrival stream draws for (seed, replication 0), before the end."""
    params = scenario.params
    model = HospitalModel(params, RunSettings(seed=(seed, 0), days=days))
    rows = []
    for day in range(math.ceil(days)):
        for ed in params.eds:
            batch = model.arrivals.day(day, ed, params.clinician_agents_per_ed)
            rows.append(pd.DataFrame({
                "ed": ed.name, "arrival_min": batch.time_min, "acuity": batch.acuity,
                "ambulance": batch.ambulance, "admit": batch.admit,
            }))  # fmt: skip
    table = pd.concat(rows, ignore_index=True)
    return table[table["arrival_min"] < days * MINUTES_PER_DAY].reset_index(drop=True)


def check_accounting(result: RunResult) -> None:
    p = result.tables["patients"]
    end = result.days * MINUTES_PER_DAY

    # every patient drawn is in the table once, and nobody else is
    expected = drawn_arrivals(result.scenario, result.seed, result.days)
    expected = expected.sort_values(["arrival_min", "ed"], kind="stable")
    actual = p.assign(ed=p["ed"].astype(str)).sort_values(["arrival_min", "ed"], kind="stable")
    assert len(actual) == len(expected)
    for mine, drawn in [("ed", "ed"), ("arrival_min", "arrival_min"), ("acuity", "acuity"),
                        ("admit_needed", "admit")]:  # fmt: skip
        np.testing.assert_array_equal(actual[mine].to_numpy(), expected[drawn].to_numpy())
    np.testing.assert_array_equal(
        (actual["mode"] == "ambulance").to_numpy(), expected["ambulance"].to_numpy()
    )
    assert p.index.is_unique

    # exactly one disposition each; a departure time exactly for those who departed
    assert p["disposition"].notna().all()
    assert set(p["disposition"].astype(str)) <= DISPOSITIONS
    still = (p["disposition"] == "still in department").to_numpy()
    np.testing.assert_array_equal(present(p["left_ed_min"]), ~still)

    # dispositions agree with what each patient needed and how they came
    admitted = (p["disposition"] == "admitted").to_numpy()
    discharged = (p["disposition"] == "discharged").to_numpy()
    unseen = (p["disposition"] == "left without being seen").to_numpy()
    need = p["admit_needed"].to_numpy()
    assert need[admitted].all()
    assert not need[discharged].any()
    assert present(p["decision_min"])[admitted | discharged].all()
    assert not present(p["treatment_start_min"])[unseen].any()
    assert (p["mode"][unseen] == "walk-in").all()

    # the summary counts the same patients
    cohort = p[~p["warmup"]]
    np.testing.assert_array_equal(
        p["warmup"].to_numpy(), p["arrival_min"].to_numpy() < result.scenario.warmup_days * 1440
    )
    assert result.summary["patients"] == len(cohort)
    assert result.summary["in_department_at_end"] == int(
        (cohort["disposition"] == "still in department").sum()
    )
    assert (p["arrival_min"] >= 0).all()
    assert (p["arrival_min"] < end).all()


def check_times(result: RunResult) -> None:
    p = result.tables["patients"]
    end = result.days * MINUTES_PER_DAY
    arrival = p["arrival_min"]
    start = p["clock_start_min"]
    seen = p["treatment_start_min"]
    decision = p["decision_min"]
    stop = p["clock_stop_min"]
    left = p["left_ed_min"]

    def ordered(early: pd.Series, late: pd.Series) -> None:
        both = present(early) & present(late)
        bad = p[both & (early > late).to_numpy()]
        assert bad.empty, f"{early.name} after {late.name}:\n{bad.head()}"

    # an event is only recorded if the one before it was
    assert not (present(seen) & ~present(start)).any()
    assert not (present(decision) & ~present(seen)).any()
    assert not (present(stop) & ~present(start)).any()
    # the clock stops when the patient leaves, or earlier only by a clock-stop transfer
    transferred = p["clock_stop_transfer"].to_numpy()
    np.testing.assert_array_equal(present(stop), present(left) | transferred)

    for early, late in [
        (arrival, start), (start, seen), (seen, decision), (start, stop), (stop, left),
        (arrival, left), (decision, left),
    ]:  # fmt: skip
        ordered(early, late)
    for column in (start, seen, decision, stop, left):
        assert (column.dropna() <= end).all(), column.name

    # the measured clock never runs longer than the patient's true stay
    departed = present(left)
    measured, true = p["measured_min"].to_numpy(), p["true_min"].to_numpy()
    assert (measured[departed] <= true[departed] + 1e-9).all()
    handover = p["handover_min"].dropna()
    assert (handover >= 0).all()

    corridor = p["corridor_min"].to_numpy()
    assert (corridor >= 0).all()
    assert (corridor[p["moved_to"].astype(str).to_numpy() != "corridor"] == 0).all()
    stay = np.where(departed, p["left_ed_min"], end) - p["arrival_min"]
    assert (corridor <= stay + 1e-9).all()
    share = p["incomplete_share"]
    assert share.between(0.0, 1.0).all()


def check_gaming(result: RunResult) -> None:
    p = result.tables["patients"]
    behaviour = result.scenario.behaviour
    if not behaviour.enabled:
        assert not p[GAMING_FLAGS].to_numpy().any(), "gaming with behaviour disabled"
    if result.regime == "none":
        # no clock to beat: nothing is done to the clock
        assert not p[CLOCK_GAMING].to_numpy().any()
    assert (p.loc[p["held_outside"], "mode"] == "ambulance").all()
    assert (p.loc[p["registered_late"], "mode"] == "walk-in").all()
    late = p[p["decision_recorded_late"]]
    assert (late["disposition"] == "admitted").all()
    assert (late["decision_recorded_min"] > late["decision_min"]).all()
    assert (late["decision_recorded_min"] <= late["left_ed_min"]).all()
    transferred = p[p["clock_stop_transfer"]]
    assert transferred["admit_needed"].all()
    assert (transferred["moved_to"].astype(str) != "").all()
    early = p[p["early_discharge"]]  # flagged when the shortened treatment starts
    finished = early["disposition"] == "discharged"
    assert (early.loc[~finished, "disposition"] == "still in department").all()
    assert early.loc[~finished, "decision_min"].isna().all()
    assert (~early["admit_needed"]).all()
    assert (early["incomplete_share"] > 0).all()
    gamed = p[~p["warmup"]][GAMING_FLAGS].any(axis=1)
    expected = 100.0 * gamed.mean() if len(gamed) else math.nan
    assert result.summary["gaming_prevalence_pct"] == pytest.approx(expected, nan_ok=True)


@settings(max_examples=15, deadline=None)
@given(scenario=scenarios, regime=st.sampled_from(REGIMES), seed=seeds)
def test_patients_accounted_for_and_times_ordered(scenario, regime, seed):
    result = run(scenario, regime=regime, seed=seed)
    check_accounting(result)
    check_times(result)
    check_gaming(result)


def test_invariants_hold_when_gaming_is_heavy():
    """A pinned case where every kind of gaming happens, so the checks above bite."""
    scenario = small_scenario([110.0, 80.0], days=20, pressure=0.8, stakes=5.0)
    trolley = KPISpec(type="kpi", measure="trolley_waits_12h", direction="lower", target=0.001)
    scenario = scenario.model_copy(update={"regimes": {**scenario.regimes, "trolley": trolley}})
    used = pd.Series(False, index=GAMING_FLAGS)
    for regime in ("kpi", "okr", "trolley"):
        result = run(scenario, regime=regime, seed=2)
        used |= result.tables["patients"][GAMING_FLAGS].any()
        if regime != "trolley":
            assert result.summary["measured_4h_pct"] > result.summary["true_4h_pct"]
        check_accounting(result)
        check_times(result)
        check_gaming(result)
    assert used.all(), f"this case no longer exercises every lever: {used.to_dict()}"


def assert_same_run(a: RunResult, b: RunResult) -> None:
    assert_frame_equal(a.tables["patients"], b.tables["patients"], check_exact=True)
    assert_series_equal(pd.Series(a.summary), pd.Series(b.summary), check_exact=True)
    assert_frame_equal(a.tables["decisions"], b.tables["decisions"], check_exact=True)


@settings(max_examples=10, deadline=None)
@given(scenario=scenarios, regime=st.sampled_from(REGIMES), seed=seeds)
def test_same_seed_same_run(scenario, regime, seed):
    first = run(scenario, regime=regime, seed=seed)
    second = run(scenario, regime=regime, seed=seed)
    assert_same_run(first, second)


def test_different_seed_different_patients():
    scenario = small_scenario([80.0], days=5)
    a = run(scenario, regime="kpi", seed=1).tables["patients"]
    b = run(scenario, regime="kpi", seed=2).tables["patients"]
    assert len(a) != len(b) or not np.array_equal(a["arrival_min"], b["arrival_min"])


@settings(max_examples=10, deadline=None)
@given(scenario=scenarios, seed=seeds)
def test_same_seed_same_patients_under_every_regime(scenario, seed):
    """Common random numbers: the regime changes what happens to patients, not who comes."""
    columns = ["ed", "arrival_min", "acuity", "mode", "admit_needed"]
    tables = {r: run(scenario, regime=r, seed=seed).tables["patients"] for r in REGIMES}
    for regime in REGIMES[1:]:
        assert_frame_equal(tables[regime][columns], tables["kpi"][columns], check_exact=True)


def test_same_run_in_another_process():
    """A fresh interpreter (spawn) and forked workers reproduce the in-process runs."""
    scenario = small_scenario([90.0, 60.0], days=8, pressure=0.7, stakes=5.0)
    tasks = [(scenario, regime, 11, None, rep) for rep in range(2) for regime in REGIMES]
    here = [_run_task(task) for task in tasks]
    assert any(r.tables["patients"][GAMING_FLAGS].to_numpy().any() for r in here)

    spawn = multiprocessing.get_context("spawn")  # a fresh interpreter: nothing inherited
    with ProcessPoolExecutor(max_workers=1, mp_context=spawn) as pool:
        spawned = list(pool.map(_run_task, tasks))
    forked = list(iter_runs(scenario, 2, seed=11, workers=2, progress=False))
    serial = list(iter_runs(scenario, 2, seed=11, workers=1, progress=False))

    for runs in (spawned, forked, serial):
        assert [(r.regime, r.replication) for r in runs] == [(t[1], t[4]) for t in tasks]
        for mine, theirs in zip(here, runs, strict=True):
            assert_same_run(mine, theirs)
    # replications differ from each other (the seed sequence includes the replication)
    assert not here[0].tables["patients"].equals(here[len(REGIMES)].tables["patients"])


def test_fractional_days_has_no_patients_after_the_end():
    scenario = small_scenario([100.0], days=10)
    result = run(scenario, regime="none", seed=1, days=5.5)
    p = result.tables["patients"]
    assert (p["arrival_min"] < 5.5 * MINUTES_PER_DAY).all()
    assert result.summary["patients"] == (~p["warmup"]).sum()


@given(seed=seeds, replication=st.integers(0, 1000),
       extra=st.lists(st.text("abcdefgh", min_size=1, max_size=6), max_size=3))
@settings(max_examples=30, deadline=None)
def test_adding_a_stream_never_changes_the_others(seed, replication, extra):
    base = ["behaviour", "audit", "arrivals"]
    before = named_streams((seed, replication), base)
    after = named_streams((seed, replication), [*extra, *reversed(base)])
    for name in base:  # a stream's numbers depend on its name, not its position or company
        assert before[name].random() == after[name].random()
    assert before["arrivals"].random() != before["behaviour"].random()


def test_invariants_hold_when_escalation_beds_open_and_close():
    """A pinned case where the funder pays for beds that managers open and later close."""
    scenario = small_scenario([110.0, 80.0], days=20, pressure=0.8, stakes=5.0,
                              improving=True, funder="rescue")  # fmt: skip
    result = run(scenario, regime="kpi", seed=2)
    assert result.summary["surge_bed_days"] > 0
    funds = result.tables["periods"]["funds"]
    assert funds.max() > 0 and (funds.diff().fillna(0) != 0).any()  # allocations change
    check_accounting(result)
    check_times(result)
    check_gaming(result)
