"""Improvement: a lever kind that changes what the service can do, within an effort budget."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import sim
from sim.behaviour import (
    BehaviourSettings,
    Capability,
    ImprovementSettings,
    Lever,
    MotivationType,
    budget_scale,
    steady_state,
)
from sim.experiments.stats import gain_split, t_interval
from sim.hospital import HospitalModel
from sim.regimes import allocate
from sim.service import RunSettings

RESOURCES = "scenarios/ae_target_with_resources.toml"
REPLICATIONS = 12


def test_a_lever_of_unknown_kind_is_refused():
    with pytest.raises(ValueError, match=r"unknown kind 'magic'.*improvement"):
        Lever("x", "magic")


def test_improvement_costs_effort_but_no_moral_cost():
    gamer = MotivationType("t", intrinsic=0.5, moral_cost=0.4, forbids=frozenset(), effort=0.05)
    assert gamer.cost(Lever("i", "improvement"), 1.0) == pytest.approx(0.05)
    assert gamer.cost(Lever("g", "gaming"), 1.0) == pytest.approx(0.45)


@given(level=st.floats(0.0, 1.0), build=st.floats(0.01, 1.0), decay=st.floats(0.0, 1.0),
       periods=st.integers(1, 60))  # fmt: skip
def test_capability_stays_in_range_and_moves_toward_its_steady_state(level, build, decay,
                                                                      periods):  # fmt: skip
    settings = ImprovementSettings(enabled=True, build_rate=build, decay_rate=decay)
    capability = Capability(["x"], settings)
    target = steady_state(level, settings)
    gaps = []
    for _ in range(periods):
        capability.update({"x": level})
        assert 0.0 <= capability.stock["x"] <= 1.0
        gaps.append(abs(capability.stock["x"] - target))
    assert all(b <= a + 1e-12 for a, b in itertools.pairwise(gaps))


def test_capability_builds_over_weeks_and_decays_when_not_kept_up():
    capability = Capability(["pace"], ImprovementSettings(enabled=True))
    capability.update({"pace": 1.0})
    assert 0.0 < capability.stock["pace"] < 0.5  # one week buys little
    for _ in range(20):
        capability.update({"pace": 1.0})
    built = capability.stock["pace"]
    assert built > 0.95
    for _ in range(10):
        capability.update({"pace": 0.0})
    assert capability.stock["pace"] < 0.5 * built


def test_redesign_succeeds_by_chance_and_never_below_its_floor():
    settings = ImprovementSettings(enabled=True, redesign_success=0.5, redesign_gain=0.2,
                                   redesign_floor=0.7)  # fmt: skip
    capability = Capability([], settings)
    assert not capability.redesign(1.0, 0.6)  # failed: effort spent for nothing
    assert not capability.redesign(0.0, 0.0)  # not tried
    assert capability.redesign(1.0, 0.1)
    assert capability.redesign_factor == pytest.approx(0.8)
    for _ in range(5):
        capability.redesign(1.0, 0.0)
    assert capability.redesign_factor == pytest.approx(0.7)


def test_the_effort_budget_scales_chosen_levels_in_proportion():
    assert budget_scale({"a": 1.0, "b": 1.0}, None) == 1.0
    assert budget_scale({"a": 1.0, "b": 1.0}, 2.0) == 1.0
    assert budget_scale({"a": 1.0, "b": 1.0, "c": 1.0, "d": 1.0}, 2.0) == pytest.approx(0.5)
    assert budget_scale({}, 1.0) == 1.0


def test_the_funder_shares_its_budget_by_the_declared_rule():
    met = [True, False, False, None]
    assert allocate("rescue", 40.0, met, [1, 1, 1, 1]) == [0.0, 20.0, 20.0, 0.0]
    assert allocate("reward", 40.0, met, [1, 1, 1, 1]) == [40.0, 0.0, 0.0, 0.0]
    assert allocate("need", 40.0, met, [1, 3, 0, 0]) == [10.0, 30.0, 0.0, 0.0]
    assert allocate("none", 40.0, met, [1, 1, 1, 1]) == [0.0] * 4
    assert allocate("rescue", 40.0, [None, None], [1, 1]) == [0.0, 0.0]  # no target: unspent


@pytest.mark.parametrize(("name", "value"), [
    ("funder.budget", float("inf")), ("funder.rule", "bribe"), ("funder.review_days", 0),
    ("improvement.build_rate", float("inf")), ("improvement.decay_rate", 1.5),
    ("improvement.redesign_success", float("nan")), ("behaviour.effort_budget", float("inf")),
    ("behaviour.effort_budget", 0.0), ("hospital.pace_max_cut", 1.0),
])  # fmt: skip
def test_bad_improvement_settings_are_refused_naming_the_field(name, value):
    with pytest.raises(sim.ScenarioError, match=name.replace(".", r"\.")):
        sim.run(RESOURCES, days=1, overrides={name: value})


def test_without_improvement_the_levers_do_not_exist():
    scenario = sim.load_scenario("scenarios/ae_four_hour.toml")
    assert not scenario.improvement.enabled
    model = HospitalModel(scenario.params, RunSettings(behaviour=scenario.behaviour, days=2))
    assert "discharge_drive" not in model.managers[0].all_levers
    assert "pace" not in model.clinicians[0][0].all_levers
    resources = sim.load_scenario(RESOURCES)
    model = HospitalModel(resources.params, RunSettings(behaviour=resources.behaviour,
                                                        improvement=resources.improvement))
    assert "discharge_drive" in model.managers[0].all_levers
    assert model.clinicians[0][0].capability.stock == {"pace": 0.0}


def paired(runs, metric: str, regime: str = "kpi", reference: str = "none"):
    """Mean and 95% t interval of `regime` minus `reference`, replication by replication."""
    wide = runs.pivot(index="replication", columns="regime", values=metric)
    return t_interval((wide[regime] - wide[reference]).to_numpy(dtype=float))


@pytest.fixture(scope="module")
def with_improvement():
    return sim.compare(RESOURCES, replications=REPLICATIONS, workers=2, progress=False)


@pytest.fixture(scope="module")
def without_improvement():
    scenario = sim.load_scenario(RESOURCES)
    kpi_and_none = {name: scenario.regimes[name] for name in ("kpi", "none")}
    return sim.compare(scenario.model_copy(update={"regimes": kpi_and_none}),
                       replications=REPLICATIONS, workers=2, progress=False,
                       overrides={"improvement.enabled": False,
                                  "funder.rule": "none"})  # fmt: skip


def spike(runs, regime: str) -> np.ndarray:
    rows = runs[runs["regime"] == regime]
    return (rows["last20_admitted_pct"] / rows["prior20_admitted_pct"]).to_numpy()


def test_a_target_buys_a_spike_and_real_improvement_when_improvement_is_possible(
    with_improvement,
):
    """Mason and Gruber together: the spike before 240 and shorter true stays (paired)."""
    runs = with_improvement
    assert t_interval(spike(runs, "kpi") - spike(runs, "none"))[1] > 0.2
    assert spike(runs, "none").mean() < 1.0
    _, _, high = paired(runs, "mean_true_min")
    assert high < 0.0  # shorter true stays than with no target, interval excluding zero
    low, _ = paired(runs, "true_4h_pct")[1:]
    assert low > 0.0
    assert paired(runs, "excess_deaths")[2] < 0.0  # fewer deaths among admitted patients
    assert paired(runs, "lever_pace")[1] > 0.0  # the target makes clinicians work faster
    assert paired(runs, "gap_4h_pct")[1] > 0.0  # ... and the dashboard still flatters
    # the rescue funder reads the dashboard: money follows the target, not need
    by_regime = runs.groupby("regime")["surge_beds_funded"].mean()
    assert by_regime["kpi"] > 0.0 and by_regime["none"] == 0.0
    # the OKR's slacker key results are met more often, so the funder rescues it less
    assert paired(runs, "surge_beds_funded", "okr", "kpi")[2] < 0.0
    assert runs.loc[runs["regime"] == "kpi", "surge_bed_days"].gt(0).all()


def test_without_improvement_the_true_gain_vanishes_and_the_spike_stays(without_improvement):
    runs = without_improvement
    assert spike(runs, "kpi").mean() > 1.4
    _, low, high = paired(runs, "mean_true_min")
    assert low > -3.0 and high < 3.0  # within a few minutes of no target, either way
    assert (runs["lever_pace"] == 0.0).all()


def test_where_improvement_is_possible_more_of_the_dashboards_gain_is_real(
    with_improvement, without_improvement
):
    """Improvement off: the KPI's 4-hour gain is mostly gaming; on, mostly real."""

    def split(runs):
        table = gain_split(runs, "measured_4h_pct", "true_4h_pct", "gap_4h_pct", "none")
        return table.set_index("regime").loc["kpi"]

    off, on = split(without_improvement), split(with_improvement)
    assert off["real_share"] < 0.5 < on["real_share"]


