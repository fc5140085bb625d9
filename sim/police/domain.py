"""The police domain as the shared layers see it: one `Domain` (see `sim.domain`)."""

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
    Metric,
    Panel,
    Rate,
    Series,
    TableSpec,
    with_rates,
)
from sim.domain import lever_metrics as _lever_metrics
from sim.police.agents import ALL_LEVERS
from sim.police.measures import MEASURES
from sim.police.model import PoliceModel
from sim.police.params import PoliceParams

AFTER = "crimes after the warm-up, all forces"
REPORTS = "reports after the warm-up, all forces"
RECORDED = "crimes recorded after the warm-up, all forces"
CHANGE = "mean per day after the warm-up over mean per day in the warm-up"
PERIODS = "force-periods after the warm-up"

PER_1000_REPORTS = Rate("reports", 1000.0, "1,000 reports", "per_1000_reports")

METRICS = (
    # measured ledger
    Metric("recorded_per_day", "Recorded crime", "crimes per day", "measured", "lower",
           RECORDED),
    Metric("recorded_change_pct", "Change in recorded crime", "% change", "measured", "lower",
           CHANGE),
    Metric("detections_per_day", "Offences brought to justice, as counted", "detections "
           "per day", "measured", "higher", "charges, cautions, penalty notices and "
           "write-offs after the warm-up"),
    Metric("out_of_court_pct", "Cautions and penalty notices", "% of detections",
           "measured", denominator="detections after the warm-up"),
    Metric("measured_serious_charge_rate_pct", "Serious crimes charged, as recorded",
           "% of serious crimes recorded", "measured", "higher",
           "crimes recorded as serious after the warm-up"),
    Metric("regime_score", "Regime score (mean)", "0-1", "measured", "higher", PERIODS),
    Metric("regime_met_pct", "Periods a force met its own regime's target", "%",
           "measured", "higher", PERIODS),
    Metric("out_of_court", "Cautions and penalty notices", "disposals per run", "measured",
           denominator=AFTER, headline=False, rate=PER_1000_REPORTS),
    Metric("violence_out_of_court", "Violent crimes disposed of out of court",
           "crimes per run", "measured", denominator="violent crimes after the warm-up",
           rate=PER_1000_REPORTS),
    Metric("write_offs", "Detections written off with no investigation", "detections per "
           "run", "measured", "lower", AFTER, rate=PER_1000_REPORTS),
    Metric("targets_revised", "Targets revised by the regime's reviews", "revisions per run",
           "measured"),
    # true ledger
    Metric("crimes_per_day", "Crime (reported or not)", "crimes per day", "true", "lower",
           AFTER),
    Metric("true_change_pct", "Change in crime", "% change", "true", "lower", CHANGE),
    Metric("survey_change_pct", "Change in crime, as the victim survey estimates it", "% change",
           "true", "lower", CHANGE + " (with the survey's sampling error)"),
    Metric("recording_gap_pts", "How much further recorded crime fell than survey crime",
           "percentage points", "true", "lower", "survey change minus recorded change"),
    Metric("unrecorded_pct", "Reports not recorded", "% of reports", "true", "lower",
           REPORTS),
    Metric("unrecorded_violence_pct", "Violence reports not recorded", "% of reports",
           "true", "lower", "reports of violence after the warm-up"),
    Metric("unrecorded_sexual_pct", "Sexual offence reports not recorded", "% of reports",
           "true", "lower", "reports of sexual offences after the warm-up"),
    Metric("unrecorded_acquisitive_pct", "Burglary and theft reports not recorded",
           "% of reports", "true", "lower", "reports of burglary and theft after the warm-up"),
    Metric("gamed_unrecorded_pct", "Reports left unrecorded on purpose", "% of reports",
           "true", "lower", REPORTS),
    Metric("downgraded_pct", "Serious crimes recorded as minor", "% of serious crimes "
           "recorded", "true", "lower", "serious crimes recorded after the warm-up"),
    Metric("true_detections_per_day", "Offences brought to justice", "detections per day",
           "true", "higher", "charges, cautions and penalty notices after the warm-up"),
    Metric("serious_charge_rate_pct", "Serious crimes charged", "% of serious crimes "
           "reported", "true", "higher", "serious crimes reported after the warm-up"),
    Metric("serious_charged", "Serious crimes charged", "crimes per run", "true", "higher",
           "serious crimes reported after the warm-up", headline=False,
           rate=PER_1000_REPORTS),
    Metric("quick_disposals_of_minor_pct", "Minor crimes given a caution or penalty notice",
           "% of minor crimes recorded", "true", denominator="minor crimes recorded after "
           "the warm-up"),
    Metric("filed_pct", "Recorded crimes filed uninvestigated", "% of recorded crimes",
           "true", "lower", RECORDED),
    Metric("victim_satisfaction", "Victim satisfaction", "0-1", "true", "higher",
           "victims who reported a crime after the warm-up"),
    Metric("victims_contacted_pct", "Victims contacted", "% of crimes recorded", "true",
           "higher", RECORDED),
    Metric("repeat_crime_pct", "Repeat crimes against the same victim", "% of crimes",
           "true", "lower", AFTER),
    # behaviour
    *_lever_metrics(ALL_LEVERS, "decision-makers holding the lever, periods after the warm-up"),
    # context, not printed by default
    Metric("crimes", "Crimes after the warm-up", "crimes per run", "true",
           denominator="all forces", headline=False),
    Metric("reports", "Crimes reported after the warm-up", "reports per run", "true",
           denominator="all forces", headline=False),
    Metric("force_years", "Force-years counted", "force-years per run", "true",
           denominator="forces x years after the warm-up", headline=False),
)  # fmt: skip

