"""Run outputs: the per-case table and the run summary of both ledgers."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from sim.courts.agents import ALL_LEVERS
from sim.courts.flow import (
    ACQUITTED,
    CONVICTED,
    DONE,
    GUILTY_PLEA,
    OUTCOMES,
    WAITING,
    WITHDREW,
)
from sim.courts.measures import consistency, satisfaction
from sim.courts.params import OFFENCES


def cases_table(model) -> pd.DataFrame:
    """One row per case received (including any initial backlog)."""
    c = model.flow.cases
    names = [centre.name for centre in model.params.centres]
    return pd.DataFrame({
        "centre": pd.Categorical.from_codes(c["centre"], names),
        "received_day": c["received_day"], "offence": pd.Categorical.from_codes(
            c["offence"], OFFENCES), "custody": c["custody"], "victim": c["victim"],
        "evidence": c["evidence"], "true_guilty": c["true_guilty"],
        "ptph_day": c["ptph_day"], "first_listed_day": c["first_listed_day"],
        "trial_start_day": c["trial_start_day"], "completed_day": c["completed_day"],
        "outcome": pd.Categorical.from_codes(c["outcome"], OUTCOMES),
        "trial_days_needed": c["trial_days_needed"], "trial_days_given": c["trial_days_given"],
        "wrong_verdict": c["wrong_verdict"], "sentence_days": c["sentence_days"],
        "sentence_after_trial_days": c["sentence_full_days"],
        "listings": c["listings"], "vacated_listings": c["vacated"],
        "ineffective_listings": c["ineffective"], "cracked": c["cracked"],
        "late_plea": c["late_plea"],
        "ctl_breach": c["ctl_breach"], "appeal_allowed": c["appeal_allowed"],
        "warmup": c["received_day"] < model.warmup_days,
    })  # fmt: skip


def daily_table(model) -> pd.DataFrame:
    """One row per day: cases awaiting trial and the outcome of the trials listed that day."""
    days = int(model.days)
    return pd.DataFrame({"day": np.arange(days),
                         **{name: counts[:days] for name, counts in model.flow.daily.items()}})


def _pct(part: float, whole: float) -> float:
    return 100.0 * part / whole if whole else math.nan


def summarise(model) -> dict[str, float]:
    """Both ledgers at the end of the run; flows counted after the warm-up."""
    c, end = model.flow.cases, model.days
    after = c["received_day"] >= model.warmup_days
    state, outcome = c["state"], c["outcome"]
    waiting = state == WAITING  # awaiting trial: past the plea hearing, not yet tried
    ages = end - c["received_day"][waiting]
    started = np.isfinite(c["trial_start_day"]) & (c["trial_start_day"] >= model.warmup_days)
    delays = (c["trial_start_day"] - c["received_day"])[started]
    done = np.flatnonzero((state == DONE) & after)
    victims = after & c["victim"]
    tried = (outcome == CONVICTED) | (outcome == ACQUITTED)
    # flows in the measurement window, whenever the case was received (as MoJ counts them)
    window = slice(math.ceil(model.warmup_days), int(end))
    daily = {name: counts[window].sum() for name, counts in model.flow.daily.items()}
    heard = daily["effective"] + daily["cracked"] + daily["ineffective"]
    concluded = (state == DONE) & (c["completed_day"] >= model.warmup_days)
    backlog = model.flow.daily["backlog"][window]
    wrongful = c["wrong_verdict"] & after & ~c["true_guilty"]
    summary = {
        "cases": float(after.sum()),
        "convictions": float(np.sum(after & ((outcome == CONVICTED) | (outcome == GUILTY_PLEA)))),
        "verdicts": float(np.sum(after & tried)),
        "centre_years": len(model.params.centres) * max(end - model.warmup_days, 0.0) / 365.0,
        "measured_mean_days_to_trial": float(np.mean(delays)) if len(delays) else math.nan,
        "backlog_mean_age_days": float(np.mean(ages)) if len(ages) else math.nan,
        "backlog_cases": float(waiting.sum()),
        "backlog_over_1y_pct": _pct(np.sum(ages > 365), len(ages)),
        "backlog_over_2y_pct": _pct(np.sum(ages > 730), len(ages)),
        "backlog_growth_pct": _pct(backlog[-1] - backlog[0], backlog[0]) if len(backlog)
        else math.nan,
        "wrongful_convictions": float(np.sum(wrongful)),
        "wrongful_sentence_years": float(np.nansum(c["sentence_days"][wrongful]) / 365.0),
        "wrongful_acquittals": float(np.sum(c["wrong_verdict"] & after & c["true_guilty"])),
        "victim_attrition_pct": _pct(np.sum(victims & (outcome == WITHDREW)), victims.sum()),
        "effective_trial_pct": _pct(daily["effective"], heard),
        "ineffective_trial_pct": _pct(daily["ineffective"], heard),
        "cracked_trial_pct": _pct(daily["cracked"], heard),
        "vacated_trial_pct": _pct(daily["vacated"], heard + daily["vacated"]),
        "ctl_breaches": float(np.sum(c["ctl_breach"] & after)),
        "guilty_plea_pct": _pct(np.sum(concluded & (outcome == GUILTY_PLEA)), concluded.sum()),
        "outcome_consistency": consistency(c, done[tried[done]]),
        "victim_satisfaction": float(np.mean(satisfaction(c, done[c["victim"][done]],
                                                          model.params)))
        if c["victim"][done].any() else math.nan,
        "appeals_allowed": float(np.sum(c["appeal_allowed"] & after)),
        "sitting_days_funded": model.mean_funds(),
        "extra_sitting_days": float(model.flow.extra_sittings[window].sum()),
        "trial_time_given_pct": _pct(np.nansum(c["trial_days_given"][started]),
                                     np.nansum(c["trial_days_needed"][started])),
    }  # fmt: skip
    summary.update(model.lever_means([lever.name for lever in ALL_LEVERS]))
    summary.update(model.regime_means(per_measure=False))
    return summary
