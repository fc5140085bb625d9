"""The published facts the police model is checked against (see `sim.validation`).

Each fact names the published figure and its source, the scenario and regime that put the
model in the same situation, a statistic computed from one replication's runs, and the
interval within which the simulated statistic counts as reproducing the fact.
"""

from __future__ import annotations

import math

import pandas as pd

from sim.validation.facts import Fact, Statistic, of, paired

TARGETS = "scenarios/police_crime_targets.toml"
AUDIT = "scenarios/police_recording_audit.toml"
AUDIT_DAY = 365.0  # the audit change of the audit scenario


def recorded_rise_after_audit(daily: pd.DataFrame, days: float) -> float:
    """How much recorded crime rose against crime after the audit change, percentage points.

    Crimes recorded per crime in the year after the change (from 91 days after it, once
    practice has settled) over the same before it (from day 91), minus 1, in %.
    """
    if days <= AUDIT_DAY + 91.0:
        return math.nan
    totals = daily.groupby("day")[["recorded", "crimes"]].sum()
    before = totals.loc[91 : AUDIT_DAY - 1]
    after = totals.loc[AUDIT_DAY + 91 :]
    rate = [part["recorded"].sum() / part["crimes"].sum() for part in (before, after)]
    return 100.0 * (rate[1] / rate[0] - 1.0) if rate[0] else math.nan


def _relative(metric: str, regime: str, reference: str) -> Statistic:
    """`metric` under `regime` over under `reference`, minus 1, in % (same replication)."""
    def value(rep) -> float:
        base = rep[reference][metric]
        return 100.0 * (rep[regime][metric] / base - 1.0) if base else math.nan

    return Statistic(value, regime, reference)


FACTS: tuple[Fact, ...] = (
    Fact(
        "crimes_not_recorded", "Reports of crime not recorded, after years of "
        "crime-reduction targets (crime-reduction KPI)",
        "an estimated 19% of crimes reported (over 800,000 a year)",
        "HMIC, Crime-recording: making the victim count (2014)", TARGETS,
        of("kpi", "unrecorded_pct"), low=12.0, high=26.0, target=19.0, unit="%",
        note="the band allows for the audit's sampling error and for the years of "
        "pressure behind the published figure, which a two-year run does not have",
    ),
    Fact(
        "violence_least_recorded", "Violence reports not recorded (crime-reduction KPI)",
        "about a third of violence against the person (sexual offences: about a quarter)",
        "HMIC 2014", TARGETS, of("kpi", "unrecorded_violence_pct"), low=20.0, high=45.0,
        target=33.0, unit="%", note="recording_discretion orders the types as HMIC found "
        "them; the levels are not fitted",
    ),
    Fact(
        "recorded_fell_faster_than_survey", "Recorded crime falls further than the victim "
        "survey's crime under a crime-reduction target (percentage points, target minus "
        "no target)",
        "police recorded crime fell faster than the Crime Survey's estimates in the "
        "target years; the UK Statistics Authority withdrew its National Statistics "
        "status in January 2014", "ONS; UKSA 2014; PASC, Caught red-handed (2014)", TARGETS,
        paired("recording_gap_pts", "kpi", "none"), low=0.0, unit="points",
    ),
    Fact(
        "recording_recovered_after_audit", "Recorded crime rises against crime once "
        "recording is audited credibly (crime-reduction KPI, recorded per crime after the "
        "audit over before)",
        "police recorded violence against the person +23% in the year to March 2015, "
        "mostly from better recording, while the survey's crime fell",
        "ONS, Crime in England and Wales, year ending March 2015", AUDIT,
        of("kpi", "recorded_rise_after_audit_pct"), low=5.0, high=40.0, target=20.0,
        unit="%",
    ),
    Fact(
        "effort_shifts_to_what_counts", "Out-of-court disposals for violence rise under an "
        "offences-brought-to-justice target (detections KPI over no target)",
        "cautions for violence +142% after the offences-brought-to-justice target "
        "(2002-06)", "Home Office data via Bevan & Hood (2006)", TARGETS,
        _relative("violence_out_of_court", "kpi_detections", "none"), low=50.0, high=300.0,
        target=142.0, unit="%",
    ),
)
