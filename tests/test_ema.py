"""EMA Workbench as a client: the adapter's model, its runs, failures, and PRIM on a store."""

from __future__ import annotations

import json
import math
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from ema_workbench import CategoricalParameter, IntegerParameter, RealParameter, perform_experiments
from ema_workbench.analysis import prim

import sim
from sim.cli import main
from sim.ema import FAILED, crn_replication, dotted_name, ema_model, ema_name, from_store
from sim.experiments.analysis import analyse
from sim.experiments.scenario import ScenarioError
from sim.registry import get_domain

ROOT = Path(__file__).resolve().parents[1]
AE = ROOT / "scenarios" / "ae_four_hour.toml"
COURTS = ROOT / "scenarios" / "courts_time_to_trial.toml"
ISHIGAMI = """name = "ishi"
domain = "ishigami"
days = 1
replications = 1
seed = 7
[ishigami]
noise_sd = 0.0
[regimes.none]
type = "none"
[regimes.kpi]
type = "kpi"
measure = "y"
target = 0.5
[sweep]
design = "lhs"
samples = 200
[sweep.parameters]
"ishigami.x1" = { low = -3.14159, high = 3.14159 }
"ishigami.x2" = { low = -3.14159, high = 3.14159 }
"ishigami.x3" = { low = -3.14159, high = 3.14159 }
"""


@pytest.mark.parametrize(("scenario", "whole"), [(AE, "hospital.eds.0.beds"),
                         (COURTS, "courts.centres.0.courtrooms")], ids=["hospital", "courts"])
def test_the_model_is_built_from_the_schema_with_the_same_outcomes_for_every_regime(
    scenario, whole
):
    loaded = sim.load_scenario(scenario)
    domain = get_domain(loaded.domain)
    model = ema_model(scenario, {domain.capacity: (0.8, 1.2), whole: (2, 90)})
    capacity, count = model.uncertainties
    assert isinstance(capacity, RealParameter) and capacity.name == ema_name(domain.capacity)
    assert isinstance(count, IntegerParameter)  # the schema's type
    (regime,) = model.levers
    assert isinstance(regime, CategoricalParameter)
    assert [c.value for c in regime.categories] == list(loaded.regimes)
    names = [outcome.name for outcome in model.outcomes]
    assert names == [m.name for m in domain.metrics] + [FAILED]
    assert all(name.isidentifier() for name in names)
    assert [dotted_name(p.name) for p in model.uncertainties] == [domain.capacity, whole]


def test_uncertainties_default_to_the_scenarios_sweep_and_bad_ones_are_named():
    model = ema_model(AE)
    swept = sim.load_scenario(AE).sweep.parameters
    assert [dotted_name(p.name) for p in model.uncertainties] == list(swept)
    with pytest.raises(ScenarioError, match=r"unknown parameter 'gamer_share'.*"
                       r"behaviour\.gamer_share"):  # fmt: skip
        ema_model(AE, {"gamer_share": (0.0, 1.0)})
    with pytest.raises(ScenarioError, match=r"audit\.inspection_chance: range \[0, 2\] leaves"):
        ema_model(AE, {"audit.inspection_chance": (0.0, 2.0)})
    with pytest.raises(ScenarioError, match="regimes: unknown"):
        ema_model(AE, regimes=["kpi", "nonsense"])


def test_ema_runs_are_sim_runs_with_common_random_numbers_across_policies():
    uncertain = {"hospital.capacity_scale": (0.8, 1.2), "behaviour.gamer_share": (0.0, 0.6)}
    model = ema_model(AE, uncertain, regimes=["kpi", "none"], days=12)
    experiments, outcomes = perform_experiments(model, scenarios=2, policies=2)
    assert (outcomes[FAILED] == 0).all()
    for i, row in experiments.iterrows():
        overrides = {name: float(row[ema_name(name)]) for name in uncertain}
        expected = sim.run(AE, regime=row["regime"], days=12, overrides=overrides,
                           replication=crn_replication(overrides), tables=False)  # fmt: skip
        for name in ("measured_4h_pct", "true_4h_pct", "excess_deaths_per_1000_attendances"):
            assert outcomes[name][i] == pytest.approx(expected.summary[name], nan_ok=True)
    patients = pd.Series(outcomes["patients"]).groupby(experiments["scenario"].to_numpy())
    assert (patients.nunique() == 1).all()  # every policy at a scenario: the same patients
    assert patients.first().nunique() == 2  # and other scenarios, other patients


