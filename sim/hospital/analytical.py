"""The analytical twin: M/M/c (Erlang C) results and the A&E set-up that should match them.

With behaviour off, no target, one acuity, no admissions, constant Poisson arrivals,
exponential treatment and a constant number of clinicians, an ED is an M/M/c queue.
"""

from __future__ import annotations

import math

from sim.hospital.params import EDParams, HospitalParams


def erlang_c(servers: int, offered_load: float) -> float:
    """Probability an arrival waits in an M/M/c queue (Erlang C), load a = lambda/mu."""
    if offered_load >= servers:
        return 1.0
    term, total = 1.0, 1.0
    for k in range(1, servers):
        term *= offered_load / k
        total += term
    top = term * offered_load / servers / (1.0 - offered_load / servers)
    return top / (total + top)


def mmc_mean_wait(arrival_rate: float, mean_service: float, servers: int) -> float:
    """Mean time in queue Wq of an M/M/c queue (same time unit as the inputs)."""
    load = arrival_rate * mean_service
    if load >= servers:
        return math.inf
    return erlang_c(servers, load) * mean_service / (servers - load)


def mmc_params(arrivals_per_day: float, mean_service_min: float, servers: int) -> HospitalParams:
    """An A&E system that is exactly an M/M/c queue."""
    flat_acuity = [0.0, 0.0, 1.0, 0.0, 0.0]
    return HospitalParams(
        eds=[
            EDParams(
                name="mmc",
                arrivals_per_day=arrivals_per_day,
                ambulance_share=0.0,
                clinicians_peak=servers,
                cubicles=10 * servers + 100,
                beds=0,
                initial_bed_occupancy=0.0,
            )
        ],
        hour_profile=[1.0] * 24,
        weekday_profile=[1.0] * 7,
        seasonal_amplitude=0.0,
        acuity_mix_walkin=flat_acuity,
        acuity_mix_ambulance=flat_acuity,
        admit_prob=[0.0] * 5,
        treatment_mean_min=[mean_service_min] * 5,
        treatment_distribution="exponential",
        patience_mean_min=[math.inf] * 5,
        clinician_hour_profile=[1.0] * 24,
        burnout_absence_max=0.0,
        reattend_base=0.0,
    )
