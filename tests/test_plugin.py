"""A domain is one folder: the shared layers are neutral and a toy domain runs end to end."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import numpy as np
import pytest
from toy_domain import SCENARIO, ToyModel, make_domain

import sim
from sim.behaviour import KINDS
from sim.experiments import SweepSpec, analyse, load_scenario, write_comparison
from sim.experiments.sweep import sweep
from sim.figures import make_figures
from sim.registry import DOMAINS, domain_names, get_domain, register, unregister
from sim.validation import validate
from sim.validation.warmup import warmup_table

ROOT = Path(__file__).resolve().parents[1]
#: Shared code that must know no domain: it reads everything from the registry.
NEUTRAL = ("regimes", "behaviour", "experiments", "figures", "validation", "service.py",
           "domain.py", "mesa_engine.py")  # fmt: skip
#: Code on top that may name a domain in a usage example, but imports none.
ON_TOP = ("apps", "cli.py")


def neutral_files(names=NEUTRAL) -> list[Path]:
    files = []
    for name in names:
        path = ROOT / "sim" / name
        files += sorted(path.rglob("*.py")) if path.is_dir() else [path]
    return files


def test_shared_layers_import_no_domain_and_name_none():
    names = set(DOMAINS)
    assert names >= {"hospital", "courts"}
    word = re.compile(r"\b(" + "|".join(sorted(names)) + r")\b")
    for file in neutral_files(NEUTRAL + ON_TOP):
        text = file.read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(text)):
            modules = []
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                modules = [node.module]
            for module in modules:
                parts = module.split(".")
                assert not (parts[0] == "sim" and len(parts) > 1 and parts[1] in names), (
                    f"{file.relative_to(ROOT)} imports the domain package {module}"
                )
        found = word.search(text) if file in neutral_files() else None
        assert found is None, f"{file.relative_to(ROOT)} names the domain '{found.group()}'"


def test_every_registered_domain_describes_itself():
    for name in domain_names():
        domain = get_domain(name)
        assert domain.name == name and domain.metrics and domain.sensitivity_output
        metrics = {m.name for m in domain.metrics}
        for lever in domain.levers:
            assert lever.kind in KINDS
            assert f"lever_{lever.name}" in metrics  # every lever setting is catalogued
        for metric in domain.metrics:
            assert metric.label and metric.ledger in ("measured", "true", "behaviour")
        assert len(domain.streamed_tables) <= len(domain.tables)


def test_each_domain_documents_every_metric_of_its_catalogue():
    for name in domain_names():
        domain = get_domain(name)
        if not domain.documentation:
            continue
        text = (ROOT / domain.documentation).read_text(encoding="utf-8")
        undocumented = [m.name for m in domain.metrics if f"`{m.name}`" not in text
                        and not (m.name.startswith("lever_") and "`lever_<name>`" in text)]
        assert not undocumented, (domain.documentation, undocumented)


@pytest.mark.parametrize("name", ["hospital", "courts"])
def test_a_run_reports_every_headline_metric_of_the_catalogue(name):
    scenario = {"hospital": "ae_four_hour", "courts": "courts_time_to_trial"}[name]
    result = sim.run(ROOT / "scenarios" / f"{scenario}.toml", days=30)
    domain = get_domain(name)
    missing = [m for m in domain.headline if m not in result.summary]
    assert not missing
    uncatalogued = [k for k in result.summary if k not in {m.name for m in domain.metrics}
                    and not k.startswith("regime_")]  # fmt: skip
    assert not uncatalogued  # every output has a label and a unit
    assert set(result.tables) == {t.name for t in domain.tables}


@pytest.fixture
def toy(tmp_path):
    scenario = tmp_path / "toy.toml"
    scenario.write_text(SCENARIO, encoding="utf-8")
    register(make_domain(str(scenario)))
    yield scenario
    unregister("toy")


def test_a_toy_domain_runs_end_to_end_without_touching_shared_code(toy, tmp_path):
    one = sim.run(toy, regime="kpi", seed=1)
    again = sim.run(toy, regime="kpi", seed=1)
    assert one.summary == again.summary
    customers = one.tables["customers"]
    assert len(customers) > 60 * 15  # about 20 a day arrive
    assert one.summary["gap_pct"] >= 0.0  # stopping the clock only ever flatters
    stepped = ToyModel(regime="kpi", rng=1)  # the Mesa way, from the domain's own scenario
    stepped.run_model()
    assert stepped.summary == one.summary and stepped.steps == 60

    done = write_comparison(load_scenario(toy), tmp_path / "compare", 2, progress=False,
                            tables=True)  # fmt: skip
    assert set(done.runs["regime"]) == {"kpi", "none"}
    assert (done.folder / "customers.parquet").exists()
    report = make_figures(done.folder, formats=("png",))
    assert {p.stem for p in report.written} == {"dashboard_gap", "harms", "emergence",
                                                "dashboard_gap_differences", "harm_differences"}

    spec = SweepSpec(design="grid", parameters={"toy.served_per_day": {"values": [21, 30]}})
    store = sweep(load_scenario(toy), tmp_path / "sweep", spec, replications=2, progress=False)
    assert store.failed == 0 and store.ran == 2 * 2 * 2
    analysis = analyse(tmp_path / "sweep")
    assert analysis.status["ok"] == 8
    assert make_figures(tmp_path / "sweep", formats=("png",)).written

    table = validate(2, facts=get_domain("toy").facts(), progress=False)
    assert list(table["fact"]) == ["toy_served_in_time"]
    assert np.isfinite(table["simulated"]).all()
    cuts = warmup_table(load_scenario(toy), replications=1, progress=False)
    assert len(cuts) == 2 and (cuts["mser5_days"] >= 0).all()


def test_an_unregistered_domain_is_refused_naming_the_registered_ones(toy):
    with pytest.raises(sim.ScenarioError, match=r"domain: got 'schools'.*'police'.*'toy'"):
        sim.experiments.scenario.validate({"domain": "schools"})
    unregister("toy")
    with pytest.raises(KeyError, match="hospital"):
        get_domain("toy")
