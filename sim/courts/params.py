"""Validated Crown Court parameters. Each default names its source or says it is an assumption.

Units: days. Lists indexed by offence hold four values in the order of `OFFENCES`.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

OFFENCES = ("violence", "sexual", "theft_fraud", "drugs")

Probability = Annotated[float, Field(ge=0.0, le=1.0)]
PerOffence = Annotated[list[float], Field(min_length=4, max_length=4)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)


class CentreParams(_Strict):
    """One Crown Court centre."""

    name: str = Field(min_length=1, description="Label used in tables.")
    receipts_per_day: float = Field(
        gt=0, le=10_000, description="Cases received for trial per calendar day (England: ~300/day "
        "across ~77 centres, MoJ criminal court statistics; a centre's share is an assumption).",
    )  # fmt: skip
    courtrooms: int = Field(ge=1, le=1_000, description="Trial courtrooms (assumption).")
    sitting_days_per_year: float = Field(
        ge=0, le=365_000,
        description="Judge sitting days funded for trials per year (MoJ allocates sitting "
        "days centrally; the centre's share is an assumption).",
    )  # fmt: skip
    initial_backlog: int = Field(
        default=0, ge=0, le=1_000_000,
        description="Cases awaiting trial at time zero (assumption).",
    )


class SittingDayChange(_Strict):
    """A change in the sitting-day budget from a given day (e.g. a mid-year cut)."""

    day: float = Field(ge=0, description="First simulated day of the new budget.")
    factor: float = Field(gt=0, le=100, description="Multiplier on every centre's sitting days.")


class CourtParams(_Strict):
    """Parameters of a system of Crown Court centres."""

    centres: list[CentreParams] = Field(min_length=1, max_length=100)
    capacity_scale: float = Field(
        default=1.0, gt=0, le=10,
        description="Multiplies every centre's courtrooms (rounded, at least 1) and sitting "
        "days to scale the whole system's capacity at once; 1 = as listed (a "
        "scenario-analysis setting, not an estimate).",
    )  # fmt: skip
    offence_mix: PerOffence = Field(
        default=[0.36, 0.12, 0.22, 0.30], description="Shares of receipts by offence "
        "(assumption informed by MoJ Crown Court receipts by offence group)."
    )  # fmt: skip
    custody_prob: PerOffence = Field(
        default=[0.3, 0.3, 0.12, 0.3], description="Share remanded in custody (assumption; "
        "about a fifth to a quarter of the open caseload, MoJ/HMPPS remand statistics)."
    )  # fmt: skip
    victim_prob: PerOffence = Field(
        default=[0.9, 1.0, 0.7, 0.0], description="Share with an identifiable victim "
        "(assumption)."
    )  # fmt: skip
    trial_days_mean: PerOffence = Field(
        default=[3.0, 4.5, 4.0, 3.0], description="Mean days a full trial needs "
        "(assumption; MoJ reports average trial hearing times of a few days)."
    )  # fmt: skip
    ptph_delay_days: float = Field(
        default=28.0, ge=0, description="Receipt to plea and trial preparation hearing "
        "(Better Case Management: PTPH within 28 days of sending)."
    )  # fmt: skip
    backlog_max_age_days: float = Field(
        default=500.0, gt=0, description="Age of the oldest case in the initial backlog; "
        "ages are uniform up to it, as in a queue listed oldest first, so with 500 days 27% "
        "are over a year old, as in December 2023 (MoJ criminal court statistics)."
    )  # fmt: skip
    plea_base: Probability = Field(
        default=0.70, description="Chance a guilty defendant pleads at PTPH with average "
        "evidence. Calibrated to ~70% guilty pleas (MoJ) and ~14% backlog growth a year "
        "together by `goodhart calibrate --param courts.plea_base=0.5:0.9 --fit guilty_pleas "
        "--fit backlog_growth --replications 3 --max-evaluations 16` (0.705; record in "
        "docs/calibration/); fitted to guilty pleas alone it would be 0.57, and the backlog "
        "would grow 43% a year."
    )  # fmt: skip
    plea_evidence: float = Field(
        default=0.5, ge=0, description="Added plea chance per unit of evidence above 0.5 "
        "(assumption)."
    )  # fmt: skip
    early_plea_credit: Probability = Field(
        default=1 / 3, description="Sentence reduction for a guilty plea at the first "
        "stage (Sentencing Council, Reduction in Sentence for a Guilty Plea, 2017)."
    )  # fmt: skip
    trial_door_credit: Probability = Field(
        default=0.1, description="Sentence reduction for a plea on the day of trial "
        "(Sentencing Council 2017)."
    )  # fmt: skip
    plea_credit_effect: float = Field(
        default=0.6, ge=0, description="Added chance of an early plea per unit of early-plea "
        "credit above the guideline third (assumption; lets a credit policy be explored)."
    )  # fmt: skip
    sentence_months_mean: PerOffence = Field(
        default=[20.0, 60.0, 14.0, 36.0], description="Mean sentence on conviction after "
        "trial, in months (assumption informed by MoJ average custodial sentence lengths by "
        "offence group)."
    )  # fmt: skip
    plea_innocent_factor: Probability = Field(
        default=0.1, description="Plea chance of an innocent defendant relative to a guilty "
        "one (assumption; innocent defendants do sometimes plead for the credit)."
    )  # fmt: skip
    plea_pressure_effect: float = Field(
        default=0.2, ge=0, description="Added plea chance at full pressure to plead, for "
        "guilty and innocent alike (assumption)."
    )  # fmt: skip
    guilt_base: Probability = Field(
        default=0.55, description="Chance a defendant is guilty at zero evidence strength; "
        "rises linearly to guilt_base + guilt_evidence at full strength (assumption)."
    )  # fmt: skip
    guilt_evidence: Probability = Field(default=0.4, description="Assumption.")
    crack_prob: Probability = Field(
        default=0.3, description="Chance a listed trial cracks (late plea or offer of no "
        "evidence); ~35% of trials listed cracked in 2014/15 (NAO 2016)."
    )  # fmt: skip
    custody_first: bool = Field(
        default=True, description="Listing puts cases with a defendant in custody first, "
        "each group oldest first, to meet custody time limits (HMCTS listing practice under "
        "the Criminal Practice Directions); false lists strictly oldest first."
    )  # fmt: skip
    vacate_prob: Probability = Field(
        default=0.05, description="Chance a listed trial is vacated before the day because "
        "an advocate is unavailable; its courtroom goes to the next case (assumption)."
    )  # fmt: skip
    ineffective_base: Probability = Field(
        default=0.25, description="Chance a listed trial (not vacated, not cracked) is "
        "ineffective for reasons other than court time, before delay adds to it. Calibrated "
        "to ineffective trials of 13-27% of trials heard (MoJ; target 19%) by `goodhart "
        "calibrate --param courts.ineffective_base=0.05:0.3 --fit ineffective_trials "
        "--replications 3 --max-evaluations 12` (record: docs/calibration/)."
    )  # fmt: skip
    ineffective_per_year: float = Field(
        default=0.08, ge=0, description="Added ineffective chance per year the case has "
        "waited: witnesses stop attending (assumption)."
    )  # fmt: skip
    overlisting_max: float = Field(
        default=0.5, ge=0, description="Extra trials listed per free courtroom at full "
        "over-listing (assumption; courts over-list against cracks, NAO 2016)."
    )  # fmt: skip
    withdrawal_hazard_per_year: float = Field(
        default=0.03, ge=0, description="Victim withdrawal hazard per year at receipt "
        "(assumption; CPS rape complainant withdrawal after charge 2.8% in 2019)."
    )  # fmt: skip
    withdrawal_growth_per_year: float = Field(
        default=1.5, ge=0, description="Relative rise of the withdrawal hazard per year "
        "waited (assumption; withdrawal rose to 7.3% by 2024 as waits grew, CPS)."
    )  # fmt: skip
    custody_time_limit_days: float = Field(
        default=182.0, gt=0, description="Custody time limit before trial in the Crown "
        "Court (Prosecution of Offences (Custody Time Limits) Regulations 1987)."
    )  # fmt: skip
    convict_guilty_base: Probability = Field(
        default=0.55, description="Conviction chance of a guilty defendant at zero evidence; "
        "+ convict_guilty_evidence at full evidence (assumption)."
    )  # fmt: skip
    convict_guilty_evidence: Probability = Field(default=0.4, description="Assumption.")
    convict_innocent_base: Probability = Field(
        default=0.03, description="Conviction chance of an innocent defendant at zero "
        "evidence; + convict_innocent_evidence at full evidence (assumption)."
    )  # fmt: skip
    convict_innocent_evidence: Probability = Field(default=0.2, description="Assumption.")
    rush_max_cut: Probability = Field(
        default=0.4, description="Share of the trial time needed that a judge cuts at full "
        "rushing (assumption)."
    )  # fmt: skip
    case_management_cut: Probability = Field(
        default=0.15, description="Share of a trial's needed days that judicial case "
        "management at full capability removes through agreed facts and issues narrowed in "
        "advance, with no loss of accuracy (assumption)."
    )  # fmt: skip
    progression_ineffective_cut: Probability = Field(
        default=0.3, description="Share of the chance a listed trial is ineffective (witness "
        "or disclosure not ready) that case progression at full capability removes "
        "(assumption)."
    )  # fmt: skip
    progression_crack_cut: Probability = Field(
        default=0.3, description="Share of the trials that would crack on the day (a late "
        "plea or no evidence offered) that case progression at full capability brings "
        "forward to a readiness check before it, so the listing goes to another trial "
        "(assumption; late guilty pleas are the main cause of cracked trials, NAO 2016, and "
        "the Leveson review of efficiency in criminal proceedings, 2015, aimed case "
        "progression at bringing them forward)."
    )  # fmt: skip
    rush_error: float = Field(
        default=0.5, ge=0, description="Verdicts drift toward a coin toss by this much per "
        "share of needed time cut (assumption)."
    )  # fmt: skip
    discontinue_max: Probability = Field(
        default=0.2, description="Share of old, weak cases discontinued per decision period "
        "at full intensity (assumption)."
    )  # fmt: skip
    old_case_days: float = Field(
        default=365.0, gt=0, description="Age from which a case counts as old for "
        "discontinuance (assumption: a year, the age band MoJ reports the backlog by)."
    )  # fmt: skip
    weak_evidence: Probability = Field(
        default=0.45, description="Evidence strength below which a case counts as weak for "
        "discontinuance (assumption; evidence is Beta(3, 2), mean 0.6)."
    )  # fmt: skip
    appeal_prob_wrongful: Probability = Field(
        default=0.3, description="Chance a wrongful conviction is appealed (assumption)."
    )
    appeal_allowed_wrongful: Probability = Field(
        default=0.5, description="Chance such an appeal is allowed (assumption)."
    )
    satisfaction_base: Probability = Field(
        default=0.8, description="Chance a victim is satisfied after a prompt conclusion "
        "(assumption; Victims' Commissioner surveys report low satisfaction with delay)."
    )  # fmt: skip
    satisfaction_loss_per_year: float = Field(
        default=0.2, ge=0, description="Fall per year waited (assumption)."
    )
    satisfaction_loss_no_trial: float = Field(
        default=0.3, ge=0, description="Fall when the case ends without a verdict (withdrawn "
        "or discontinued; assumption)."
    )  # fmt: skip
    survey_size: int = Field(
        default=25, ge=1, le=100_000, description="Victims sampled per centre per period by the "
        "satisfaction survey (assumption)."
    )  # fmt: skip
    judges_per_centre: int = Field(
        default=4, ge=1, le=100, description="Judges modelled as decision-makers per centre "
        "(assumption; a case's judge is a label, capacity is courtrooms and sitting days)."
    )
    sitting_day_changes: list[SittingDayChange] = Field(default_factory=list)

    @field_validator("offence_mix")
    @classmethod
    def _distribution(cls, value: list[float]) -> list[float]:
        if any(v < 0 for v in value) or abs(sum(value) - 1.0) > 1e-6:
            raise ValueError("must be 4 non-negative shares summing to 1")
        return value

    @field_validator("custody_prob", "victim_prob")
    @classmethod
    def _probabilities(cls, value: list[float]) -> list[float]:
        if any(not 0.0 <= v <= 1.0 for v in value):
            raise ValueError("each value must be a probability in [0, 1]")
        return value

    @field_validator("trial_days_mean", "sentence_months_mean")
    @classmethod
    def _positive(cls, value: list[float]) -> list[float]:
        if any(not v > 0 for v in value):
            raise ValueError("each value must be > 0")
        return value

    @model_validator(mode="after")
    def _unique(self) -> CourtParams:
        names = [c.name for c in self.centres]
        if len(set(names)) != len(names):
            raise ValueError(f"centre names must be unique, got {names}")
        return self

    def at_capacity(self) -> CourtParams:
        """These parameters with `capacity_scale` applied to every centre (and set back to 1)."""
        factor = self.capacity_scale
        if factor == 1.0:
            return self
        centres = [
            centre.model_copy(update={
                "courtrooms": max(1, round(centre.courtrooms * factor)),
                "sitting_days_per_year": centre.sitting_days_per_year * factor,
            })
            for centre in self.centres
        ]  # fmt: skip
        return self.model_copy(update={"centres": centres, "capacity_scale": 1.0})
