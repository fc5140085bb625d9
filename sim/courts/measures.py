"""The court measure catalogue, computed on both ledgers for a scope of cases."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from sim.courts.flow import ACQUITTED, CONVICTED, DISCONTINUED, DONE, WITHDREW, CaseTable
from sim.courts.params import CourtParams
from sim.regimes import MeasureDefinition, MeasureSpec, measure_key

MEASURES = (
    MeasureDefinition("mean_days_to_trial", "mean days from receipt to the start of trials "
                      "started this period"),
    MeasureDefinition("backlog_change", "cases awaiting trial now over cases awaiting trial "
                      "at the start"),
    MeasureDefinition("victim_satisfaction", "share of victims satisfied, cases concluded "
                      "this period (survey)", qualitative=True, share=True),
    MeasureDefinition("outcome_consistency", "share of verdicts matching the usual verdict "
                      "for the same offence and evidence strength", share=True),
)  # fmt: skip


def satisfaction(cases: CaseTable, index: np.ndarray, params: CourtParams) -> np.ndarray:
    """Chance each victim is satisfied, from the wait and whether the case reached a verdict."""
    years = (cases["completed_day"][index] - cases["received_day"][index]) / 365.0
    outcome = cases["outcome"][index]
    no_trial = (outcome == WITHDREW) | (outcome == DISCONTINUED)
    value = (
        params.satisfaction_base
        - params.satisfaction_loss_per_year * years
        - params.satisfaction_loss_no_trial * no_trial
    )
    return np.clip(value, 0.0, 1.0)


def consistency(cases: CaseTable, index: np.ndarray) -> float:
    """Share of verdicts equal to the commonest verdict among similar cases.

    Similar: the same offence and evidence strength (in fifths).
    """
    outcome = cases["outcome"][index]
    tried = index[(outcome == CONVICTED) | (outcome == ACQUITTED)]
    if len(tried) == 0:
        return math.nan
    group = cases["offence"][tried] * 10 + np.minimum((cases["evidence"][tried] * 5).astype(int), 4)
    convicted = cases["outcome"][tried] == CONVICTED
    agree = 0
    for g in np.unique(group):
        votes = convicted[group == g]
        agree += max(votes.sum(), len(votes) - votes.sum())
    return agree / len(tried)


def measure_values(
    specs: Sequence[MeasureSpec],
    cases: CaseTable,
    started: np.ndarray,
    concluded: np.ndarray,
    waiting: np.ndarray,
    backlog_ratio: float,
    day: float,
    params: CourtParams,
    rng: np.random.Generator,
) -> tuple[dict[str, float], dict[str, float]]:
    """Values of each measure on the measured and the true ledger.

    `started`: trials started this period; `concluded`: cases concluded this period;
    `waiting`: cases awaiting trial now (all in the scope).
    """
    measured: dict[str, float] = {}
    true: dict[str, float] = {}
    for spec in specs:
        key = measure_key(spec)
        if spec.measure == "mean_days_to_trial":
            delays = cases["trial_start_day"][started] - cases["received_day"][started]
            measured[key] = float(np.mean(delays)) if len(delays) else math.nan
            ages = day - cases["received_day"][waiting]
            true[key] = float(np.mean(np.concatenate([delays, ages]))) if (
                len(delays) + len(ages)) else math.nan  # fmt: skip
        elif spec.measure == "backlog_change":
            measured[key] = true[key] = backlog_ratio
        elif spec.measure == "victim_satisfaction":
            victims = concluded[cases["victim"][concluded]]
            chances = satisfaction(cases, victims, params)
            draws = rng.random((2, params.survey_size))  # a fixed number of draws
            if len(victims):
                pick = np.minimum((draws[0] * len(victims)).astype(int), len(victims) - 1)
                measured[key] = float(np.mean(draws[1] < chances[pick]))
                true[key] = float(np.mean(chances))
            else:
                measured[key] = true[key] = math.nan
        elif spec.measure == "outcome_consistency":
            measured[key] = true[key] = consistency(cases, concluded)
    return measured, true


def done_in(cases: CaseTable, start: float, end: float) -> np.ndarray:
    """Cases concluded in (start, end]."""
    completed = cases["completed_day"]
    return np.flatnonzero((cases["state"] == DONE) & (completed > start) & (completed <= end))
