"""What the A&E model must show: gaming that follows from pressure and payoffs.

Short runs of the shipped scenarios. Nothing here is scripted per regime: the same levers
and learning act under every regime, and the tests check that the spike and the gap
appear where pressure and payoff call for them and vanish where they do not.
"""

from functools import cache

import numpy as np
import pytest

import sim
from sim.experiments.stats import t_interval

PRESSURED = "scenarios/ae_four_hour.toml"
AMPLE = "scenarios/ae_ample_capacity.toml"
DAYS = 120
SEEDS = (20101, 3)
REPLICATIONS = 6  # paired claims: replication r of every scenario sees the same seed


@cache
def pooled(scenario: str, regime: str, **overrides) -> dict[str, float]:
    """Summary metrics of two seeds, with the spike counts pooled."""
    runs = [
        sim.run(scenario, regime=regime, seed=s, days=DAYS, overrides=overrides or None).summary
        for s in SEEDS
    ]
    return {key: sum(r[key] for r in runs) / len(runs) for key in runs[0]}


@cache
def replicated(scenario: str, regime: str) -> dict[str, np.ndarray]:
    """Each summary metric over replications 0..REPLICATIONS-1 (common random numbers)."""
    runs = [sim.run(scenario, regime=regime, days=DAYS, replication=r).summary
            for r in range(REPLICATIONS)]  # fmt: skip
    return {key: np.array([r[key] for r in runs]) for key in runs[0]}


def upper(values: np.ndarray) -> float:
    """Upper end of the 95% t interval of the mean of `values`."""
    return t_interval(np.asarray(values, dtype=float))[2]


def spike(summary: dict[str, float], group: str) -> float:
    """Departures in the 20 minutes before the threshold over the 20 minutes before that."""
    return summary[f"last20_{group}_pct"] / summary[f"prior20_{group}_pct"]


def test_kpi_under_pressure_spikes_before_threshold_mostly_admitted():
    kpi = pooled(PRESSURED, "kpi")
    assert spike(kpi, "admitted") > 1.4
    assert spike(kpi, "admitted") > spike(kpi, "discharged")
    assert kpi["measured_4h_pct"] > kpi["true_4h_pct"] + 1.0


def test_no_target_no_spike():
    none = pooled(PRESSURED, "none")
    assert spike(none, "admitted") < 1.15
    assert spike(none, "discharged") < 1.15
    assert none["gaming_prevalence_pct"] < 1.0


def test_kpi_gap_exceeds_no_target_gap_under_pressure():
    assert pooled(PRESSURED, "kpi")["gap_4h_pct"] > pooled(PRESSURED, "none")["gap_4h_pct"] + 0.5


def test_ample_capacity_kpi_met_by_honest_work():
    """Paired over replications: with ample capacity the KPI is met honestly, little gamed."""
    kpi, pressured = replicated(AMPLE, "kpi"), replicated(PRESSURED, "kpi")
    assert kpi["true_4h_pct"].min() > 95.0
    # levers are set about as high as under pressure (learning from a few noisy weeks), but
    # with few patients near the threshold what they do is a fraction of what pressure brings
    assert upper(kpi["gap_4h_pct"] - pressured["gap_4h_pct"] / 2) < 0
    assert upper(kpi["gaming_prevalence_pct"] - pressured["gaming_prevalence_pct"] / 2) < 0

    def ratio(summary: dict[str, np.ndarray]) -> np.ndarray:
        return summary["last20_admitted_pct"] / summary["prior20_admitted_pct"]

    assert upper(ratio(kpi) - ratio(pressured)) < 0  # a smaller spike than under pressure


def test_nothing_at_stake_no_gaming_and_no_spike():
    """Extreme value: with nothing riding on the KPI, nobody games or falsifies."""
    free = pooled(PRESSURED, "kpi", **{"stakes.level": 0.0, "league_table.weight": 0.0})
    kpi = pooled(PRESSURED, "kpi")
    assert free["gaming_prevalence_pct"] <= 0.5
    assert free["gap_4h_pct"] < 0.5  # what is left is the ambulance clock rule (structural)
    assert spike(free, "admitted") < 1.1 < spike(kpi, "admitted")
    assert free["lever_corridor_care"] > 0.0  # legitimate levers are still used


def test_certain_audit_stops_fraud_but_not_legitimate_levers():
    """Mis-recording found at every inspection, every decision-maker inspected each period."""
    audited = pooled(PRESSURED, "kpi", **{"audit.inspection_chance": 1.0,
                                          "audit.detection.misrecord": 1.0})  # fmt: skip
    kpi = pooled(PRESSURED, "kpi")
    assert audited["lever_misrecord"] == 0.0 < kpi["lever_misrecord"]
    assert audited["misrecorded_pct"] < 0.1 < kpi["misrecorded_pct"]
    assert audited["lever_corridor_care"] > 0.0


def test_behaviour_off_no_gaming_at_all():
    off = pooled(PRESSURED, "kpi", **{"behaviour.enabled": False})
    assert off["gaming_prevalence_pct"] == 0.0
    assert spike(off, "admitted") < 1.15
    assert all(off[key] == 0.0 for key in off if key.startswith("lever_"))


def test_levers_follow_the_regime_threshold_not_240():
    """A 3-hour KPI moves the spike to 180 minutes and leaves 240 alone: the managers
    find the point by learning (their candidate aims run from 2 to 6 hours)."""
    changed = {"regimes.kpi.within": 180, "regimes.kpi.target": 0.8}
    for seed in SEEDS:
        result = sim.run(PRESSURED, regime="kpi", seed=seed, days=DAYS, overrides=changed)
        patients = result.tables["patients"]
        admitted = patients[~patients["warmup"] & (patients["disposition"] == "admitted")]
        measured = admitted["measured_min"]

        def share(low: float, high: float, measured=measured) -> float:
            return float(((measured > low) & (measured <= high)).mean())

        assert share(160, 180) > 1.3 * share(140, 160)
        assert share(220, 240) < 1.1 * share(200, 220)


@pytest.mark.parametrize("rule", ["reinforcement", "rel"])
def test_the_main_conclusions_hold_under_either_learning_rule(rule):
    """Paired over replications, under each published learning rule: both targets flatter
    the dashboard against no target, and the KPI spikes. (Whether the KPI flatters more
    than the OKR is clear under reinforcement, not under REL at 5 replications.)"""
    runs = sim.compare(PRESSURED, replications=5, workers=2, progress=False,
                       overrides={"behaviour.learning_rule": rule},
                       regimes=("kpi", "okr", "none"))  # fmt: skip
    wide = runs.pivot(index="replication", columns="regime")
    gap = wide["gap_4h_pct"]
    assert t_interval((gap["kpi"] - gap["none"]).to_numpy())[1] > 0.0
    assert t_interval((gap["okr"] - gap["none"]).to_numpy())[1] > 0.0
    ratio = wide["last20_admitted_pct"] / wide["prior20_admitted_pct"]
    assert t_interval((ratio["kpi"] - ratio["none"]).to_numpy())[0] > 0.2
    assert (ratio["none"] < 1.15).all()
    assert (wide["gaming_prevalence_pct"]["none"] == 0.0).all()  # nothing rides on it
