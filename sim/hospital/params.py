"""Validated A&E parameters. Each default names its source or says it is an assumption.

Units: minutes for clocks, days for inpatient stays. Lists indexed by acuity hold five
values for Manchester Triage System categories 1 (immediate) to 5 (non-urgent).
"""

from __future__ import annotations

import math
from typing import Annotated, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Probability = Annotated[float, Field(ge=0.0, le=1.0)]
PerAcuity = Annotated[list[float], Field(min_length=5, max_length=5)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)


class EDParams(_Strict):
    """One emergency department and the hospital beds behind it."""

    name: str = Field(min_length=1, description="Label used in tables.")
    arrivals_per_day: float = Field(
        gt=0,
        le=10_000,
        description="Mean attendances per day (at most 10,000). Type 1 EDs in England see "
        "~100-500/day (NHS England A&E attendances, 2023/24).",
    )
    ambulance_share: Probability = Field(
        default=0.33,
        description="Share arriving by ambulance; ~1/3 of type 1 attendances "
        "(NHS England ambulance and A&E statistics, 2023).",
    )
    clinicians_peak: int = Field(
        ge=0, le=5_000,
        description="Clinicians on duty at the busiest hour (assumption, sized to demand).",
    )
    cubicles: int = Field(
        ge=0, le=10_000, description="Treatment spaces (assumption, sized to demand)."
    )
    handover_bays: int = Field(
        default=6,
        ge=0,
        le=10_000,
        description="Ambulance patients the ED takes in while waiting for a cubicle (assumption).",
    )
    assessment_spaces: int = Field(
        default=8,
        ge=0,
        le=10_000,
        description="Assessment/observation area places; admission there "
        "stops the 4-hour clock (assumption).",
    )
    corridor_spaces: int = Field(
        default=12, ge=0, le=10_000, description="Trolleys that fit in corridors (assumption)."
    )
    beds: int = Field(
        ge=0, le=100_000, description="Inpatient beds available to ED admissions (assumption)."
    )
    initial_bed_occupancy: Probability = Field(
        default=0.92,
        description="Occupancy at time zero; England's G&A occupancy ran at "
        "~93-95% in winter 2022/23 (NHS England bed availability statistics).",
    )


class DemandShock(_Strict):
    """A period of changed demand (e.g. an epidemic wave)."""

    start_day: float = Field(ge=0, description="First simulated day of the shock.")
    end_day: float = Field(gt=0, description="Simulated day the shock ends (exclusive).")
    multiplier: float = Field(gt=0, le=100, description="Factor applied to the arrival rate.")

    @model_validator(mode="after")
    def _ordered(self) -> DemandShock:
        if self.end_day <= self.start_day:
            raise ValueError("end_day must be after start_day")
        return self


