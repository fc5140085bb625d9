"""Run outputs: the per-crime table, the daily counts and the run summary of both ledgers."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from sim.police.agents import ALL_LEVERS
from sim.police.flow import CHARGED, FILED, OUT_OF_COURT, OUTCOMES
from sim.police.measures import satisfaction
from sim.police.params import CRIME_TYPES
from sim.service import named_streams

SURVEY_STREAM = "crime_survey"  # the summary's victim-survey estimates (restarted each call)
SURVEY_PERIOD_DAYS = 91.0  # the survey's estimates are quarterly (CSEW reports rolling years)


def crimes_table(model) -> pd.DataFrame:
    """One row per crime that happened (prevented crimes are not rows)."""
    c = model.flow.crimes
    rows = np.flatnonzero(c["occurred"])
    names = [force.name for force in model.params.forces]
    return pd.DataFrame({
        "force": pd.Categorical.from_codes(c["force"][rows], names),
        "day": c["day"][rows],
        "type": pd.Categorical.from_codes(c["type"][rows], CRIME_TYPES),
        "serious": c["serious"][rows], "repeat": c["repeat"][rows],
        "reported": c["reported"][rows], "recorded": c["recorded"][rows],
        "gamed": c["gamed"][rows], "downgraded": c["downgraded"][rows],
        "contacted": c["contacted"][rows],
        "outcome": pd.Categorical.from_codes(c["outcome"][rows], OUTCOMES),
        "outcome_day": c["outcome_day"][rows],
        "warmup": c["day"][rows] < model.warmup_days,
    })  # fmt: skip


def daily_table(model) -> pd.DataFrame:
    """One row per force per day: crimes, reports, recording and outcomes."""
    days = int(model.days)
    names = [force.name for force in model.params.forces]
    frames = [
        pd.DataFrame({"day": np.arange(days), "force": name,
                      **{k: counts[:days, i] for k, counts in model.flow.daily.items()}})
        for i, name in enumerate(names)
    ]  # fmt: skip
    return pd.concat(frames, ignore_index=True)


def _pct(part: float, whole: float) -> float:
    return 100.0 * part / whole if whole else math.nan


def survey_change(model, before: float, after: float) -> float:
    """The victim survey's estimate of the change in crime, % (its own sampling error).

    Each force's quarterly estimate has relative error `survey_rse`; a window's estimate
    averages them (error falling with the square root of the estimates); the draws come
    from a stream of their own, restarted on each call.
    """
    if not before or not math.isfinite(before):
        return math.nan
    rng = named_streams(model.settings.seed, (SURVEY_STREAM,))[SURVEY_STREAM]
    z = rng.standard_normal(2)
    forces = len(model.params.forces)
    warm = max(model.warmup_days, 1.0)
    rse = [model.params.survey_rse / math.sqrt(forces * max(1.0, span / SURVEY_PERIOD_DAYS))
           for span in (warm, model.days - model.warmup_days)]  # fmt: skip
    estimate_before = before * max(0.0, 1.0 + rse[0] * z[0])
    estimate_after = after * max(0.0, 1.0 + rse[1] * z[1])
    return _pct(estimate_after - estimate_before, estimate_before)


def summarise(model) -> dict[str, float]:
    """Both ledgers at the end of the run; flows counted after the warm-up."""
    c, p = model.flow.crimes, model.params
    end, warm = model.days, model.warmup_days
    occurred = c["occurred"]
    after = occurred & (c["day"] >= warm)
    before = occurred & (c["day"] < warm)
    counted, warm_days = max(end - warm, 1e-9), max(warm, 1e-9)
    reported = after & c["reported"]
    recorded = after & c["recorded"]
    kind = c["type"]
    acquisitive = (kind == 2) | (kind == 3)  # burglary, theft
    window = slice(math.ceil(warm), int(end))
    daily = {name: int(counts[window].sum()) for name, counts in model.flow.daily.items()}
    charged_after = (c["outcome"] == CHARGED) & (c["outcome_day"] >= warm)
    serious_reported = reported & c["serious"]
    serious_recorded = recorded & c["serious"] & ~c["downgraded"]
    out_of_court = daily["out_of_court"]
    detections = daily["charged"] + out_of_court
    crimes_before = before.sum() / warm_days
    crimes_after = after.sum() / counted
    recorded_before = np.sum(before & c["recorded"]) / warm_days
    recorded_after = recorded.sum() / counted
    victims = np.flatnonzero(reported)
    summary = {
        "crimes": float(after.sum()),
        "reports": float(reported.sum()),
        "force_years": len(p.forces) * counted / 365.0,
        # measured
        "recorded_per_day": recorded_after,
        "recorded_change_pct": _pct(recorded_after - recorded_before, recorded_before),
        "detections_per_day": (detections + daily["write_offs"]) / counted,
        "out_of_court": float(out_of_court),
        "violence_out_of_court": float(np.sum(after & (kind == 0)
                                              & (c["outcome"] == OUT_OF_COURT))),
        "out_of_court_pct": _pct(out_of_court, detections + daily["write_offs"]),
        "write_offs": float(daily["write_offs"]),
        "measured_serious_charge_rate_pct": _pct(np.sum(serious_recorded & charged_after),
                                                 serious_recorded.sum()),
        # true
        "crimes_per_day": crimes_after,
        "true_change_pct": _pct(crimes_after - crimes_before, crimes_before),
        "survey_change_pct": survey_change(model, crimes_before, crimes_after),
        "true_detections_per_day": detections / counted,
        "unrecorded_pct": _pct(np.sum(reported & ~c["recorded"]), reported.sum()),
        "unrecorded_violence_pct": _pct(np.sum(reported & ~c["recorded"] & (kind == 0)),
                                        np.sum(reported & (kind == 0))),
        "unrecorded_acquisitive_pct": _pct(np.sum(reported & ~c["recorded"] & acquisitive),
                                           np.sum(reported & acquisitive)),
        "unrecorded_sexual_pct": _pct(np.sum(reported & ~c["recorded"] & (kind == 1)),
                                      np.sum(reported & (kind == 1))),
        "gamed_unrecorded_pct": _pct(np.sum(reported & c["gamed"]), reported.sum()),
        "downgraded_pct": _pct(np.sum(recorded & c["downgraded"]),
                               np.sum(recorded & c["serious"])),
        "serious_charge_rate_pct": _pct(np.sum(serious_reported & charged_after),
                                        serious_reported.sum()),
        "serious_charged": float(np.sum(serious_reported & charged_after)),
        "filed_pct": _pct(np.sum(recorded & (c["outcome"] == FILED)), recorded.sum()),
        "victim_satisfaction": float(np.mean(satisfaction(c, victims, p))) if len(victims)
        else math.nan,
        "victims_contacted_pct": _pct(np.sum(recorded & c["contacted"]), recorded.sum()),
        "repeat_crime_pct": _pct(np.sum(after & c["repeat"]), after.sum()),
        "quick_disposals_of_minor_pct": _pct(
            np.sum(recorded & ~c["serious"] & (c["outcome"] == OUT_OF_COURT)),
            np.sum(recorded & ~c["serious"])),
    }  # fmt: skip
    summary["recording_gap_pts"] = summary["survey_change_pct"] - summary["recorded_change_pct"]
    summary.update(model.lever_means([lever.name for lever in ALL_LEVERS]))
    summary.update(model.regime_means(per_measure=False))
    return summary