GAP_PANELS = (
    Panel((Series("recorded_change_pct", MEASURED, filled=False),
           Series("survey_change_pct", TRUE)), title="Change in crime:\nrecorded vs survey"),
    Panel((Series("detections_per_day", MEASURED, filled=False),
           Series("true_detections_per_day", TRUE)), title="Offences brought\nto justice"),
    Panel((Series("measured_serious_charge_rate_pct", MEASURED, filled=False),
           Series("serious_charge_rate_pct", TRUE)), title="Serious crimes\ncharged"),
)  # fmt: skip
HARM_PANELS = (
    Panel((Series("unrecorded_pct", "Reports not recorded"),)),
    Panel((Series("serious_charge_rate_pct", "Serious crimes charged"),)),
    Panel((Series("repeat_crime_pct", "Repeat crimes"),)),
    Panel((Series("victim_satisfaction", "Victim satisfaction"),)),
)  # fmt: skip


def seconds_per_run(params: PoliceParams, days: float) -> float:
    """About 200,000 crimes a second on one core (benchmarks/bench_police.py)."""
    return 0.05 + sum(f.crimes_per_day for f in params.forces) * days / 2e5


def bytes_per_run(params: PoliceParams, days: float) -> float:
    """About 0.3 kB per crime at the peak, rounded up to 0.5 kB (benchmarks/README.md)."""
    crimes = sum(f.crimes_per_day for f in params.forces) * days * (1.0 + params.repeat_prob)
    return 50e6 + 500.0 * crimes


def events(params: PoliceParams) -> list[tuple[str, float]]:
    """Each change of the recording audits."""
    return [(f"recording audit (inspection chance {change.inspection_chance:g})", change.day)
            for change in params.audit_changes]  # fmt: skip


def warmup_series(tables: Mapping[str, pd.DataFrame]) -> tuple[np.ndarray, float]:
    """Crimes recorded per day, all forces; a value covers one day."""
    daily = tables["daily"]
    return daily.groupby("day")["recorded"].sum().to_numpy(), 1.0


def _observe(tables: Mapping[str, pd.DataFrame], days: float) -> dict[str, float]:
    from sim.police.facts import recorded_rise_after_audit

    return {"recorded_rise_after_audit_pct": recorded_rise_after_audit(tables["daily"], days)}


def _recorded_vs_crime(folder, width="double"):
    from sim.police.figures import recorded_vs_crime

    return recorded_vs_crime(folder, width=width)


def _facts() -> tuple:
    from sim.police.facts import FACTS

    return FACTS


DOMAIN = Domain(
    name="police",
    title="Police crime recording",
    params=PoliceParams,
    simulate=PoliceModel.simulate,
    scenario=SCENARIOS / "police_crime_targets.toml",
    model=PoliceModel,
    levers=ALL_LEVERS,
    metrics=with_rates(METRICS),
    measures=MEASURES,
    tables=(TableSpec("crimes", "one row per crime that happened", streamed=True),
            TableSpec("daily", "one row per force per day: crimes, recording, outcomes"),
            TableSpec("decisions", "one row per decision-maker per decision period"),
            TableSpec("periods", "one row per force per decision period: both ledgers, "
                      "levers")),
    time_unit="days",
    seconds_per_run=seconds_per_run,
    bytes_per_run=bytes_per_run,
    events=events,
    sensitivity_output="recording_gap_pts",
    warmup_series=warmup_series,
    observe=_observe,
    facts=_facts,
    gap_panels=GAP_PANELS,
    harm_panels=HARM_PANELS,
    figures=(FigureSpec("recorded_vs_crime", _recorded_vs_crime),),
    outcome="crimes_per_day",
    capacity="police.capacity_scale",
    documentation="docs/police_odd.md",
    app="sim.police.app",
)  # fmt: skip
