"""The measure catalogue: what a regime can watch, computed on both ledgers.

Each measure is computed twice for the same patients: from the measured ledger (the
clock as recorded, surveys as sampled) and from the true ledger (time from the door to a
bed or home, every patient's experience, staff burnout as it is).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from operator import itemgetter

import numpy as np

from sim.hospital.params import HospitalParams
from sim.regimes import MeasureDefinition, MeasureSpec, measure_key

MEASURES = (
    MeasureDefinition("share_within", "share of attendances whose clock ran no longer than "
                      "`within` minutes", share=True, needs_within=True, within_unit="minutes"),
    MeasureDefinition("mean_wait_min", "mean time in department, minutes"),
    MeasureDefinition("trolley_waits_12h", "share of admitted patients who waited over 12 "
                      "hours from the recorded decision to admit (trolley waits)", share=True),
    MeasureDefinition("patient_experience", "share of patients rating their care good "
                      "(survey of a sample)", qualitative=True, share=True),
    MeasureDefinition("staff_burnout", "staff burnout index, 0-1 (survey of a sample)",
                      qualitative=True, share=True),
)  # fmt: skip


CLOCK_MEASURES = frozenset({"share_within", "mean_wait_min"})  # read off the recorded clock
TROLLEY_WAIT_MIN = 720.0  # the 12-hour trolley-wait standard (NHS England)


@dataclass(frozen=True)
class Episodes:
    """Per-patient values of a group of departed patients, on both ledgers."""

    measured_min: np.ndarray
    true_min: np.ndarray
    experience: np.ndarray
    quality: np.ndarray
    clinician: np.ndarray
    from_decision_min: np.ndarray  # admitted: departure minus the recorded decision; else NaN
    true_from_decision_min: np.ndarray  # admitted: departure minus the decision as made

    @classmethod
    def gather(cls, cols: dict[str, list], pids: Sequence[int], params: HospitalParams):
        """Collect the episodes of patients `pids` from the flow's columns."""
        take = itemgetter(*pids) if pids else None

        def col(name: str) -> np.ndarray:
            if take is None:
                return np.empty(0)
            return np.asarray(take(cols[name]) if len(pids) > 1 else [take(cols[name])], float)

        arrival = col("arrival_min")
        true_min = col("left_ed_min") - arrival
        measured = col("clock_stop_min") - col("clock_start_min")
        experience = patient_experience(params, true_min, col("corridor_min"), col("incomplete"))
        wait_to_see = np.nan_to_num(col("treatment_start_min") - arrival, nan=0.0)
        urgent = col("acuity") <= 2
        harm = params.harm_weight_urgent_wait_hour * urgent * wait_to_see / 60.0
        quality = np.clip(experience - harm, 0.0, 1.0)
        left = col("left_ed_min")
        recorded = col("decision_recorded_min")
        made = np.where(np.isnan(recorded), np.nan, col("decision_min"))
        return cls(measured, true_min, experience, quality, col("clinician").astype(int),
                   left - recorded, left - made)  # fmt: skip

    def subset(self, mask: np.ndarray) -> Episodes:
        """The episodes selected by a boolean mask."""
        return Episodes(
            self.measured_min[mask], self.true_min[mask], self.experience[mask],
            self.quality[mask], self.clinician[mask], self.from_decision_min[mask],
            self.true_from_decision_min[mask],
        )  # fmt: skip


def patient_experience(
    params: HospitalParams,
    true_min: np.ndarray,
    corridor_min: np.ndarray,
    incomplete: np.ndarray,
) -> np.ndarray:
    """Chance each patient rates care good, from their true stay, corridor time and care."""
    over_hours = np.maximum(true_min - params.report_threshold_min, 0.0) / 60.0
    value = (
        params.experience_base
        - params.experience_loss_per_hour * over_hours
        - params.experience_loss_corridor_hour * corridor_min / 60.0
        - params.experience_loss_incomplete * incomplete
    )
    return np.clip(value, 0.0, 1.0)


def _survey(rng: np.random.Generator, episodes: Episodes, size: int, curation: float) -> float:
    """Sampled patient-experience score; curation steers respondents to short stays."""
    draws = rng.random((4, size))  # a fixed number of draws keeps streams aligned
    n = len(episodes.experience)
    if n == 0:
        return math.nan
    pick = np.minimum((draws[0] * n).astype(int), n - 1)
    steered = draws[1] < curation
    if steered.any():
        short = np.argsort(episodes.true_min, kind="stable")[: max(1, n // 2)]
        index = np.minimum((draws[2] * len(short)).astype(int), len(short) - 1)
        pick[steered] = short[index[steered]]
    return float(np.mean(draws[3] < episodes.experience[pick]))


def measure_values(
    specs: Sequence[MeasureSpec],
    episodes: Episodes,
    burnout: float,
    params: HospitalParams,
    rng: np.random.Generator | None,
    curation: float = 0.0,
) -> tuple[dict[str, float], dict[str, float]]:
    """Values of each measure on the measured and on the true ledger.

    `rng` draws the survey samples (it may be None if no survey measure is asked for).
    """
    measured: dict[str, float] = {}
    true: dict[str, float] = {}
    empty = len(episodes.measured_min) == 0
    for spec in specs:
        key = measure_key(spec)
        if spec.measure == "share_within":
            measured[key] = (
                math.nan if empty else float(np.mean(episodes.measured_min <= spec.within))
            )
            true[key] = math.nan if empty else float(np.mean(episodes.true_min <= spec.within))
        elif spec.measure == "mean_wait_min":
            measured[key] = math.nan if empty else float(np.mean(episodes.measured_min))
            true[key] = math.nan if empty else float(np.mean(episodes.true_min))
        elif spec.measure == "trolley_waits_12h":
            admitted = ~np.isnan(episodes.from_decision_min)
            for ledger, waits in ((measured, episodes.from_decision_min),
                                  (true, episodes.true_from_decision_min)):  # fmt: skip
                ledger[key] = float(np.mean(waits[admitted] > TROLLEY_WAIT_MIN)) \
                    if admitted.any() else math.nan
        elif spec.measure == "patient_experience":
            measured[key] = _survey(rng, episodes, params.survey_size, curation)
            true[key] = math.nan if empty else float(np.mean(episodes.experience))
        elif spec.measure == "staff_burnout":
            size = params.staff_survey_size
            measured[key] = float(np.mean(rng.random(size) < burnout))
            true[key] = burnout
    return measured, true
