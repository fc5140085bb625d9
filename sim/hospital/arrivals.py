"""Daily arrivals: non-homogeneous Poisson by hour, weekday, season and demand shocks.

All draws come from one dedicated generator consumed day by day and ED by ED in a fixed
order that nothing in the model's state can change, so the same seed gives the same
patients - arrival times, modes, acuities and every pre-drawn attribute - under every
regime (common random numbers).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from sim.hospital.params import EDParams, HospitalParams

MINUTES_PER_DAY = 1440.0


@dataclass(frozen=True)
class ArrivalBatch:
    """One ED's arrivals for one day, sorted by time, with pre-drawn attributes."""

    time_min: np.ndarray
    ambulance: np.ndarray
    acuity: np.ndarray
    admit: np.ndarray
    treatment_min: np.ndarray
    patience_min: np.ndarray
    los_min: np.ndarray
    u_lever: np.ndarray
    u_record: np.ndarray
    u_reattend: np.ndarray
    clinician: np.ndarray

    def before(self, end_min: float) -> ArrivalBatch:
        """The arrivals earlier than `end_min` (a run may end part-way through a day)."""
        keep = self.time_min < end_min
        if keep.all():
            return self
        return ArrivalBatch(**{k: v[keep] for k, v in vars(self).items()})


def demand_multiplier(params: HospitalParams, day: float) -> float:
    """Seasonal and shock multiplier of demand on simulated `day`."""
    day_of_year = (params.start_day_of_year + day) % 365.0
    season = 1.0 + params.seasonal_amplitude * math.cos(
        2.0 * math.pi * (day_of_year - params.peak_day_of_year) / 365.0
    )
    for shock in params.demand_shocks:
        if shock.start_day <= day < shock.end_day:
            season *= shock.multiplier
    return season


def _lognormal(rng: np.random.Generator, mean: np.ndarray, cv: float) -> np.ndarray:
    sigma2 = math.log(1.0 + cv * cv)
    mu = np.log(mean) - sigma2 / 2.0
    return rng.lognormal(mu, math.sqrt(sigma2))


class ArrivalGenerator:
    """Draws each day's patients for every ED from one seeded generator."""

    def __init__(self, params: HospitalParams, rng: np.random.Generator) -> None:
        """Prepare normalised profiles and per-acuity lookup arrays."""
        self.params = params
        self.rng = rng
        hours = np.asarray(params.hour_profile, dtype=float)
        self.hour_profile = hours / hours.mean()
        week = np.asarray(params.weekday_profile, dtype=float)
        self.weekday_profile = week / week.mean()
        self.mix = {
            False: np.cumsum(params.acuity_mix_walkin),
            True: np.cumsum(params.acuity_mix_ambulance),
        }
        self.admit_prob = np.asarray(params.admit_prob)
        self.treatment_mean = np.asarray(params.treatment_mean_min)
        self.patience_mean = np.asarray(params.patience_mean_min)

    def day(self, day: int, ed: EDParams, clinicians: int) -> ArrivalBatch:
        """Draw ED `ed`'s arrivals on simulated `day` (times in absolute minutes)."""
        rng, p = self.rng, self.params
        level = ed.arrivals_per_day * demand_multiplier(p, day) * self.weekday_profile[day % 7]
        counts = rng.poisson(level * self.hour_profile / 24.0)
        n = int(counts.sum())
        hour_of = np.repeat(np.arange(24), counts)
        times = np.sort(day * MINUTES_PER_DAY + (hour_of + rng.random(n)) * 60.0)
        ambulance = rng.random(n) < ed.ambulance_share
        u = rng.random(n)
        acuity = np.where(
            ambulance,
            np.searchsorted(self.mix[True], u * self.mix[True][-1], side="right"),
            np.searchsorted(self.mix[False], u * self.mix[False][-1], side="right"),
        )
        acuity = np.minimum(acuity, 4) + 1
        admit = rng.random(n) < self.admit_prob[acuity - 1]
        mean = self.treatment_mean[acuity - 1]
        if p.treatment_distribution == "exponential":
            treatment = rng.exponential(mean)
        else:
            treatment = _lognormal(rng, mean, p.treatment_cv)
        patience_mean = self.patience_mean[acuity - 1]
        finite = np.isfinite(patience_mean)
        patience = np.full(n, math.inf)
        patience[finite] = rng.exponential(patience_mean[finite])
        los = _lognormal(rng, np.full(n, p.los_mean_days), p.los_cv) * MINUTES_PER_DAY
        return ArrivalBatch(
            time_min=times,
            ambulance=ambulance,
            acuity=acuity,
            admit=admit,
            treatment_min=treatment,
            patience_min=patience,
            los_min=los,
            u_lever=rng.random(n),
            u_record=rng.random(n),
            u_reattend=rng.random(n),
            clinician=rng.integers(0, max(clinicians, 1), n),
        )