def test_the_dashboards_gain_splits_into_a_real_and_a_gaming_part(with_improvement):
    table = gain_split(with_improvement, "measured_4h_pct", "true_4h_pct", "gap_4h_pct", "none")
    [row] = table[table["regime"] == "kpi"].to_dict("records")
    assert row["measured_gain"] == pytest.approx(row["true_gain"] + row["gaming_gain"])
    assert row["true_low"] > 0.0 and row["gaming_low"] > 0.0  # both parts, both real
    assert 0.0 < row["real_share"] < 1.0


def test_judicial_case_management_shortens_trials_without_rushing():
    """Agreed facts: a managed trial needs less time, and no verdict is rushed."""
    from sim.courts import CourtModel, cases_table

    scenario = sim.load_scenario("scenarios/courts_time_to_trial.toml")
    improvement = ImprovementSettings(enabled=True, decay_rate=0.0)  # stocks stay where set

    def cases(managed: bool):
        model = CourtModel(scenario.params, RunSettings(
            behaviour=BehaviourSettings(enabled=False), improvement=improvement, days=60,
            seed=1))  # fmt: skip
        for judge in (j for group in model.judges for j in group):
            judge.capability.stock["case_management"] = 1.0 if managed else 0.0
            judge.apply()
        model.run()
        return cases_table(model)

    managed, plain = cases(True), cases(False)
    tried = managed["trial_start_day"].notna().to_numpy()
    ratio = managed["trial_days_needed"][tried] / plain["trial_days_needed"][tried]
    cut = scenario.params.case_management_cut
    assert np.allclose(ratio, 1.0 - cut)
    given = managed["trial_days_given"][tried] / managed["trial_days_needed"][tried]
    assert (given >= 1.0 - 1e-9).mean() > 0.5  # trials get what they need (bar rounding)
    assert tried.sum() > plain["trial_start_day"].notna().sum()  # shorter trials: more of them


