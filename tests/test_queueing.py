"""The event core against queueing theory: M/M/c waits match Erlang C."""

import numpy as np
import pytest
from scipy import stats

from sim.behaviour import BehaviourSettings
from sim.hospital import HospitalModel, patients_table
from sim.hospital.analytical import erlang_c, mmc_mean_wait, mmc_params
from sim.service import RunSettings


def test_erlang_c_known_values():
    # c = 1 reduces to M/M/1: P(wait) = rho, Wq = rho / (mu - lambda)
    assert erlang_c(1, 0.5) == pytest.approx(0.5)
    assert mmc_mean_wait(0.5, 1.0, 1) == pytest.approx(1.0)
    # textbook value: c = 2, a = 1 -> C = 1/3
    assert erlang_c(2, 1.0) == pytest.approx(1 / 3)
    assert mmc_mean_wait(1.0, 1.0, 2) == pytest.approx(1 / 3)


def _mean_wait(seed: int, arrivals_per_day: float, service: float, servers: int) -> float:
    model = HospitalModel(
        mmc_params(arrivals_per_day, service, servers),
        RunSettings(behaviour=BehaviourSettings(enabled=False), seed=seed, days=40),
    )
    model.run()
    table = patients_table(model)
    steady = table[table["arrival_min"] > 2 * 1440]
    return float((steady["treatment_start_min"] - steady["arrival_min"]).mean())


@pytest.mark.parametrize(("servers", "service"), [(1, 40.0), (6, 60.0)])
def test_mmc_waits_match_erlang_c(servers, service):
    arrivals_per_day = 0.8 * servers / service * 1440  # utilisation 0.8
    waits = np.array([_mean_wait(s, arrivals_per_day, service, servers) for s in range(12)])
    mean, sem = waits.mean(), stats.sem(waits)
    half = sem * stats.t.ppf(0.995, len(waits) - 1)  # 99% interval: a rare false alarm
    theory = mmc_mean_wait(arrivals_per_day / 1440, service, servers)
    assert mean - half <= theory <= mean + half, (mean, half, theory)


def test_all_served_when_no_one_leaves():
    model = HospitalModel(
        mmc_params(200, 30.0, 6),
        RunSettings(behaviour=BehaviourSettings(enabled=False), seed=3, days=5),
    )
    model.run()
    table = patients_table(model)
    done = table[table["arrival_min"] < 4 * 1440]
    assert (done["disposition"] == "discharged").all()
    assert (done["clock_stop_min"] == done["left_ed_min"]).all()
