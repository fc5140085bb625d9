"""The models the Mesa way: built from a scenario, stepped a day at a time, batch-run by Mesa.

Stepping, `mesa.batch_run` and `sim.run` must give the same numbers for the same settings.
"""

from __future__ import annotations

import math
from pathlib import Path

import mesa
import pandas as pd
import pytest

import sim
from sim.courts import CourtModel
from sim.hospital import HospitalModel
from sim.registry import get_domain

ROOT = Path(__file__).resolve().parents[1]
AE = ROOT / "scenarios" / "ae_four_hour.toml"
COURTS = ROOT / "scenarios" / "courts_time_to_trial.toml"
CASES = [(HospitalModel, AE, 14), (CourtModel, COURTS, 42)]
IDS = ["hospital", "courts"]


def same(a: dict, b: dict) -> None:
    assert a.keys() == b.keys()
    for key, value in a.items():
        assert value == b[key] or (math.isnan(value) and math.isnan(b[key])), key


@pytest.mark.parametrize(("model_class", "scenario", "days"), CASES, ids=IDS)
def test_stepping_a_day_at_a_time_gives_what_sim_run_gives(model_class, scenario, days):
    model = model_class.from_scenario(scenario, regime="kpi", seed=7, days=days)
    assert model.steps == 0 and model.running and model.day == 0
    model.step()
    assert model.steps == 1 and model.day == 1
    while model.running:
        model.step()
    assert model.steps == days and model.day == days and not model.running
    model.step()  # a finished model stays where it is
    assert model.steps == days
    same(model.summary, sim.run(scenario, regime="kpi", seed=7, days=days).summary)


@pytest.mark.parametrize(("model_class", "scenario", "days"), CASES, ids=IDS)
def test_mesa_batch_run_gives_what_sim_run_gives(model_class, scenario, days):
    rows = mesa.batch_run(
        model_class, parameters={"scenario": str(scenario), "regime": ["kpi", "none"],
                                 "days": days},
        rng=[3, 4], max_steps=10 * days, number_processes=1, display_progress=False,
    )  # fmt: skip
    runs = pd.DataFrame(rows).groupby("RunId").first()
    assert len(runs) == 4 and (runs["Step"] == days * model_class.TIME_PER_DAY).all()  # time
    metrics = [metric.name for metric in get_domain(model_class.DOMAIN).metrics]
    for _, row in runs.iterrows():
        expected = sim.run(scenario, regime=row["regime"], seed=row["rng"], days=days).summary
        same({name: row[name] for name in metrics}, {name: expected[name] for name in metrics})


def test_the_data_collector_records_both_ledgers_daily_and_every_lever():
    model = HospitalModel(regime="kpi", rng=5, days=21)
    model.run_model()
    daily = model.datacollector.get_model_vars_dataframe()
    assert len(daily) == 21 and list(daily["day"]) == list(range(1, 22))
    first_period = model.behaviour.decision_period_days
    judged = daily[daily["day"] >= first_period]
    assert daily.loc[daily["day"] < first_period, "period_true_4h_pct"].isna().all()
    assert judged[["period_measured_4h_pct", "period_true_4h_pct"]].notna().all().all()
    assert (judged["period_measured_4h_pct"] >= judged["period_true_4h_pct"] - 1e-9).all()
    assert daily["period_measured_4h_pct"].iloc[-1] == model.ledger_now()["measured_4h_pct"]
    assert daily.drop(columns="day").iloc[:-1].filter(like="excess_deaths").isna().all().all()
    assert daily["excess_deaths"].iloc[-1] == model.summary["excess_deaths"]
    levers = model.datacollector.get_agent_vars_dataframe()
    assert set(levers["role"]) == {"manager", "clinician"}
    managers = levers[levers["role"] == "manager"]
    assert managers["corridor_care"].between(0, 1).all()
    assert managers["early_discharge"].isna().all()  # a clinician's lever


def test_a_subclass_step_runs_after_each_day():
    class Counting(HospitalModel):
        def step(self) -> None:
            self.days_seen = [*getattr(self, "days_seen", []), self.day]

    model = Counting(rng=2, days=3)
    model.run_model()
    assert model.days_seen == [1, 2, 3]


def test_run_ends_the_model_without_collecting():
    model = CourtModel(rng=1, days=30)
    model.run()
    assert not model.running and model.summary and model.steps == 0
    assert model.datacollector.get_model_vars_dataframe().empty


def test_the_default_scenario_and_bad_options():
    model = CourtModel()
    assert model.scenario_settings == sim.load_scenario(COURTS) and model.regime_name == "kpi"
    with pytest.raises(sim.ScenarioError, match="seed as seed or as rng, not both"):
        HospitalModel(seed=1, rng=2, days=2)
    with pytest.raises(sim.ScenarioError, match="rng: the master seed must be a whole number"):
        HospitalModel(rng=1.5, days=2)
    with pytest.raises(sim.ScenarioError, match="HospitalModel needs a 'hospital' scenario"):
        HospitalModel(scenario=COURTS)
    with pytest.raises(TypeError, match="not both"):
        HospitalModel(model.params, regime="kpi")


@pytest.mark.parametrize(("model_class", "scenario", "days"), CASES, ids=IDS)
def test_one_capacity_setting_scales_every_site_as_the_per_site_overrides_do(
    model_class, scenario, days
):
    domain = get_domain(model_class.DOMAIN)
    loaded = sim.load_scenario(scenario)
    scaled = loaded.params.model_copy(update={"capacity_scale": 1.3}).at_capacity()
    per_site = {}
    for section, sites in scaled.model_dump().items():
        if isinstance(sites, list) and sites and isinstance(sites[0], dict):  # eds, centres
            for i, site in enumerate(sites):
                for name, value in site.items():
                    if value != loaded.params.model_dump()[section][i][name]:
                        per_site[f"{loaded.domain}.{section}.{i}.{name}"] = value
    assert per_site, "the scale changed no site's capacity"
    one = sim.run(scenario, regime="kpi", days=days, overrides={domain.capacity: 1.3})
    each = sim.run(scenario, regime="kpi", days=days, overrides=per_site)
    same(one.summary, each.summary)
    assert one.summary != sim.run(scenario, regime="kpi", days=days).summary
