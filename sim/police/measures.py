"""The police measure catalogue, computed on both ledgers for one force's period."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from sim.police.flow import CHARGED, OUT_OF_COURT, CrimeTable
from sim.police.params import PoliceParams
from sim.regimes import MeasureDefinition, MeasureSpec, measure_key

MEASURES = (
    MeasureDefinition("recorded_crime", "crimes recorded per day this period (the true "
                      "ledger: crimes reported per day, all of which should be recorded)"),
    MeasureDefinition("detections", "offences brought to justice per day this period: "
                      "charges, cautions and penalty notices, and (measured only) "
                      "offences written off"),
    MeasureDefinition("survey_crime", "crimes per day as a victim survey estimates them "
                      "(sampling error, independent of recording)", qualitative=True),
    MeasureDefinition("victim_satisfaction", "share of victims satisfied, victims of crimes "
                      "recorded this period (survey)", qualitative=True, share=True),
    MeasureDefinition("recording_integrity", "share of reports correctly recorded, as a "
                      "recording audit of a sample finds it", share=True),
    MeasureDefinition("serious_charge_rate", "charges of serious crimes over serious crimes "
                      "recorded this period (the true ledger: over serious crimes reported)",
                      share=True),
)  # fmt: skip


@dataclass(frozen=True)
class Period:
    """One force's crimes and outcomes in a decision period."""

    crimes: np.ndarray  # rows of the crimes that happened in the period
    days: float  # the period's length
    charged: int  # charges made in the period
    out_of_court: int  # cautions and penalty notices given in the period
    write_offs: int  # detections claimed with no investigation in the period
    serious_charged: int  # charges in the period of crimes that were serious
    serious_recorded_charged: int  # ... of crimes recorded as serious


def satisfaction(crimes: CrimeTable, rows: np.ndarray, params: PoliceParams) -> np.ndarray:
    """Chance each reporting victim is satisfied: contact and an outcome help, no record hurts."""
    outcome = crimes["outcome"][rows]
    done = (outcome == CHARGED) | (outcome == OUT_OF_COURT)
    value = (
        params.satisfaction_base
        + params.satisfaction_contact * crimes["contacted"][rows]
        + params.satisfaction_outcome * done
        - params.satisfaction_unrecorded * ~crimes["recorded"][rows]
    )
    return np.clip(value, 0.0, 1.0)


def measure_values(
    specs: Sequence[MeasureSpec],
    crimes: CrimeTable,
    period: Period,
    params: PoliceParams,
    rng: np.random.Generator,
) -> tuple[dict[str, float], dict[str, float]]:
    """Values of each measure on the measured and the true ledger for one force's period."""
    measured: dict[str, float] = {}
    true: dict[str, float] = {}
    rows, days = period.crimes, max(period.days, 1e-9)
    reported = rows[crimes["reported"][rows]]
    recorded = rows[crimes["recorded"][rows]]
    for spec in specs:
        key = measure_key(spec)
        if spec.measure == "recorded_crime":
            measured[key] = len(recorded) / days
            true[key] = len(reported) / days
        elif spec.measure == "detections":
            true[key] = (period.charged + period.out_of_court) / days
            measured[key] = true[key] + period.write_offs / days
        elif spec.measure == "survey_crime":
            true[key] = len(rows) / days
            z = rng.standard_normal()  # one draw whatever happens
            measured[key] = true[key] * max(0.0, 1.0 + params.survey_rse * z)
        elif spec.measure == "victim_satisfaction":
            draws = rng.random((2, params.survey_size))
            chances = satisfaction(crimes, recorded, params)
            if len(recorded):
                pick = np.minimum((draws[0] * len(recorded)).astype(int), len(recorded) - 1)
                measured[key] = float(np.mean(draws[1] < chances[pick]))
                true[key] = float(np.mean(satisfaction(crimes, reported, params)))
            else:
                measured[key] = true[key] = math.nan
        elif spec.measure == "recording_integrity":
            draws = rng.random(params.audit_sample)
            correct = crimes["recorded"][reported] & ~crimes["downgraded"][reported]
            if len(reported):
                pick = np.minimum((draws * len(reported)).astype(int), len(reported) - 1)
                measured[key] = float(np.mean(correct[pick]))
                true[key] = float(np.mean(correct))
            else:
                measured[key] = true[key] = math.nan
        elif spec.measure == "serious_charge_rate":
            serious = int(np.sum(crimes["serious"][reported]))
            as_recorded = int(np.sum(crimes["serious"][recorded] & ~crimes["downgraded"][recorded]))
            true[key] = period.serious_charged / serious if serious else math.nan
            measured[key] = (period.serious_recorded_charged / as_recorded if as_recorded
                             else math.nan)  # fmt: skip
    return measured, true
