"""Validated behaviour settings: decision period, learning, imitation, motivation mix."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Probability = Annotated[float, Field(ge=0.0, le=1.0)]


class MotivationSettings(BaseModel):
    """One motivation type (after Bevan & Hood 2006). Values are assumptions."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)

    intrinsic: float = Field(ge=0, description="Weight on the true outcome of own work.")
    moral_cost: float = Field(ge=0, description="Payoff cost per unit of a gaming lever.")
    forbids: list[str] = Field(
        default_factory=list, description="Lever kinds this type refuses to use."
    )


class RELSettings(BaseModel):
    """Reinforcement learning with a reference point (REL; Erev & Roth 1998).

    Every default is an assumption (Erev & Roth fitted theirs to experimental games whose
    payoff units differ from this model's).
    """

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)

    forgetting: Probability = Field(
        default=0.02, description="Share of every propensity forgotten each period."
    )
    sensitivity: float = Field(
        default=3.0, gt=0, le=1000, allow_inf_nan=False,
        description="Choice sensitivity: the logit's scale is propensity x sensitivity / "
        "payoff variability.",
    )  # fmt: skip
    floor: float = Field(
        default=0.01, gt=0, le=10, allow_inf_nan=False,
        description="Smallest payoff variability the choice divides by (steady payoffs).",
    )  # fmt: skip


def _default_types() -> dict[str, MotivationSettings]:
    return {
        "saint": MotivationSettings(intrinsic=1.0, moral_cost=1.0, forbids=["gaming", "fraud"]),
        "honest_trier": MotivationSettings(intrinsic=0.7, moral_cost=0.25, forbids=["fraud"]),
        "reactive_gamer": MotivationSettings(intrinsic=0.5, moral_cost=0.08),
        "rational_maniac": MotivationSettings(intrinsic=0.1, moral_cost=0.0),
    }


class BehaviourSettings(BaseModel):
    """How decision-makers learn and copy. Every default here is an assumption."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)

    enabled: bool = Field(default=True, description="If false, every lever stays at 0.")
    decision_period_days: float = Field(
        default=7.0, ge=0.25, le=365,
        description="Days between decisions (at least a quarter-day: a decision every few "
        "minutes would only make a run crawl).",
    )
    levels: list[Annotated[float, Field(ge=0, le=1)]] = Field(
        default_factory=lambda: [0.0, 0.5, 1.0],
        min_length=2,
        description="Intensities a lever can be set to.",
    )
    learning_rule: Literal["reinforcement", "rel"] = Field(
        default="reinforcement",
        description="How lever settings are learned: 'reinforcement' (an exponential "
        "recency-weighted attraction relative to an aspiration; Sutton & Barto 2018) or "
        "'rel' (cumulative propensities with forgetting, and choice normalised by payoff "
        "variability; Erev & Roth 1998). Both pin each lever's own cost and sanctions on it.",
    )
    rel: RELSettings = Field(default_factory=RELSettings)
    aim_sensitivity: float = Field(
        default=3.0, gt=0, le=100, allow_inf_nan=False,
        description="How sharply a decision-maker prefers the aim (the point its levers act "
        "at) with the best foregone payoff: the softmax over aims runs on attractions "
        "rescaled to their range, times this (assumption: the REL sensitivity). Scale-free, "
        "so a far-off target still tells where a near miss would count.",
    )  # fmt: skip
    learning_rate: Probability = Field(
        default=0.3,
        description="Step size of learning: how far the aspiration and the chosen level's "
        "attraction move toward the newest payoff surprise.",
    )
    temperature: float = Field(
        default=0.02, gt=0, description="Softmax temperature of the choice among levels."
    )
    imitation_chance: Probability = Field(
        default=0.1,
        description="Chance per period of copying a better-ranked peer (if a league table "
        "is published).",
    )
    effort: float = Field(
        default=0.05,
        ge=0,
        description="Payoff cost per unit intensity of operating any lever: gaming is work.",
    )
    effort_budget: float | None = Field(
        default=None,
        gt=0,
        allow_inf_nan=False,
        description="Total lever intensity a decision-maker can sustain in a period; chosen "
        "intensities that add up to more are scaled down in proportion, so attention spent "
        "gaming is attention not spent improving. None: no limit (assumption; the scenarios "
        "calibrated before improvement was modelled have none).",
    )
    mix: dict[str, Probability] = Field(
        default_factory=lambda: {
            "saint": 0.15,
            "honest_trier": 0.45,
            "reactive_gamer": 0.3,
            "rational_maniac": 0.1,
        },
        description="Population shares of motivation types (no published shares exist).",
    )
    types: dict[str, MotivationSettings] = Field(default_factory=_default_types)
    gamer_share: Probability | None = Field(
        default=None,
        description="If set, the population share of the types that refuse no lever "
        "(reactive gamers and rational maniacs by default); the shares within that group, "
        "and within the rest, keep the proportions of `mix`. One number to sweep or "
        "calibrate the motivation mix by.",
    )

    @property
    def gaming_types(self) -> list[str]:
        """Types of the mix that refuse no lever."""
        return sorted(name for name in self.mix if not self.types[name].forbids)

    @property
    def population_mix(self) -> dict[str, float]:
        """The mix the population is drawn with: `mix`, rescaled to `gamer_share` if set."""
        if self.gamer_share is None:
            return dict(self.mix)
        gamers = set(self.gaming_types)
        wanted = {True: self.gamer_share, False: 1.0 - self.gamer_share}
        result: dict[str, float] = {}
        for is_gamer in (True, False):
            names = sorted(n for n in self.mix if (n in gamers) == is_gamer)
            total = sum(self.mix[n] for n in names)
            for name in names:
                part = self.mix[name] / total if total > 0 else 1.0 / len(names)
                result[name] = wanted[is_gamer] * part
        return result

    @model_validator(mode="after")
    def _mix_is_distribution(self) -> BehaviourSettings:
        unknown = sorted(set(self.mix) - set(self.types))
        if unknown:
            raise ValueError(f"mix names unknown types {unknown}; allowed: {sorted(self.types)}")
        total = sum(self.mix.values())
        if abs(total - 1.0) > 1e-6:
            raise ValueError(f"mix shares must sum to 1, got {total:g}")
        if self.gamer_share is not None:
            gamers = set(self.gaming_types)
            for is_gamer, want in ((True, self.gamer_share), (False, 1.0 - self.gamer_share)):
                if want > 1e-9 and not any((n in gamers) == is_gamer for n in self.mix):
                    kind = "refuses no lever" if is_gamer else "refuses some lever"
                    raise ValueError(
                        f"gamer_share {self.gamer_share:g} needs a type in the mix that {kind}"
                    )
        if self.levels[0] != 0.0 or sorted(self.levels) != self.levels:
            raise ValueError(f"levels must rise from 0 (the lever unused), got {self.levels}")
        return self
