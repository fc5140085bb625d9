"""The A&E domain as the shared layers see it: one `Domain` object (see `sim.domain`)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from sim.domain import (
    MEASURED,
    SCENARIOS,
    TRUE,
    Domain,
    FigureSpec,
    GainSplit,
    Metric,
    Panel,
    Rate,
    Series,
    TableSpec,
    with_rates,
)
from sim.domain import lever_metrics as _lever_metrics
from sim.hospital.agents import ALL_LEVERS
from sim.hospital.arrivals import MINUTES_PER_DAY
from sim.hospital.histograms import histograms
from sim.hospital.measures import MEASURES
from sim.hospital.model import HospitalModel
from sim.hospital.params import HospitalParams

ATTENDANCES = "attendances after the warm-up, all EDs"
DEPARTURES = "departures after the warm-up, all EDs"
PER_RUN = "all EDs over the days after the warm-up"
PERIODS = "ED-periods after the warm-up"

#: counts per run go beside their rate per 1,000 attendances (patients after the warm-up)
PER_1000 = Rate("patients", 1000.0, "1,000 attendances", "per_1000_attendances")

METRICS = (
    # measured ledger
    Metric("measured_4h_pct", "Left A&E within 4 hours, as recorded", "%", "measured",
           "higher", ATTENDANCES),
    Metric("mean_measured_min", "Mean time in department, as recorded", "minutes", "measured",
           "lower", DEPARTURES),
    Metric("regime_score", "Regime score (mean)", "0-1", "measured", "higher", PERIODS),
    Metric("regime_met_pct", "Periods an ED met its own regime's target", "%", "measured",
           "higher", PERIODS),
    Metric("gap_4h_pct", "Gap: recorded minus true share within 4 hours",
           "percentage points", "measured", "lower", ATTENDANCES),
    # true ledger
    Metric("true_4h_pct", "Left A&E within 4 hours, door to bed or home", "%", "true",
           "higher", ATTENDANCES),
    Metric("mean_true_min", "Mean time in department, door to bed or home", "minutes",
           "true", "lower", DEPARTURES),
    Metric("waits_12h_from_arrival", "12-hour waits counted from arrival",
           "patients per run", "true", "lower", PER_RUN, rate=PER_1000),
    Metric("waits_12h_from_decision", "12-hour waits counted from the decision to admit as "
           "recorded (the official trolley-wait count)", "patients per run", "measured",
           "lower", PER_RUN, rate=PER_1000),
    Metric("waits_12h_from_decision_true", "12-hour waits counted from the decision to "
           "admit as made", "patients per run", "true", "lower", PER_RUN, headline=False),
    Metric("arrival_to_decision_min", "Arrival to decision to admit, admitted patients",
           "minutes", "true", "lower", "admitted patients after the warm-up", headline=False),
    Metric("survey_4h_pct", "Left A&E within 4 hours, as patients report it in a survey "
           "(from arrival, recalled with error)", "%", "true", "higher",
           "a sample of departures after the warm-up", headline=False),
    Metric("official_vs_survey_pct", "Official return minus patient survey, within 4 hours",
           "percentage points", "measured", "lower", ATTENDANCES, headline=False),
    Metric("corridor_hours", "Corridor care", "patient-hours per run", "true", "lower",
           PER_RUN, rate=PER_1000),
    Metric("excess_deaths", "Excess deaths among admitted patients", "deaths per run",
           "true", "lower", PER_RUN, rate=PER_1000),
    Metric("reattendances", "Re-attendances after an early discharge", "patients per run",
           "true", "lower", PER_RUN, rate=PER_1000),
    Metric("ambulance_handover_over_60_pct", "Ambulance handovers over 60 minutes", "%",
           "true", "lower", "ambulance arrivals after the warm-up"),
    Metric("urgent_wait_to_see_min", "Wait to be seen, acuity 1-2", "minutes", "true",
           "lower", "acuity 1-2 arrivals after the warm-up"),
    Metric("left_unseen_pct", "Left without being seen", "%", "true", "lower", ATTENDANCES),
    Metric("patient_experience", "Patient experience (chance of rating care good)", "0-1",
           "true", "higher", DEPARTURES),
    Metric("staff_burnout", "Staff burnout index", "0-1", "true", "lower",
           "EDs and days after the warm-up"),
    # behaviour
    Metric("gaming_prevalence_pct", "Patients gamed (held, clock stopped, discharged early "
           "or mis-recorded)", "%", "behaviour", "lower", ATTENDANCES),
    Metric("misrecorded_pct", "Patients whose departure time was falsified (fraud)", "%",
           "behaviour", "lower", ATTENDANCES, headline=False),
    Metric("clock_aim_min", "Clock point the managers aim their clock levers at (learned)",
           "minutes", "behaviour", "neither", "managers, periods after the warm-up",
           headline=False),
    *_lever_metrics(ALL_LEVERS, "decision-makers holding the lever, periods after the warm-up"),
    # context, not printed by default
    Metric("patients", "Patients arriving after the warm-up", "patients per run", "true",
           denominator=PER_RUN, headline=False),
    Metric("admitted_pct", "Admitted", "%", "true", denominator=ATTENDANCES, headline=False),
    Metric("in_department_at_end", "Still in the department at the end", "patients", "true",
           denominator=PER_RUN, headline=False),
    Metric("ambulance_handover_over_30_pct", "Ambulance handovers over 30 minutes", "%",
           "true", "lower", "ambulance arrivals after the warm-up", headline=False),
    Metric("bed_occupancy_pct", "Inpatient bed occupancy", "%", "true",
           denominator="EDs and days after the warm-up", headline=False),
    Metric("surge_beds_funded", "Escalation beds the funder paid for", "beds (all EDs)",
           "measured", denominator="mean over periods after the warm-up", headline=False),
    Metric("surge_bed_days", "Escalation beds opened", "bed-days per run", "behaviour",
           denominator=PER_RUN, headline=False),
    Metric("last20_admitted_pct", "Admitted patients leaving at 220-240 minutes, as recorded",
           "%", "measured", denominator="admitted departures", headline=False),
    Metric("prior20_admitted_pct", "Admitted patients leaving at 200-220 minutes, as "
           "recorded", "%", "measured", denominator="admitted departures", headline=False),
    Metric("last20_discharged_pct", "Discharged patients leaving at 220-240 minutes, as "
           "recorded", "%", "measured", denominator="discharged departures", headline=False),
    Metric("prior20_discharged_pct", "Discharged patients leaving at 200-220 minutes, as "
           "recorded", "%", "measured", denominator="discharged departures", headline=False),
    Metric("targets_revised", "Targets revised by the regime's reviews", "revisions per run",
           "measured"),
)  # fmt: skip

GAP_PANELS = (
    Panel((Series("measured_4h_pct", MEASURED, filled=False), Series("true_4h_pct", TRUE)),
          title="Left A&E within 4 hours", short_title="Left A&E within\n4 hours"),
    Panel((Series("mean_measured_min", MEASURED, filled=False),
           Series("mean_true_min", TRUE)),
          title="Mean time in department", short_title="Mean time in\ndepartment"),
    Panel((Series("gap_4h_pct", "Gap", marker="D"),),
          title="Gap: measured \u2212 true\nwithin 4 hours", zero_line=True),
)  # fmt: skip
HARM_PANELS = (
    Panel((Series("excess_deaths", "Excess deaths"),),
          title="Excess deaths among\nadmitted patients",
          short_title="Excess deaths, admitted\npatients"),
    Panel((Series("corridor_hours", "Corridor hours"),), title="Corridor care"),
    Panel((Series("waits_12h_from_arrival", "12-hour waits from arrival"),),
          title="12-hour waits from arrival", short_title="12-hour waits from\narrival"),
    Panel((Series("waits_12h_from_decision", "12-hour waits from decision to admit"),),
          title="12-hour waits from decision\nto admit",
          short_title="12-hour waits from\ndecision to admit"),
)  # fmt: skip


def seconds_per_run(params: HospitalParams, days: float) -> float:
    """About 60,000 episodes a second on one core (benchmarks/README.md)."""
    return 0.05 + sum(ed.arrivals_per_day for ed in params.eds) * days / 6e4


def events(params: HospitalParams) -> list[tuple[str, float]]:
    """Each demand shock's start."""
    return [(f"demand shock x{shock.multiplier:g}", shock.start_day)
            for shock in params.demand_shocks]  # fmt: skip