class HospitalParams(_Strict):
    """Parameters of a system of EDs. Defaults describe an English winter."""

    SCALED: ClassVar[tuple[str, ...]] = ("clinicians_peak", "cubicles", "beds")

    eds: list[EDParams] = Field(min_length=1, max_length=100)
    capacity_scale: float = Field(
        default=1.0, gt=0, le=10,
        description="Multiplies every ED's clinicians at peak, cubicles and inpatient beds "
        "(each rounded to a whole number) to scale the whole system's capacity at once; "
        "1 = as listed (a scenario-analysis setting, not an estimate).",
    )  # fmt: skip
    report_threshold_min: float = Field(
        default=240.0,
        gt=0,
        description="Threshold of the reported 'within 4 hours' figures "
        "(NHS 4-hour standard, DH 2004).",
    )
    start_day_of_year: int = Field(
        default=305, ge=0, le=365, description="Day of year at time zero (305 = 1 November)."
    )
    hour_profile: Annotated[list[float], Field(min_length=24, max_length=24)] = Field(
        default=[
            0.45,
            0.38,
            0.32,
            0.28,
            0.26,
            0.27,
            0.35,
            0.55,
            0.85,
            1.15,
            1.35,
            1.42,
            1.40,
            1.36,
            1.32,
            1.30,
            1.28,
            1.30,
            1.30,
            1.25,
            1.15,
            1.00,
            0.82,
            0.62,
        ],
        description="Relative arrival rate by hour of day (shape after NHS England ECDS "
        "hourly arrivals; normalised to mean 1).",
    )
    weekday_profile: Annotated[list[float], Field(min_length=7, max_length=7)] = Field(
        default=[1.12, 1.02, 0.98, 0.97, 0.97, 0.96, 0.98],
        description="Relative arrival rate Monday..Sunday (Monday peak: NHS England ECDS; "
        "normalised to mean 1).",
    )
    seasonal_amplitude: float = Field(
        default=0.08,
        ge=0,
        lt=1,
        description="Winter peak above the annual mean, as a share "
        "(assumption; England's monthly attendances vary about +/-8%).",
    )
    peak_day_of_year: int = Field(
        default=15, ge=0, le=365,
        description="Day of year of peak demand: mid-January (NHS England monthly A&E "
        "attendances peak in winter; the exact day is an assumption).",
    )  # fmt: skip
    demand_shocks: list[DemandShock] = Field(default_factory=list)
    acuity_mix_walkin: PerAcuity = Field(
        default=[0.002, 0.08, 0.40, 0.43, 0.088],
        description="MTS category shares for walk-ins (assumption informed by UK MTS audits: "
        "red <1%, orange ~10%, yellow ~40%, green ~40%).",
    )
    acuity_mix_ambulance: PerAcuity = Field(
        default=[0.02, 0.22, 0.55, 0.19, 0.02],
        description="MTS category shares for ambulance arrivals (assumption: sicker mix).",
    )
    admit_prob: PerAcuity = Field(
        default=[0.85, 0.6, 0.33, 0.08, 0.03],
        description="Admission probability by acuity (assumption; gives ~27% of type 1 "
        "attendances admitted, NHS England 2023/24).",
    )
    treatment_mean_min: PerAcuity = Field(
        default=[150.0, 130.0, 110.0, 65.0, 40.0],
        description="Mean clinician time from start of assessment to decision (assumption).",
    )
    treatment_cv: float = Field(
        default=0.6, gt=0, description="Coefficient of variation of treatment time (assumption)."
    )
    treatment_distribution: Literal["lognormal", "exponential"] = Field(
        default="lognormal",
        description="Shape of treatment times: lognormal (assumption: right-skewed service "
        "times are the norm in ED simulation studies) or exponential (for M/M/c checks).",
    )
    patience_mean_min: Annotated[
        list[Annotated[float, Field(allow_inf_nan=True, strict=False)]],
        Field(min_length=5, max_length=5),
    ] = Field(
        default=[math.inf, math.inf, 1200.0, 720.0, 600.0],
        description="Mean wait a walk-in tolerates before leaving unseen; ~2-5% leave "
        "without being seen in England (NHS England A&E quality indicators). Assumption.",
    )
    los_mean_days: float = Field(
        default=4.5,
        gt=0,
        description="Mean inpatient stay after emergency admission; ~4.5 "
        "days (NHS Digital HES 2022/23, emergency admissions, excluding zero-day).",
    )
    los_cv: float = Field(default=1.0, gt=0, description="Coefficient of variation (assumption).")
    ward_discharge_hours: Annotated[list[int], Field(min_length=2, max_length=2)] = Field(
        default=[10, 20],
        description="Wards free beds only between these hours "
        "(assumption; most discharges happen in the afternoon).",
    )
    clinician_hour_profile: Annotated[list[float], Field(min_length=24, max_length=24)] = Field(
        default=[0.55] * 8
        + [0.85, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.9, 0.8, 0.7, 0.6],
        description="Share of peak clinicians on duty by hour (assumption: rota).",
    )
    acuity_priority_min: float = Field(
        default=120.0,
        ge=0,
        description="Queue head start per acuity level under clinical "
        "priority; 'breach priority' shrinks it to zero (assumption).",
    )
    aim_points_min: list[Annotated[float, Field(gt=0, le=10_080, allow_inf_nan=False)]] = Field(
        default_factory=lambda: [120.0, 180.0, 240.0, 300.0, 360.0],
        min_length=1,
        max_length=24,
        description="Candidate points of the clock (minutes) a manager may aim the clock "
        "levers at - move a boarder, discharge early, re-record a departure just before it "
        "- learned from payoff like a lever (assumption: the whole hours a tracking board "
        "marks, two to six).",
    )
    aim_window_min: float = Field(
        default=20.0, gt=0, le=240, allow_inf_nan=False,
        description="A near miss at an aim point: a patient whose clock would run at most "
        "this long past it. A manager judges each candidate point by what rescuing the "
        "period's near misses there (clock stopped just before the point) would have done "
        "to the dashboard (assumption; the 20-minute bins of Locker & Mason 2005).",
    )  # fmt: skip
    transfer_margin_min: float = Field(
        default=15.0,
        ge=0,
        description="How long before the clock threshold a boarder is "
        "moved out to stop the clock (assumption).",
    )
    discharge_margin_min: float = Field(
        default=10.0,
        ge=0,
        description="How long before the threshold an early discharge happens (assumption).",
    )
    min_treatment_share: Probability = Field(
        default=0.3,
        description="Least share of planned treatment an early discharge leaves done (assumption).",
    )
    max_handover_hold_min: float = Field(
        default=180.0,
        gt=0,
        description="Ambulance crews hand over after at most this long "
        "(assumption; NHS England's 'release to respond' escalation).",
    )
    hold_depth: Probability = Field(
        default=1.0,
        description="Share of arriving ambulance patients held outside while the ED is "
        "full, at full intensity of the ambulance-holding lever (assumption).",
    )
    ambulance_clock_start_min: float = Field(
        default=15.0,
        ge=0,
        description="An ambulance patient's 4-hour clock starts at handover or this long "
        "after arrival, whichever is earlier (NHS England A&E attendances guidance).",
    )
    registration_delay_min: float = Field(
        default=30.0, ge=0, le=1440, allow_inf_nan=False,
        description="How much later a walk-in's clock starts when the 'delay registration' "
        "lever registers the patient late while the ED is full (assumption).",
    )  # fmt: skip
    specialty_review_min: float = Field(
        default=30.0, ge=0, le=1440, allow_inf_nan=False,
        description="Mean time from referral to the specialty's decision to admit when no "
        "patient is waiting for a bed (exponential; assumption: a mean at which 86% of "
        "reviews in an uncrowded hospital meet the one-hour standard for specialty review "
        "of the Academy of Medical Royal Colleges and RCEM, 2011).",
    )  # fmt: skip
    review_crowding: float = Field(
        default=1.0, ge=0, le=100, allow_inf_nan=False,
        description="The specialty review's mean grows by this share for each patient "
        "waiting for a bed per ED cubicle (specialty teams are busy on full wards; "
        "assumption).",
    )  # fmt: skip
    decision_record_lead_min: float = Field(
        default=60.0, ge=0, le=1440, allow_inf_nan=False,
        description="Under the 'delay decision' lever, the decision to admit is recorded "
        "only once a bed is in sight, this long before the patient leaves (assumption).",
    )  # fmt: skip
    wait_survey_size: int = Field(
        default=400, ge=1, le=100_000,
        description="Patients per ED asked, after the run, how long they spent in A&E "
        "(assumption: the order of the Healthcare Commission's emergency department "
        "survey samples).",
    )  # fmt: skip
    recall_sd: float = Field(
        default=0.3, ge=0, le=5, allow_inf_nan=False,
        description="Recall error of a surveyed patient's stay: the reported stay is the "
        "true one times exp(N(recall_bias, recall_sd)) (assumption).",
    )  # fmt: skip
    recall_bias: float = Field(
        default=0.0, ge=-2, le=2, allow_inf_nan=False,
        description="Mean log error of a recalled stay (0: unbiased, an assumption; "
        "patients are reported to overestimate waits, which would make it positive).",
    )  # fmt: skip
    reattend_base: Probability = Field(
        default=0.06,
        description="Unplanned re-attendance within 7 days; ~8% in England "
        "(NHS England A&E quality indicators).",
    )
    reattend_per_incomplete: Probability = Field(
        default=0.35,
        description="Added re-attendance chance per share of treatment left "
        "undone by an early discharge (assumption).",
    )
    baseline_mortality: Probability = Field(
        default=0.061,
        description="30-day mortality of admitted patients that makes the "
        "Jones et al. (EMJ 2022) SMR gradient give one extra death per 82 at 6-8 hours.",
    )
    experience_base: Probability = Field(
        default=0.9,
        description="Chance a patient rates care good after a short visit "
        "(assumption; CQC urgent and emergency care survey ~75-80% overall).",
    )
    experience_loss_per_hour: float = Field(
        default=0.06,
        ge=0,
        description="Fall in that chance per hour beyond 4 hours from arrival (assumption).",
    )
    experience_loss_corridor_hour: float = Field(
        default=0.08, ge=0, description="Fall per hour of corridor care (assumption)."
    )
    experience_loss_incomplete: float = Field(
        default=0.5, ge=0, description="Fall per share of treatment left undone (assumption)."
    )
    harm_weight_urgent_wait_hour: float = Field(
        default=0.15,
        ge=0,
        description="Fall in true quality per hour acuity 1-2 patients "
        "wait to be seen (assumption).",
    )
    burnout_rate: float = Field(
        default=0.02,
        ge=0,
        description="Daily change in burnout per unit of excess load (assumption).",
    )
    burnout_recovery_load: float = Field(
        default=0.8, ge=0, description="Utilisation below which staff recover (assumption)."
    )
    burnout_corridor_weight: float = Field(
        default=0.2,
        ge=0,
        description="Load added per corridor patient per clinician on duty (assumption).",
    )
    burnout_moral_weight: float = Field(
        default=0.3,
        ge=0,
        description="Load added per unit of gaming against one's "
        "motivation (moral injury; assumption).",
    )
    burnout_improvement_weight: float = Field(
        default=0.15,
        ge=0,
        allow_inf_nan=False,
        description="Load added per unit of improvement effort (working faster, driving "
        "discharges) averaged over the ED's decision-makers (assumption).",
    )
    pace_max_cut: float = Field(
        default=0.15,
        ge=0.0,
        lt=1.0,
        allow_inf_nan=False,
        description="Share of treatment time a clinician at full pace capability saves "
        "(assumption, of the order of the ~10% shorter stays Gruber, Hoe & Stoye 2023 found "
        "for patients the 4-hour target affected).",
    )
    pace_safe: Probability = Field(
        default=0.6,
        description="Pace capability beyond which faster treatment leaves care unfinished "
        "(assumption).",
    )
    pace_harm: Probability = Field(
        default=0.3,
        description="Share of care left unfinished per unit of pace capability beyond "
        "`pace_safe` (assumption; raises re-attendance and lowers experience like an early "
        "discharge).",
    )
    discharge_drive_los_cut: float = Field(
        default=0.1,
        ge=0.0,
        lt=1.0,
        allow_inf_nan=False,
        description="Share of inpatient stay a ward discharge drive at full capability cuts "
        "for patients admitted from the ED (assumption: 'stays shortened a little').",
    )
    front_door_treatment_cut: float = Field(
        default=0.25,
        ge=0.0,
        lt=1.0,
        allow_inf_nan=False,
        description="Share of treatment time saved for a patient a senior assessed at the "
        "front door: tests ordered and the decision to admit or discharge made on arrival "
        "(assumption; physician-in-triage studies report modestly shorter stays and fewer "
        "patients leaving unseen, Rowe et al. 2011).",
    )
    front_door_clinicians: float = Field(
        default=1.0,
        ge=0.0,
        le=10.0,
        allow_inf_nan=False,
        description="Clinicians taken from treatment at full front-door capability "
        "(assumption: one senior on each shift).",
    )
    burnout_absence_max: Probability = Field(
        default=0.15,
        description="Share of clinicians absent at full burnout (assumption; "
        "NHS staff sickness ~5%, higher in EDs).",
    )
    initial_burnout: Probability = Field(
        default=0.3, description="Burnout index at time zero (assumption)."
    )
    survey_size: int = Field(
        default=30,
        ge=1,
        le=100_000,
        description="Patients sampled per judged unit and period for the "
        "experience survey (assumption).",
    )
    staff_survey_size: int = Field(
        default=10, ge=1, le=10_000, description="Staff sampled (assumption)."
    )
    clinician_agents_per_ed: int = Field(
        default=6,
        ge=1,
        le=100,
        description="Clinicians modelled as decision-makers per ED (the "
        "senior decision-makers on the rota; assumption).",
    )

    @field_validator("acuity_mix_walkin", "acuity_mix_ambulance")
    @classmethod
    def _is_distribution(cls, value: list[float]) -> list[float]:
        if any(v < 0 for v in value) or abs(sum(value) - 1.0) > 1e-6:
            raise ValueError("must be 5 non-negative shares summing to 1")
        return value

    @field_validator("admit_prob")
    @classmethod
    def _are_probabilities(cls, value: list[float]) -> list[float]:
        if any(not 0.0 <= v <= 1.0 for v in value):
            raise ValueError("each value must be a probability in [0, 1]")
        return value

    @field_validator("treatment_mean_min", "patience_mean_min")
    @classmethod
    def _positive(cls, value: list[float]) -> list[float]:
        if any(not v > 0 for v in value):
            raise ValueError("each value must be > 0 (use inf for never)")
        return value

    @field_validator("hour_profile", "weekday_profile", "clinician_hour_profile")
    @classmethod
    def _non_negative(cls, value: list[float]) -> list[float]:
        if any(v < 0 for v in value) or sum(value) <= 0:
            raise ValueError("must be non-negative with a positive sum")
        return value

    @model_validator(mode="after")
    def _hours(self) -> HospitalParams:
        start, end = self.ward_discharge_hours
        if not 0 <= start < end <= 24:
            raise ValueError(
                "ward_discharge_hours must be [start, end] with 0 <= start < end <= 24"
            )
        names = [ed.name for ed in self.eds]
        if len(set(names)) != len(names):
            raise ValueError(f"ED names must be unique, got {names}")
        return self

    def at_capacity(self) -> HospitalParams:
        """These parameters with `capacity_scale` applied to every ED (and set back to 1)."""
        if self.capacity_scale == 1.0:
            return self
        eds = [
            ed.model_copy(update={
                name: round(getattr(ed, name) * self.capacity_scale) for name in self.SCALED
            })
            for ed in self.eds
        ]  # fmt: skip
        return self.model_copy(update={"eds": eds, "capacity_scale": 1.0})