def test_a_failing_run_is_nan_and_the_multiprocessing_evaluator_finishes():
    script = textwrap.dedent(f"""
        import json, math
        from ema_workbench import MultiprocessingEvaluator
        from sim.ema import FAILED, ema_model
        if __name__ == "__main__":
            model = ema_model({str(AE)!r}, {{"behaviour.gamer_share": (0.0, 0.6)}},
                              regimes=["kpi"], days=5, time_limit_s=1e-9)
            with MultiprocessingEvaluator(model, n_processes=2) as evaluator:
                experiments, outcomes = evaluator.perform_experiments(scenarios=3)
            print(json.dumps({{"failed": outcomes[FAILED].tolist(),
                              "nan": bool(all(math.isnan(v) for v in outcomes["patients"]))}}))
    """)  # fmt: skip
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result == {"failed": [1.0, 1.0, 1.0], "nan": True}
    assert "RunTimeLimit" in done.stderr  # the message reaches the user


@pytest.fixture(scope="module")
def ishigami_store(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ishigami")
    scenario = folder / "ishi.toml"
    scenario.write_text(ISHIGAMI, encoding="utf-8")
    out = folder / "store"
    assert main(["sweep", str(scenario), "--workers", "1", "--out", str(out)]) == 0
    return out


def test_a_sweep_store_converts_to_ema_results_and_prim_finds_the_driver(ishigami_store):
    experiments, outcomes = from_store(ishigami_store)
    runs = sim.experiments.ResultsStore(ishigami_store).read().sort_values("id")
    assert len(experiments) == len(runs) == 400
    np.testing.assert_array_equal(outcomes["y"], runs["y"].to_numpy())
    np.testing.assert_array_equal(experiments["ishigami__x1"], runs["ishigami.x1"])
    assert set(experiments["regime"]) == {"none", "kpi"} and (outcomes[FAILED] == 0).all()
    # EMA's own PRIM on the converted results: high y needs x1 in (0, pi) (sin x1 > 0)
    x = experiments[["ishigami__x1", "ishigami__x2", "ishigami__x3"]]
    y = outcomes["y"] >= np.quantile(outcomes["y"], 0.75)
    box = prim.Prim(x, y.astype(int)).find_box()
    assert box.box_lim["ishigami__x1"].iloc[0] > 0 and box.density > 0.5


def test_analyse_says_which_parameters_drive_an_output(ishigami_store):
    analysis = analyse(ishigami_store)
    none = analysis.drivers[analysis.drivers["output_of"] == "none"].set_index("parameter")
    assert none.loc["ishigami.x1", "rank"] == 1  # sin x1 moves y most, quartile by quartile
    boxes = analysis.boxes[analysis.boxes["output_of"] == "none"].set_index("parameter")
    assert boxes.loc["ishigami.x1", "low"] > 0
    binned = analyse(ishigami_store, by=["ishigami.x1"]).regimes
    assert sorted(binned["ishigami.x1"].unique())[0].startswith("Q1 [-3.1")
    assert (binned.groupby("regime")["n"].sum() == 200).all()


def test_without_ema_the_binned_drivers_stand_alone(ishigami_store, monkeypatch):
    monkeypatch.setitem(sys.modules, "ema_workbench.analysis", None)  # import fails
    analysis = analyse(ishigami_store)
    assert analysis.boxes is None and not analysis.drivers.empty
    assert any("EMA Workbench is not installed" in note for note in analysis.notes)
    assert math.isfinite(analysis.drivers["spread"].iloc[0])


def test_optimize_reaches_the_model_through_the_identifier_names(tmp_path):
    """EMA's optimize() ignores `variable_name`; the adapter maps names back itself."""
    from ema_workbench import SequentialEvaluator
    from ema_workbench.em_framework.outcomes import ScalarOutcome

    scenario = tmp_path / "ishi.toml"
    scenario.write_text(ISHIGAMI, encoding="utf-8")
    model = ema_model(scenario, {"ishigami.x3": (0.0, 0.5)}, {"ishigami.x1": (-3.0, 3.0)},
                      regimes=["none"])  # fmt: skip
    for outcome in model.outcomes:
        outcome.kind = ScalarOutcome.MAXIMIZE if outcome.name == "y" else ScalarOutcome.INFO
    with SequentialEvaluator(model) as evaluator:
        found = evaluator.optimize(nfe=300, searchover="levers", epsilons=[0.05],
                                   filename="archive.tar.gz", directory=str(tmp_path))
    best = found[0] if isinstance(found, tuple) else found
    x1 = float(best.sort_values("y", ascending=False)["ishigami__x1"].iloc[0])
    assert abs(x1 - math.pi / 2) < 0.5  # y = sin x1 + ...: the lever reached the model
