"""The police domain: every crime accounted for, and the behaviour the published record shows.

Claims rest on paired replications (common random numbers): a regime's effect is its mean
paired difference from another regime, with a t interval that must exclude zero.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import sim
from sim.experiments.stats import paired_differences, t_interval
from sim.police import PoliceModel
from sim.police.flow import CHARGED, FILED, NO_ACTION, OPEN, OUT_OF_COURT

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT / "scenarios" / "police_crime_targets.toml"
AUDIT = ROOT / "scenarios" / "police_recording_audit.toml"
AMPLE = ROOT / "scenarios" / "police_ample_capacity.toml"
GAMING = ["lever_under_record", "lever_downgrade", "lever_easy_detections", "lever_write_offs"]
REPS = 6


def difference(runs: pd.DataFrame, regime: str, reference: str, metric: str) -> pd.Series:
    row = paired_differences(runs[runs["regime"].isin([regime, reference])], [metric],
                             reference).set_index("metric").loc[metric]  # fmt: skip
    return row


@pytest.fixture(scope="module")
def default_runs() -> pd.DataFrame:
    return sim.compare(DEFAULT, replications=REPS, progress=False)


@pytest.fixture(scope="module")
def ample_runs() -> pd.DataFrame:
    return sim.compare(AMPLE, replications=REPS, progress=False,
                       regimes=["kpi_detections", "none"])  # fmt: skip


# ---- accounting -------------------------------------------------------------------------
small = st.fixed_dictionaries({
    "crimes": st.lists(st.floats(20, 150), min_size=1, max_size=3),
    "hours": st.floats(0.2, 1.5),
    "days": st.integers(5, 40),
    "regime": st.sampled_from(["kpi", "kpi_detections", "okr", "none"]),
    "seed": st.integers(0, 2**31),
})  # fmt: skip


def small_model(case: dict) -> PoliceModel:
    forces = [{"name": f"F{i}", "crimes_per_day": rate,
               "investigator_hours_per_day": rate * 2.35 * case["hours"]}
              for i, rate in enumerate(case["crimes"])]  # fmt: skip
    overrides = {"police.forces": forces, "behaviour.decision_period_days": 3.5}
    model = PoliceModel.from_scenario(DEFAULT, regime=case["regime"], seed=case["seed"],
                                      days=case["days"], overrides=overrides)  # fmt: skip
    model.run()
    return model


@settings(max_examples=15, deadline=None)
@given(case=small)
def test_every_crime_is_accounted_for(case):
    model = small_model(case)
    c = model.flow.crimes
    occurred = c["occurred"]
    # occurred crimes only on the run's days; the recording chain is consistent
    assert (c["day"][occurred] < case["days"]).all()
    assert not (c["reported"] & ~occurred).any()
    assert not (c["recorded"] & ~c["reported"]).any()
    assert not (c["gamed"] & (c["recorded"] | ~c["reported"])).any()
    assert not (c["downgraded"] & ~(c["recorded"] & c["serious"])).any()
    assert not (c["contacted"] & ~c["recorded"]).any()
    # every recorded crime is open (in its force's queue) or closed once, on or after its day
    queued = np.concatenate([force.queue for force in model.flow.forces])
    assert len(np.unique(queued)) == len(queued)
    outcome = c["outcome"]
    assert (outcome[queued] == OPEN).all() and c["recorded"][queued].all()
    closed = c["recorded"] & (outcome != OPEN)
    assert set(np.flatnonzero(c["recorded"] & (outcome == OPEN))) == set(queued)
    assert (c["outcome_day"][closed] >= c["day"][closed]).all()
    assert not ((outcome != OPEN) & ~c["recorded"]).any()
    # the daily counts agree with the crime table
    daily = model.flow.daily
    assert daily["crimes"].sum() == occurred.sum()
    assert daily["reports"].sum() == c["reported"].sum()
    assert daily["recorded"].sum() == c["recorded"].sum()
    assert daily["gamed"].sum() == c["gamed"].sum()
    for name, code in (("charged", CHARGED), ("out_of_court", OUT_OF_COURT),
                       ("no_action", NO_ACTION), ("filed", FILED)):  # fmt: skip
        assert daily[name].sum() == np.sum(outcome == code), name
    # a repeat follows a crime against the same victim, on a later day
    repeats = np.flatnonzero(c["repeat"] & (c["origin"] >= 0))
    origin = c["origin"][repeats]
    assert (c["day"][repeats] > c["day"][origin]).all() and c["repeated"][origin].all()
    assert (c["force"][repeats] == c["force"][origin]).all()


def test_the_same_seed_gives_the_same_crimes_under_every_regime():
    tables = [sim.run(DEFAULT, regime=r, days=30).tables["crimes"] for r in ("kpi", "none")]
    first = [t[~t["repeat"]] for t in tables]  # repeats depend on protection, by design
    for column in ("day", "force", "type", "serious", "reported"):
        np.testing.assert_array_equal(first[0][column], first[1][column])


# ---- behaviour --------------------------------------------------------------------------
def test_crime_kpi_recorded_crime_falls_further_than_survey_crime_most_for_violence(
    default_runs,
):
    gap = difference(default_runs, "kpi", "none", "recording_gap_pts")
    assert gap["t_low"] > 0, gap  # recorded crime falls further than the survey says
    gamed = difference(default_runs, "kpi", "none", "gamed_unrecorded_pct")
    assert gamed["t_low"] > 0
    rise = {kind: difference(default_runs, "kpi", "none", f"unrecorded_{kind}_pct")
            for kind in ("violence", "sexual", "acquisitive")}  # fmt: skip
    kpi = default_runs[default_runs["regime"] == "kpi"].set_index("replication")
    none = default_runs[default_runs["regime"] == "none"].set_index("replication")
    for kind in ("violence", "sexual"):
        extra = ((kpi[f"unrecorded_{kind}_pct"] - none[f"unrecorded_{kind}_pct"])
                 - (kpi["unrecorded_acquisitive_pct"] - none["unrecorded_acquisitive_pct"]))
        assert t_interval(extra.to_numpy())[1] > 0, (kind, rise)


def test_with_nothing_at_stake_no_one_games():
    overrides = {"stakes.level": 0.0, "league_table.published": False}
    for regime in ("kpi", "kpi_detections", "okr"):
        summary = sim.run(DEFAULT, regime=regime, days=120, overrides=overrides).summary
        assert all(summary[lever] == 0.0 for lever in GAMING), regime
        assert summary["gamed_unrecorded_pct"] == 0.0 and summary["write_offs"] == 0.0
    none = sim.run(DEFAULT, regime="none", days=120).summary
    assert all(none[lever] == 0.0 for lever in GAMING)


def test_detections_kpi_quick_disposals_rise_and_serious_charges_fall_less_with_capacity(
    default_runs, ample_runs,
):
    quick = difference(default_runs, "kpi_detections", "none", "out_of_court_pct")
    assert quick["t_low"] > 0, quick
    minor = difference(default_runs, "kpi_detections", "none", "violence_out_of_court")
    assert minor["t_low"] > 0, minor
    serious = difference(default_runs, "kpi_detections", "none", "serious_charge_rate_pct")
    assert serious["t_high"] < 0, serious
    ample = difference(ample_runs, "kpi_detections", "none", "serious_charge_rate_pct")
    assert ample["difference"] > serious["difference"], (ample, serious)

    def fall(runs: pd.DataFrame) -> pd.Series:
        wide = runs.pivot(index="replication", columns="regime",
                          values="serious_charge_rate_pct")  # fmt: skip
        return wide["kpi_detections"] - wide["none"]

    less = (fall(ample_runs) - fall(default_runs)).to_numpy()
    assert t_interval(less)[1] > 0, less


def _year_two(result) -> tuple[float, float]:
    """In the second year: % of reports left unrecorded on purpose, and the share of the
    registrars' lever effort that goes to care and improvement rather than gaming."""
    daily = result.tables["daily"].groupby("day")[["gamed", "reports"]].sum().loc[456:]
    decisions = result.tables["decisions"]
    registrars = decisions[(decisions["role"] == "registrar") & (decisions["day"] > 456)]
    levers = registrars[["lever_under_record", "lever_downgrade", "lever_victim_contact",
                         "lever_problem_solving"]].sum()  # fmt: skip
    honest = (levers["lever_victim_contact"] + levers["lever_problem_solving"]) / levers.sum()
    return 100 * daily["gamed"].sum() / daily["reports"].sum(), float(honest)


def test_a_credible_recording_audit_closes_most_of_the_gap_and_shifts_effort():
    pairs = np.array([
        [*_year_two(sim.run(AUDIT, regime="kpi", replication=r)),
         *_year_two(sim.run(DEFAULT, regime="kpi", days=730, replication=r))]
        for r in range(REPS)
    ])  # fmt: skip
    audited, honest_audited, unaudited, honest_unaudited = pairs.T
    assert t_interval(unaudited - audited)[1] > 0
    assert audited.mean() < 0.5 * unaudited.mean(), pairs  # most of it gone
    assert t_interval(honest_audited - honest_unaudited)[1] > 0, pairs


def test_stepping_the_police_model_a_day_at_a_time_gives_what_sim_run_gives():
    model = PoliceModel.from_scenario(DEFAULT, regime="kpi", seed=5, days=42)
    while model.running:
        model.step()
    assert model.steps == 42
    expected = sim.run(DEFAULT, regime="kpi", seed=5, days=42).summary
    for key, value in expected.items():
        assert value == model.summary[key] or (np.isnan(value) and np.isnan(model.summary[key]))