def bytes_per_run(params: HospitalParams, days: float) -> float:
    """About 0.9 kB per patient at the peak, rounded up to 1 kB (benchmarks/README.md)."""
    return 50e6 + 1e3 * sum(ed.arrivals_per_day for ed in params.eds) * days


def warmup_series(tables: Mapping[str, pd.DataFrame]) -> tuple[np.ndarray, float]:
    """The mean true time in department of each day's arrivals (minutes), one per day."""
    patients = tables["patients"]
    day = (patients["arrival_min"] // MINUTES_PER_DAY).astype(int)
    return patients.assign(day=day).groupby("day")["true_min"].mean().to_numpy(), 1.0


def _time_in_department(folder, width="double"):
    from sim.hospital.figures import time_in_department

    return time_in_department(folder, width=width)


def _facts() -> tuple:
    from sim.hospital.facts import FACTS

    return FACTS


DOMAIN = Domain(
    name="hospital",
    title="A&E",
    params=HospitalParams,
    simulate=HospitalModel.simulate,
    scenario=SCENARIOS / "ae_four_hour.toml",
    model=HospitalModel,
    levers=ALL_LEVERS,
    metrics=with_rates(METRICS),
    measures=MEASURES,
    tables=(TableSpec("patients", "one row per patient who arrived", streamed=True),
            TableSpec("decisions", "one row per decision-maker per decision period"),
            TableSpec("periods", "one row per ED per decision period: both ledgers, levers")),
    time_unit="minutes",
    seconds_per_run=seconds_per_run,
    bytes_per_run=bytes_per_run,
    events=events,
    histograms=histograms,
    sensitivity_output="gap_4h_pct",
    warmup_series=warmup_series,
    gap_panels=GAP_PANELS,
    harm_panels=HARM_PANELS,
    figures=(FigureSpec("time_in_department", _time_in_department),),
    facts=_facts,
    gain=GainSplit("measured_4h_pct", "true_4h_pct", "gap_4h_pct"),
    outcome="mean_true_min",
    capacity="hospital.capacity_scale",
    documentation="docs/hospital_odd.md",
    app="sim.hospital.app",
)  # fmt: skip
