"""Validated declarations of regimes and of the settings shared by all regimes.

A scenario file declares regimes as data; these pydantic models check them. Stakes, audit
and league tables are separate from the regime type so that regimes can be compared at
equal stakes (docs/seed_mapping.md).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Probability = Annotated[float, Field(ge=0.0, le=1.0)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)


class MeasureSpec(_Strict):
    """One measure a regime watches, named from the domain's catalogue.

    `within` is the clock threshold of "share within" measures, in the domain's time unit
    (whatever unit the domain keeps time in); other measures leave it unset.
    """

    measure: str = Field(description="Name of a measure in the domain's catalogue.")
    within: float | None = Field(
        default=None, gt=0, description="Clock threshold for share-within measures."
    )
    direction: Literal["higher", "lower"] = Field(
        default="higher", description="Whether higher or lower values are better."
    )


class KPISpec(MeasureSpec):
    """A single-number target: one measure, one threshold, a steep consequence.

    The target is either absolute (`target`) or relative to the unit's own baseline - its
    mean over the periods judged in the warm-up, or its first period if there is no
    warm-up (`target_change`, e.g. -0.15 for "cut by 15%").
    """

    type: Literal["kpi"]
    description: str = ""
    stakes: float | None = Field(
        default=None, ge=0, le=1e6, allow_inf_nan=False,
        description="Payoff per unit of this regime's score, in place of [stakes] level "
        "(e.g. 0: an OKR decoupled from pay, as OKRs usually are).",
    )  # fmt: skip
    target: float | None = Field(default=None, description="Absolute target value.")
    target_change: float | None = Field(
        default=None,
        gt=-1.0,
        description="Target as a relative change from the unit's baseline (its mean over "
        "the periods judged in the warm-up).",
    )
    steepness: float = Field(
        default=0.025,
        gt=0,
        description="Width of the consequence step around the target, as a share of the "
        "target: the score is 0.27 at one width short of the target, 0.5 on it, 0.73 one "
        "width beyond (assumption: penalties escalate as performance falls short).",
    )
    ratchet_days: float | None = Field(
        default=None,
        gt=0,
        description="If set, every this many days the target moves to the performance "
        "achieved if that was better (the ratchet).",
    )

    @model_validator(mode="after")
    def _one_target(self) -> KPISpec:
        if (self.target is None) == (self.target_change is None):
            raise ValueError("give exactly one of 'target' or 'target_change'")
        return self


class KeyResultSpec(MeasureSpec):
    """One key result of an OKR: a measure, a target, the value that scores zero, a weight.

    Target and zero point are each absolute (`target`, `zero_at`) or relative to the
    unit's own baseline, its mean over the periods judged in the warm-up (`target_change`,
    `zero_change`: e.g. -0.1 and 0.0 grade a 10% cut in a mean wait from 0 at the
    baseline to 1).
    """

    target: float | None = Field(default=None, description="Value that grades 1.0.")
    zero_at: float | None = Field(
        default=None, description="Value that grades 0.0; grades are linear between."
    )
    target_change: float | None = Field(
        default=None, gt=-1.0, description="Target as a relative change from the baseline."
    )
    zero_change: float | None = Field(
        default=None, gt=-1.0, description="Zero point as a relative change from the baseline."
    )
    weight: float = Field(default=1.0, gt=0)
    qualitative: bool | None = Field(
        default=None,
        description="Gathered by sampling (a survey), not counted. Optional: the domain "
        "knows which measures are surveys; if given it must agree.",
    )
    adapt_to: str | None = Field(
        default=None,
        description="Context signal (e.g. 'demand') that the quarterly review re-targets on.",
    )
    elasticity: float = Field(
        default=1.0, description="Target scales as (context now / context at setting)^elasticity."
    )

    @model_validator(mode="after")
    def _distinct(self) -> KeyResultSpec:
        if (self.target is None) == (self.target_change is None):
            raise ValueError("give exactly one of 'target' or 'target_change'")
        if (self.zero_at is None) == (self.zero_change is None):
            raise ValueError("give exactly one of 'zero_at' or 'zero_change'")
        if self.target is not None and self.target == self.zero_at:
            raise ValueError("'target' and 'zero_at' must differ")
        if self.target_change is not None and self.target_change == self.zero_change:
            raise ValueError("'target_change' and 'zero_change' must differ")
        return self


class OKRSpec(_Strict):
    """An objective with weighted key results, graded 0-1 and reviewed each quarter."""

    type: Literal["okr"]
    objective: str = Field(description="The objective, in words.")
    description: str = ""
    stakes: float | None = Field(
        default=None, ge=0, le=1e6, allow_inf_nan=False,
        description="Payoff per unit of this regime's score, in place of [stakes] level "
        "(e.g. 0: an OKR decoupled from pay, as OKRs usually are).",
    )  # fmt: skip
    key_results: list[KeyResultSpec] = Field(min_length=1)
    review_days: float = Field(
        default=91.0, gt=0, description="Days between reviews of key results (a quarter)."
    )
    retarget_tolerance: Probability = Field(
        default=0.05,
        description="Re-target only when the context signal has moved by more than this share.",
    )
    success_grade: Probability = Field(
        default=0.7, description="Grade conventionally read as success (reported, not a cliff)."
    )


class NoTargetSpec(_Strict):
    """No external target: only professional motivation acts."""

    type: Literal["none"]
    description: str = ""


RegimeSpec = Annotated[KPISpec | OKRSpec | NoTargetSpec, Field(discriminator="type")]


class Stakes(_Strict):
    """How much the regime's judgement matters to those judged (funding, ratings, jobs)."""

    level: float = Field(
        default=1.0,
        ge=0,
        description="Payoff per unit of regime score. Assumption: 1.0 makes a met target "
        "worth as much as a fully motivated professional's sense of a job done perfectly.",
    )


class LeagueTable(_Strict):
    """A published ranking of units by regime score, which peers can see and imitate."""

    published: bool = Field(
        default=True,
        description="Whether rankings are published (England published star "
        "ratings and A&E league tables 2001-05; Bevan & Hood 2006).",
    )
    weight: float = Field(
        default=0.3, ge=0, description="Payoff for top rank relative to bottom (assumption)."
    )


class AuditSettings(_Strict):
    """Inspection: chance per decision period, detection chance per lever, sanction."""

    inspection_chance: Probability = Field(
        default=0.05, description="Chance a decision-maker is inspected in a period (assumption)."
    )
    detection: dict[str, Probability] = Field(
        default_factory=dict,
        description="Chance an inspection detects each lever in use, at full intensity.",
    )
    records_sampled: int = Field(
        default=1, ge=1, le=10_000,
        description="Records (or cases) an inspection examines. A lever used at intensity "
        "L touches a share L of them, so it is detected with chance detection x (1 - (1 - "
        "L)^records_sampled): 1 (the default, an assumption) makes detection proportional "
        "to intensity; a records audit of many makes any use likely to be found.",
    )  # fmt: skip
    sanction: float = Field(
        default=2.0,
        ge=0,
        description="Payoff lost per detection (assumption: twice the "
        "value of a fully met target at stakes 1).",
    )
