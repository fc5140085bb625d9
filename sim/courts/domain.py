"""The Crown Court domain as the shared layers see it: one `Domain` (see `sim.domain`)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from sim.courts.agents import ALL_LEVERS
from sim.courts.histograms import histograms
from sim.courts.measures import MEASURES
from sim.courts.model import CourtModel
from sim.courts.params import CourtParams
from sim.domain import (
    MEASURED,
    SCENARIOS,
    TRUE,
    Domain,
    FigureSpec,
    Metric,
    Panel,
    Rate,
    Series,
    TableSpec,
    with_rates,
)
from sim.domain import lever_metrics as _lever_metrics

RECEIVED = "cases received after the warm-up, all centres"
AT_END = "cases awaiting trial at the end, all centres"
HEARD = "trials heard after the warm-up (effective, cracked, ineffective)"
PER_RUN = "all centres, cases received after the warm-up"
PERIODS = "centre-periods after the warm-up"

#: counts per run go beside a rate, so systems and runs of different sizes compare
PER_100_CONVICTIONS = Rate("convictions", 100.0, "100 convictions", "per_100_convictions")
PER_100_VERDICTS = Rate("verdicts", 100.0, "100 verdicts at trial", "per_100_verdicts")
PER_CENTRE_YEAR = Rate("centre_years", 1.0, "centre-year", "per_centre_year")

METRICS = (
    # measured ledger
    Metric("measured_mean_days_to_trial", "Mean time to trial, trials started", "days",
           "measured", "lower", "trials started after the warm-up"),
    Metric("regime_score", "Regime score (mean)", "0-1", "measured", "higher", PERIODS),
    Metric("regime_met_pct", "Periods a centre met its own regime's target", "%",
           "measured", "higher", PERIODS),
    # true ledger
    Metric("backlog_mean_age_days", "Mean age of cases awaiting trial", "days", "true",
           "lower", AT_END),
    Metric("backlog_cases", "Cases awaiting trial at the end", "cases", "true", "lower",
           "all centres"),
    Metric("backlog_growth_pct", "Growth of cases awaiting trial after the warm-up", "% change",
           "true", "lower", "cases awaiting trial at the end of the warm-up"),
    Metric("backlog_over_1y_pct", "Cases awaiting trial over a year", "%", "true", "lower",
           AT_END),
    Metric("backlog_over_2y_pct", "Cases awaiting trial over 2 years", "%", "true", "lower",
           AT_END),
    Metric("wrongful_convictions", "Wrongful convictions", "cases per run", "true", "lower",
           PER_RUN, rate=PER_100_CONVICTIONS),
    Metric("wrongful_sentence_years", "Sentences wrongly imposed", "years per run", "true",
           "lower", PER_RUN),
    Metric("wrongful_acquittals", "Wrongful acquittals", "cases per run", "true", "lower",
           PER_RUN, rate=PER_100_VERDICTS),
    Metric("victim_attrition_pct", "Victims withdrawing", "% of cases with a victim", "true",
           "lower", "cases with a victim received after the warm-up"),
    Metric("ineffective_trial_pct", "Ineffective trials", "% of trials heard", "true",
           "lower", HEARD),
    Metric("cracked_trial_pct", "Cracked trials", "% of trials heard", "true", "lower", HEARD),
    Metric("vacated_trial_pct", "Vacated listings", "% of listings", "true", "lower",
           "trials listed after the warm-up"),
    Metric("ctl_breaches", "Custody time limit breaches", "cases per run", "true", "lower",
           PER_RUN, rate=PER_CENTRE_YEAR),
    Metric("guilty_plea_pct", "Guilty pleas", "% of concluded cases", "true",
           denominator="cases concluded after the warm-up"),
    Metric("outcome_consistency", "Consistency of verdicts for similar cases", "0-1", "true",
           "higher", "verdicts of cases received after the warm-up"),
    Metric("victim_satisfaction", "Victim satisfaction", "0-1", "true", "higher",
           "victims of cases concluded after the warm-up"),
    Metric("appeals_allowed", "Appeals allowed", "cases per run", "true", "lower", PER_RUN,
           rate=PER_100_CONVICTIONS),
    Metric("trial_time_given_pct", "Trial time allowed of the time needed", "%", "true",
           "higher", "trials started after the warm-up"),
    Metric("sitting_days_funded", "Extra sitting days the funder paid for",
           "sitting days per year (all centres)", "measured",
           denominator="mean over periods after the warm-up", headline=False),
    Metric("extra_sitting_days", "Extra sitting days sat", "sitting days per run",
           "behaviour", denominator=PER_RUN, headline=False),
    # behaviour
    *_lever_metrics(ALL_LEVERS, "decision-makers holding the lever, periods after the warm-up"),
    # context, not printed by default
    Metric("cases", "Cases received after the warm-up", "cases per run", "true",
           denominator="all centres", headline=False),
    Metric("convictions", "Convictions (guilty pleas and verdicts)", "cases per run", "true",
           denominator="cases received after the warm-up", headline=False),
    Metric("verdicts", "Verdicts at trial (convicted or acquitted)", "cases per run", "true",
           denominator="cases received after the warm-up", headline=False),
    Metric("centre_years", "Centre-years counted", "centre-years per run", "true",
           denominator="centres x years after the warm-up", headline=False),
    Metric("effective_trial_pct", "Effective trials", "% of trials heard", "true", "higher",
           HEARD, headline=False),
    Metric("targets_revised", "Targets revised by the regime's reviews", "revisions per run",
           "measured"),
)  # fmt: skip

GAP_PANELS = (
    Panel((Series("measured_mean_days_to_trial", MEASURED, filled=False),),
          title="Mean time to trial,\ntrials started"),
    Panel((Series("backlog_mean_age_days", TRUE),), title="Mean age of cases\nawaiting trial"),
    Panel((Series("backlog_over_1y_pct", TRUE),), title="Cases awaiting trial\nover a year"),
)  # fmt: skip
HARM_PANELS = (
    Panel((Series("wrongful_convictions", "Wrongful convictions"),)),
    Panel((Series("wrongful_acquittals", "Wrongful acquittals"),)),
    Panel((Series("victim_attrition_pct", "Victim attrition"),),
          title="Victims withdrawing"),
    Panel((Series("backlog_over_1y_pct", "Backlog over 1 year"),),
          title="Cases awaiting trial\nover 1 year"),
    Panel((Series("backlog_over_2y_pct", "Backlog over 2 years"),),
          title="Cases awaiting trial\nover 2 years"),
)  # fmt: skip


def seconds_per_run(params: CourtParams, days: float) -> float:
    """About 50,000 cases a second on one core (benchmarks/bench_courts.py)."""
    return 0.05 + sum(c.receipts_per_day for c in params.centres) * days / 5e4


def events(params: CourtParams) -> list[tuple[str, float]]:
    """Each change of the sitting-day budget."""
    return [(f"sitting days x{change.factor:g}", change.day)
            for change in params.sitting_day_changes]  # fmt: skip


def bytes_per_run(params: CourtParams, days: float) -> float:
    """About 0.65 kB per case at the peak, rounded up to 1 kB (benchmarks/README.md)."""
    receipts = sum(c.receipts_per_day for c in params.centres) * days
    return 50e6 + 1e3 * (sum(c.initial_backlog for c in params.centres) + receipts)


def warmup_series(tables: Mapping[str, pd.DataFrame]) -> tuple[np.ndarray, float]:
    """The number of effective trials on each weekday; a value covers 7/5 days."""
    daily = tables["daily"]
    return daily.loc[daily["day"] % 7 < 5, "effective"].to_numpy(), 7.0 / 5.0


def _observe(tables: Mapping[str, pd.DataFrame], days: float) -> dict[str, float]:
    from sim.courts.facts import withdrawal_rate_ratio

    return {"withdrawal_rate_ratio": withdrawal_rate_ratio(tables["cases"], days)}


def _time_to_trial(folder, width="double"):
    from sim.courts.figures import time_to_trial

    return time_to_trial(folder, width=width)


def _facts() -> tuple:
    from sim.courts.facts import FACTS

    return FACTS


DOMAIN = Domain(
    name="courts",
    title="Crown Courts",
    params=CourtParams,
    simulate=CourtModel.simulate,
    scenario=SCENARIOS / "courts_time_to_trial.toml",
    model=CourtModel,
    levers=ALL_LEVERS,
    metrics=with_rates(METRICS),
    measures=MEASURES,
    tables=(TableSpec("cases", "one row per case received (and the initial backlog)",
                      streamed=True),
            TableSpec("daily", "one row per day: the backlog and the trials listed"),
            TableSpec("decisions", "one row per decision-maker per decision period"),
            TableSpec("periods", "one row per centre per decision period: both ledgers, "
                      "levers")),
    time_unit="days",
    seconds_per_run=seconds_per_run,
    bytes_per_run=bytes_per_run,
    events=events,
    histograms=histograms,
    sensitivity_output="backlog_over_1y_pct",
    warmup_series=warmup_series,
    observe=_observe,
    gap_panels=GAP_PANELS,
    harm_panels=HARM_PANELS,
    figures=(FigureSpec("time_to_trial", _time_to_trial),),
    facts=_facts,
    outcome="backlog_over_1y_pct",
    capacity="courts.capacity_scale",
    documentation="docs/courts_odd.md",
    app="sim.courts.app",
)  # fmt: skip