def test_redesign_is_an_experiment_that_can_fail_or_cut_treatment_for_good():
    def factors(success: float):
        result = sim.run(RESOURCES, regime="kpi", days=60,
                         overrides={"improvement.redesign_success": success})  # fmt: skip
        managers = result.tables["decisions"].query("role == 'manager'")
        return managers.groupby("ed", observed=True)["redesign_factor"], result

    always, sure = factors(1.0)
    never, failed = factors(0.0)
    assert (never.max() == 1.0).all()  # every experiment failed: nothing gained
    assert always.min().min() < 1.0  # some ED's treatment times were cut for good
    assert (always.apply(lambda f: f.is_monotonic_decreasing)).all()  # gains last
    np.testing.assert_array_equal(sure.tables["patients"]["arrival_min"],
                                  failed.tables["patients"]["arrival_min"])  # same patients


def court_run(days: int = 120, progression: float = 0.0, extra_sitting_days: float = 0.0):
    """A court run with behaviour off and improvement set by hand (stocks do not decay)."""
    from sim.courts import CourtModel

    scenario = sim.load_scenario("scenarios/courts_time_to_trial.toml")
    model = CourtModel(scenario.params, RunSettings(
        behaviour=BehaviourSettings(enabled=False), days=days, seed=3,
        improvement=ImprovementSettings(enabled=True, decay_rate=0.0)))  # fmt: skip
    for officer in model.listing:
        officer.capability.stock["case_progression"] = progression

        def apply(officer=officer, plain=officer.apply) -> None:  # as if funded and sat
            plain()
            officer.centre.extra_sitting_days = extra_sitting_days

        officer.apply = apply
        officer.apply()
    model.run()
    return model


