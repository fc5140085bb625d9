"""Every printed number says what it is: units, sensible figures, rates, ranges, warnings."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest
from test_cli import write_tiny

import sim
from sim.cli import main, metrics_glossary
from sim.experiments.runner import ResultsWarning, run_warnings
from sim.experiments.stats import format_table, number, regime_table
from sim.registry import get_domain
from sim.validation.report import BEGIN, END

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(("value", "unit", "text"), [
    (2832.0, "patients per run", "2,832"), (85.7249, "deaths per run", "85.7"),
    (0.806, "deaths per 1,000 attendances", "0.806"), (97.864, "%", "97.9"),
    (-0.0004, "0-1", "0.000"), (-0.04, "percentage points", "0.0"), (9192.79, "minutes", "9,192.8"),
    (math.nan, "%", "-"),
])  # fmt: skip
def test_numbers_are_shown_to_suit_their_unit(value, unit, text):
    assert number(value, unit) == text


def _runs(values: dict[str, list[float]]) -> pd.DataFrame:
    n = len(next(iter(values.values())))
    return pd.DataFrame({"regime": ["kpi"] * n, "replication": range(n), **values})


def test_intervals_that_would_leave_the_range_are_clipped_and_marked():
    runs = _runs({"measured_4h_pct": [93.4, 99.9], "lever": [0.0, 0.7], "deaths": [3.0, 4.0]})
    text = format_table(regime_table(runs, ["measured_4h_pct", "lever", "deaths"]),
                        units={"measured_4h_pct": "%", "lever": "mean setting 0-1",
                               "deaths": "deaths per run"})  # fmt: skip
    assert "96.7 [55.4, 100.0]*" in text and "0.350 [0.000, 1.000]*" in text
    assert "* the t interval left the quantity's possible range" in text
    change = format_table(regime_table(_runs({"growth": [-12.0, 4.0]}), ["growth"]),
                          units={"growth": "% change"})  # a change takes either sign
    assert "-4.0 [-105.6, 97.6]" in change and "*" not in change.splitlines()[-1]
    one = format_table(regime_table(_runs({"deaths": [3.0]}), ["deaths"]),
                       units={"deaths": "deaths per run"})  # fmt: skip
    assert one.splitlines()[-1].split()[-1] == "3"  # a count of one run is a whole number


def test_counts_go_beside_a_rate_that_compares_runs_of_any_size():
    result = sim.run(ROOT / "scenarios" / "ae_four_hour.toml", days=40)
    summary = result.summary
    assert summary["excess_deaths_per_1000_attendances"] == pytest.approx(
        1000 * summary["excess_deaths"] / summary["patients"])
    catalogue = {m.name: m for m in get_domain("hospital").metrics}
    rate = catalogue["excess_deaths_per_1000_attendances"]
    assert rate.unit == "deaths per 1,000 attendances" and rate.better == "lower"
    courts = sim.run(ROOT / "scenarios" / "courts_time_to_trial.toml", days=200).summary
    assert courts["wrongful_convictions_per_100_convictions"] == pytest.approx(
        100 * courts["wrongful_convictions"] / courts["convictions"])
    assert courts["ctl_breaches_per_centre_year"] == pytest.approx(
        courts["ctl_breaches"] / (8 * (200 - 56) / 365))


def test_warnings_name_what_makes_results_weak():
    cut = sim.load_scenario(ROOT / "scenarios" / "courts_sitting_day_cut.toml")
    notes = run_warnings(cut, 90.0, replications=2)
    assert notes[0].startswith("2 replications")
    assert notes[1].startswith("only 2 decision periods of 14 days after the 56-day warm-up")
    assert notes[2] == ("the scenario's sitting days x0.8 on day 182 is after the end of the "
                        "90-day run: it never happens")  # fmt: skip
    assert run_warnings(cut, 365.0, replications=5) == []


def test_compare_warns_prints_revisions_and_explains_the_judged_rows(tmp_path, capsys):
    tiny = write_tiny(tmp_path)
    with pytest.warns(ResultsWarning, match="2 replications"):
        sim.compare(tiny, replications=2, progress=False)
    assert main(["compare", str(tiny), "--no-figures", "--out", str(tmp_path / "c")]) == 0
    printed = capsys.readouterr()
    assert "goodhart: warning: 2 replications" in printed.err
    assert "targets_revised" in printed.out and "revisions per run" in printed.out
    assert "judge each site by its own regime's rule and target" in printed.out
    assert "waits_12h_from_arrival_per_1000_attendances" in printed.out


def test_the_metrics_glossary_in_docs_is_up_to_date():
    text = (ROOT / "docs" / "metrics.md").read_text(encoding="utf-8")
    generated = text.split(BEGIN, 1)[1].split(END, 1)[0].strip("\n")
    expected = metrics_glossary().strip("\n")
    assert generated == expected, "run: goodhart metrics --doc docs/metrics.md"
    for name in sim.domain_names():
        for metric in get_domain(name).metrics:
            assert f"| `{metric.name}` |" in generated


@pytest.mark.parametrize("file", ["ae_four_hour.toml", "courts_time_to_trial.toml"])
def test_every_listed_parameter_can_be_set_by_its_name(file):
    """The list is the schema's: each name takes its own value back as an override."""
    from sim.experiments.scenario import with_overrides

    scenario = sim.load_scenario(ROOT / "scenarios" / file)
    table = sim.parameters(scenario)
    assert len(table) > 100 and table["name"].is_unique
    for name, value in zip(table["name"], table["value"], strict=True):
        assert with_overrides(scenario, {name: value}) == scenario, name
    bounded = table.set_index("name")
    row = bounded.loc["days"]
    assert (row["low"], row["high"], row["type"]) == (0.0, 36500.0, "float")


def test_params_lists_names_values_and_ranges(capsys):
    assert main(["params", str(ROOT / "scenarios" / "ae_four_hour.toml"), "--match",
                 "eds.3.beds"]) == 0  # fmt: skip
    line = capsys.readouterr().out.splitlines()[1].split()
    beds = sim.load_scenario(ROOT / "scenarios" / "ae_four_hour.toml").params.eds[3].beds
    assert line[:5] == ["hospital.eds.3.beds", str(beds), "int", "0", "to"]
