"""Validated police parameters. Each default names its source or says it is an assumption.

Units: days and officer hours. Lists indexed by crime type hold six values in the order of
`CRIME_TYPES`.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

CRIME_TYPES = ("violence", "sexual", "burglary", "theft", "criminal_damage", "public_order")

Probability = Annotated[float, Field(ge=0.0, le=1.0)]
PerType = Annotated[list[float], Field(min_length=6, max_length=6)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)


class ForceParams(_Strict):
    """One police force (or basic command unit)."""

    name: str = Field(min_length=1, description="Label used in tables.")
    crimes_per_day: float = Field(
        gt=0, le=100_000,
        description="True crimes against the force's residents per day, reported or not "
        "(the Crime Survey for England and Wales estimated ~7 million incidents a year "
        "against households and adults in 2013/14, ~19,000 a day over 43 forces; a "
        "force's share is an assumption).",
    )  # fmt: skip
    investigator_hours_per_day: float = Field(
        ge=0, le=1_000_000,
        description="Officer hours a day for investigating recorded crime and contacting "
        "victims (assumption, sized below the full demand, as HMICFRS found investigation "
        "capacity stretched).",
    )  # fmt: skip


class AuditChange(_Strict):
    """A change of recording audits from a given day (e.g. HMIC's 2014 inspections)."""

    day: float = Field(ge=0, description="First simulated day of the new audit regime.")
    inspection_chance: Probability = Field(
        description="Chance a decision-maker is inspected in a period, from this day."
    )
    detection: dict[str, Probability] = Field(
        default_factory=dict,
        description="Detection chances (by lever) that change from this day; others stay.",
    )


class PoliceParams(_Strict):
    """Parameters of a system of police forces."""

    forces: list[ForceParams] = Field(min_length=1, max_length=100)
    capacity_scale: float = Field(
        default=1.0, gt=0, le=10,
        description="Multiplies every force's investigator hours to scale the whole "
        "system's capacity at once; 1 = as listed (a scenario-analysis setting, not an "
        "estimate).",
    )  # fmt: skip
    crime_mix: PerType = Field(
        default=[0.18, 0.02, 0.09, 0.46, 0.20, 0.05],
        description="Shares of true crime by type (assumption informed by CSEW 2013/14 "
        "incident estimates; public order, not in the survey, is an assumption).",
    )  # fmt: skip
    report_prob: PerType = Field(
        default=[0.45, 0.17, 0.65, 0.35, 0.30, 0.50],
        description="Chance a crime is reported to the police (CSEW 2013/14 reporting rates "
        "by offence, rounded; sexual offences from the 2013 Ministry of Justice, Home "
        "Office and ONS overview; public order an assumption).",
    )  # fmt: skip
    serious_share: PerType = Field(
        default=[0.5, 1.0, 0.6, 0.0, 0.0, 0.0],
        description="Share of each type that is serious: violence with injury, sexual "
        "offences, domestic burglary (assumption informed by police recorded crime "
        "breakdowns).",
    )  # fmt: skip
    recording_error: Probability = Field(
        default=0.05,
        description="Chance an honest recorder fails to record a report that should be "
        "recorded (assumption: HMIC 2014 found errors of knowledge and process as well as "
        "of integrity).",
    )  # fmt: skip
    recording_discretion: PerType = Field(
        default=[1.0, 0.8, 0.25, 0.4, 0.5, 0.7],
        description="How easily a report of each type can be left unrecorded or no-crimed "
        "(1 = at the lever's full intensity; assumption ordered as HMIC 2014 found "
        "under-recording by type: violence about a third, sexual offences about a "
        "quarter, lower for acquisitive crime).",
    )  # fmt: skip
    suspect_prob: PerType = Field(
        default=[0.6, 0.5, 0.15, 0.15, 0.15, 0.7],
        description="Chance a fully investigated crime yields an identified suspect "
        "(assumption informed by Home Office crime outcomes, 2014/15: charge rates ~15% "
        "overall, lowest for acquisitive crime).",
    )  # fmt: skip
    named_suspect_share: Probability = Field(
        default=0.5,
        description="Share of the suspects a full investigation would find that are named "
        "when the crime is reported (a solvability factor known at screening; "
        "assumption).",
    )  # fmt: skip
    charge_prob: PerType = Field(
        default=[0.45, 0.3, 0.6, 0.55, 0.5, 0.5],
        description="Chance an identified suspect is charged after a full investigation "
        "(assumption informed by Home Office crime outcomes, 2014/15).",
    )  # fmt: skip
    caution_share: Probability = Field(
        default=0.4,
        description="Share of minor offences with enough evidence to charge that are "
        "disposed of out of court (a caution or penalty notice) in honest practice "
        "(assumption informed by Ministry of Justice criminal justice statistics: "
        "out-of-court disposals were about 40% of offences brought to justice in the "
        "mid-2000s).",
    )  # fmt: skip
    investigation_hours: PerType = Field(
        default=[8.0, 30.0, 6.0, 3.0, 3.0, 3.0],
        description="Officer hours a full investigation of a minor crime of each type takes "
        "(assumption).",
    )  # fmt: skip
    serious_hours_factor: float = Field(
        default=2.0, ge=1, le=100,
        description="A serious crime's investigation takes this many times the hours "
        "(assumption).",
    )  # fmt: skip
    contact_hours: float = Field(
        default=0.5, gt=0, le=100,
        description="Officer hours of contact with one victim (assumption).",
    )  # fmt: skip
    file_after_days: float = Field(
        default=60.0, gt=0, le=3650,
        description="A recorded crime not investigated within this many days is filed with "
        "no further action (assumption: forces screen out and file what they cannot "
        "investigate).",
    )  # fmt: skip
    write_offs_per_100_reports: float = Field(
        default=5.0, ge=0, le=100,
        description="Detections claimed per 100 reports at the write-off lever's full "
        "intensity: prison write-offs and offences 'taken into consideration' with no "
        "investigation behind them (assumption; the practice was reported in the 2000s "
        "and by PASC, 2014).",
    )  # fmt: skip
    prevention_max: Probability = Field(
        default=0.15,
        description="Share of crime full problem-oriented capability prevents (assumption "
        "informed by Weisburd et al. 2010, Campbell review: modest, significant effects).",
    )  # fmt: skip
    quality_max: float = Field(
        default=0.15, ge=0, le=10,
        description="Relative rise in the charge chance at full investigation-quality "
        "capability (assumption).",
    )  # fmt: skip
    repeat_prob: Probability = Field(
        default=0.15,
        description="Chance a victim suffers a repeat crime (assumption informed by CSEW: "
        "repeat victims suffer a large share of incidents).",
    )  # fmt: skip
    repeat_protection: Probability = Field(
        default=0.4,
        description="Share of that chance that contact or an outcome for the offender "
        "removes (assumption informed by Farrell and Pease on preventing repeat "
        "victimisation).",
    )  # fmt: skip
    repeat_delay_days: float = Field(
        default=60.0, gt=0, le=3650, description="Mean days to a repeat crime (assumption)."
    )
    satisfaction_base: Probability = Field(
        default=0.6,
        description="Chance a victim whose report was recorded is satisfied with no contact "
        "and no outcome (assumption; Home Office user satisfaction surveys found ~80% "
        "satisfied overall).",
    )  # fmt: skip
    satisfaction_contact: float = Field(
        default=0.2, ge=0, le=1, description="Rise with victim contact (assumption)."
    )
    satisfaction_outcome: float = Field(
        default=0.15, ge=0, le=1,
        description="Rise when the offender is charged or disposed of (assumption).",
    )  # fmt: skip
    satisfaction_unrecorded: float = Field(
        default=0.4, ge=0, le=1,
        description="Fall when the report is not recorded (assumption).",
    )  # fmt: skip
    survey_rse: float = Field(
        default=0.08, ge=0, le=1,
        description="Relative standard error of a force's victim-survey crime estimate for "
        "one decision period (assumption: CSEW national estimates have RSEs of a few "
        "percent; a force's quarter, many times fewer interviews, more).",
    )  # fmt: skip
    survey_size: int = Field(
        default=50, ge=1, le=100_000,
        description="Victims sampled per force per period by the satisfaction survey "
        "(assumption).",
    )  # fmt: skip
    audit_sample: int = Field(
        default=100, ge=1, le=100_000,
        description="Reports per force per period a recording audit checks (assumption; "
        "HMIC's 2014 audit sampled about 10,000 reports over 43 forces).",
    )  # fmt: skip
    investigators_per_force: int = Field(
        default=3, ge=1, le=100,
        description="Investigators modelled as decision-makers per force (assumption; "
        "capacity is the force's hours).",
    )  # fmt: skip
    audit_changes: list[AuditChange] = Field(default_factory=list)

    @field_validator("crime_mix")
    @classmethod
    def _distribution(cls, value: list[float]) -> list[float]:
        if any(v < 0 for v in value) or abs(sum(value) - 1.0) > 1e-6:
            raise ValueError("must be 6 non-negative shares summing to 1")
        return value

    @field_validator("report_prob", "serious_share", "recording_discretion", "suspect_prob",
                     "charge_prob")  # fmt: skip
    @classmethod
    def _probabilities(cls, value: list[float]) -> list[float]:
        if any(not 0.0 <= v <= 1.0 for v in value):
            raise ValueError("each value must be a probability in [0, 1]")
        return value

    @field_validator("investigation_hours")
    @classmethod
    def _positive(cls, value: list[float]) -> list[float]:
        if any(not 0 < v <= 10_000 for v in value):
            raise ValueError("each value must be > 0 and <= 10000")
        return value

    @model_validator(mode="after")
    def _unique(self) -> PoliceParams:
        names = [f.name for f in self.forces]
        if len(set(names)) != len(names):
            raise ValueError(f"force names must be unique, got {names}")
        return self

    def at_capacity(self) -> PoliceParams:
        """These parameters with `capacity_scale` applied to every force (and set back to 1)."""
        factor = self.capacity_scale
        if factor == 1.0:
            return self
        forces = [
            force.model_copy(update={
                "investigator_hours_per_day": force.investigator_hours_per_day * factor})
            for force in self.forces
        ]  # fmt: skip
        return self.model_copy(update={"forces": forces, "capacity_scale": 1.0})