def test_case_progression_brings_cracks_forward_and_frees_their_listings():
    from sim.courts import cases_table

    plain, checked = court_run(), court_run(progression=1.0)
    before, after = plain.results()[0], checked.results()[0]
    cut = checked.params.progression_crack_cut
    # fewer trials crack on the day, and fewer are ineffective for want of witnesses
    assert after["cracked_trial_pct"] < before["cracked_trial_pct"] * (1.0 - cut / 2)
    assert after["ineffective_trial_pct"] < before["ineffective_trial_pct"]
    # the listings cracks no longer waste go to other trials
    assert after["effective_trial_pct"] > before["effective_trial_pct"]
    started = [cases_table(m)["trial_start_day"].notna().sum() for m in (plain, checked)]
    assert started[1] > started[0]
    # a case resolved at a readiness check took no listing and is not a cracked trial
    cases = cases_table(checked)
    early = cases["late_plea"] & ~cases["cracked"] & (cases["listings"] == 0)
    assert early.sum() > 0


def test_extra_sitting_days_hear_more_trials_and_are_counted():
    plain, funded = court_run(), court_run(extra_sitting_days=200.0)
    before, after = plain.results()[0], funded.results()[0]
    assert before["extra_sitting_days"] == 0.0
    window = funded.days - funded.warmup_days
    centres = len(funded.flow.centres)
    expected = 200.0 * centres * window / 365  # a year's extra days spread over weekdays
    assert after["extra_sitting_days"] == pytest.approx(expected, rel=0.05)
    assert after["backlog_cases"] < before["backlog_cases"]


def test_the_courts_funder_pays_sitting_days_the_listing_officers_sit():
    result = sim.run("scenarios/courts_target_with_resources.toml", regime="kpi")
    summary = result.summary
    assert summary["sitting_days_funded"] > 0.0 and summary["extra_sitting_days"] > 0.0
    assert summary["lever_extra_sittings"] > 0.0
    periods = result.tables["periods"]
    assert periods["funds"].sum() > 0.0


def test_a_senior_at_the_front_door_shortens_treatment_and_costs_a_clinician():
    scenario = sim.load_scenario(RESOURCES)
    params = scenario.params.model_copy(update={"burnout_absence_max": 0.0})

    def model(front_door: float) -> HospitalModel:
        m = HospitalModel(params, RunSettings(
            behaviour=BehaviourSettings(enabled=False), days=10, seed=5,
            improvement=ImprovementSettings(enabled=True, decay_rate=0.0)))  # fmt: skip
        for manager in m.managers:
            manager.capability.stock["front_door"] = front_door
            manager.apply()
        m.run()
        return m

    plain, door = model(0.0), model(1.0)
    for m, cut in ((plain, 0.0), (door, params.front_door_treatment_cut)):
        wanted = ("treatment_min", "treatment_start_min", "decision_min", "admit")
        cols = {k: np.asarray(v, dtype=float) for k, v in m.flow.cols.items() if k in wanted}
        # discharged patients: the decision ends treatment (admissions wait for a review)
        treated = ~np.isnan(cols["decision_min"]) & (cols["admit"] == 0)
        took = cols["decision_min"][treated] - cols["treatment_start_min"][treated]
        np.testing.assert_allclose(took, cols["treatment_min"][treated] * (1.0 - cut))
    on_duty = [[d.on_duty for d in m.flow.departments] for m in (plain, door)]
    assert [a - b for a, b in zip(*on_duty, strict=True)] == [1] * len(params.eds)
