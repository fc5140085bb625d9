"""Improvement: levers that change what a service can do, slowly, at a cost, uncertainly.

An improvement lever never moves a metric directly. Each period its intensity feeds a
capability stock between 0 and 1 that builds while the effort is kept up and decays when it
is not; a domain turns the stock into faster work, freer beds or readier trials. A
redesign lever is an experiment: each period it is used it succeeds with a chance (a lasting
gain that a domain applies) or fails (the effort is spent for nothing).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
from pydantic import BaseModel, ConfigDict, Field


class ImprovementSettings(BaseModel):
    """How improvement works: build-up, decay, redesign. Every default is an assumption."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)

    enabled: bool = Field(
        default=False,
        description="If false the domain's improvement levers do not exist (decision-makers "
        "can only game, care or do nothing, as in the scenarios calibrated before "
        "improvement was modelled).",
    )
    build_rate: float = Field(
        default=0.2, gt=0.0, le=1.0, allow_inf_nan=False,
        description="Share of the way to full capability a period at full intensity covers "
        "(assumption: about three months of weekly effort to get most of the way).",
    )  # fmt: skip
    decay_rate: float = Field(
        default=0.1, ge=0.0, le=1.0, allow_inf_nan=False,
        description="Share of capability lost in a period with no effort (assumption: gains "
        "fade over a few months when not kept up).",
    )  # fmt: skip
    redesign_success: float = Field(
        default=0.25, ge=0.0, le=1.0, allow_inf_nan=False,
        description="Chance a period of full-intensity redesign yields a lasting gain "
        "(assumption: most improvement experiments fail).",
    )  # fmt: skip
    redesign_gain: float = Field(
        default=0.03, ge=0.0, le=0.5, allow_inf_nan=False,
        description="Share of a process step's time a successful redesign removes for good "
        "(assumption).",
    )  # fmt: skip
    redesign_floor: float = Field(
        default=0.75, gt=0.0, le=1.0, allow_inf_nan=False,
        description="Redesign cannot take a step below this share of its original time "
        "(assumption: some of every step is irreducible).",
    )  # fmt: skip


class Capability:
    """Capability stocks of one decision-maker's improvement levers, and redesign gains."""

    def __init__(self, levers: Iterable[str], settings: ImprovementSettings) -> None:
        """Start every stock at 0 and every redesign factor at 1 (nothing gained yet)."""
        self.settings = settings
        self.stock: dict[str, float] = {name: 0.0 for name in levers}
        self.redesign_factor = 1.0
        self.redesigns = 0

    def update(self, levels: Mapping[str, float]) -> None:
        """One period of effort at `levels` (0-1 per lever): build toward 1, or decay.

        stock' = stock + build x level x (1 - stock) - decay x (1 - level) x stock, so a
        lever held at intensity L settles at build L / (build L + decay (1 - L)).
        """
        build, decay = self.settings.build_rate, self.settings.decay_rate
        for name, stock in self.stock.items():
            level = levels.get(name, 0.0)
            value = stock + build * level * (1.0 - stock) - decay * (1.0 - level) * stock
            self.stock[name] = min(1.0, max(0.0, value))

    def redesign(self, level: float, uniform: float) -> bool:
        """One period's redesign experiment at `level`; True if it succeeded.

        Succeeds with chance `redesign_success` x `level` (compared with `uniform`, one draw
        per period whatever happens, so streams stay aligned); a success multiplies the
        redesign factor by 1 - `redesign_gain`, never below `redesign_floor`.
        """
        s = self.settings
        if level <= 0.0 or uniform >= s.redesign_success * level:
            return False
        self.redesign_factor = max(s.redesign_floor, self.redesign_factor * (1 - s.redesign_gain))
        self.redesigns += 1
        return True


def budget_scale(levels: Mapping[str, float], budget: float | None) -> float:
    """The factor that brings total lever intensity within an effort budget (1 if it fits).

    Every lever draws on one budget per period: if the intensities a decision-maker chose
    add up to more than `budget`, each is scaled down in proportion.
    """
    if budget is None:
        return 1.0
    total = float(np.sum(list(levels.values()))) if levels else 0.0
    return 1.0 if total <= budget or total <= 0.0 else budget / total


def steady_state(level: float, settings: ImprovementSettings) -> float:
    """The capability a lever held at `level` settles at (see `Capability.update`)."""
    grow = settings.build_rate * level
    fade = settings.decay_rate * (1.0 - level)
    if grow + fade == 0.0:
        return 0.0
    return grow / (grow + fade)
