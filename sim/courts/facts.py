"""The published facts the Crown Court model is checked against (see `sim.validation`).

Each fact names the published figure and its source, the scenario and regime that put the
model in the same situation, a statistic computed from one replication's runs, and the
interval within which the simulated statistic counts as reproducing the fact.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from sim.validation.facts import Fact, of

COURTS = "scenarios/courts_time_to_trial.toml"


def withdrawal_rate_ratio(cases: pd.DataFrame, end: float) -> float:
    """Victim withdrawals per victim-year waited in the second year over the first.

    Exposure runs from receipt until the case ends (or the run does); a withdrawal counts in
    the year since receipt in which it happened.
    """
    victims = cases[cases["victim"]]
    start = victims["received_day"].to_numpy()
    stop = victims["completed_day"].fillna(end).to_numpy()
    withdrew = (victims["outcome"] == "victim withdrew").to_numpy()
    waited = (stop - start) / 365.0
    rates = []
    for first, last in ((0.0, 1.0), (1.0, 2.0)):
        exposure = np.clip(waited, first, last) - first
        events = withdrew & (waited >= first) & (waited < last)
        years = float(exposure.sum())
        rates.append(events.sum() / years if years > 0 else math.nan)
    return rates[1] / rates[0] if rates[0] else math.nan


FACTS: tuple[Fact, ...] = (
    Fact(
        "backlog_growth", "The Crown Court backlog grows when sitting days are capped "
        "(no target, % change over the year after the warm-up)",
        "41,045 (Mar 2020) to 67,284 (Dec 2023): about +14% a year", "Ministry of Justice "
        "criminal court statistics", COURTS, of("none", "backlog_growth_pct"), low=7.0,
        high=25.0, target=14.0, unit="%", note="the accepted band is about half to twice "
        "the published average rate, which moved from year to year (41,045 to 67,284 to "
        "79,619 by Sep 2025)",
        role="fitted",
    ),
    Fact(
        "backlog_over_1y", "Share of the backlog over a year old (no target)",
        "27% (Dec 2023)", "Ministry of Justice criminal court statistics", COURTS,
        of("none", "backlog_over_1y_pct"), low=20.0, high=35.0, target=27.0, unit="%",
    ),
    Fact(
        "ineffective_trials", "Ineffective trials, share of trials heard (no target)",
        "13-19% before 2020; 27% (Dec 2023)", "MoJ criminal court statistics", COURTS,
        of("none", "ineffective_trial_pct"), low=13.0, high=27.0, target=19.0, unit="%",
        role="fitted",
    ),
    Fact(
        "cracked_trials", "Cracked trials, share of trials heard (no target)",
        "~35% (2014/15), mostly late guilty pleas", "NAO 2016", COURTS,
        of("none", "cracked_trial_pct"), low=30.0, high=40.0, target=35.0, unit="%",
    ),
    Fact(
        "guilty_pleas", "Share of concluded cases ending in a guilty plea (no target)",
        "~70% of Crown Court defendants", "MoJ criminal court statistics", COURTS,
        of("none", "guilty_plea_pct"), low=65.0, high=75.0, target=70.0, unit="%",
        role="fitted",
    ),
    Fact(
        "withdrawal_rises_with_delay", "Victims withdraw more the longer cases wait "
        "(withdrawals per victim-year waited: second year over first)",
        "rape complainants withdrawing after charge: 2.8% (2019) to 7.3% (2024) as waits grew",
        "CPS data as reported", COURTS, of("none", "withdrawal_rate_ratio"), low=1.0,
        unit="ratio", note="the withdrawal hazard is an input that rises with delay; this "
        "checks it survives the case flow",
        role="input",
    ),
)
