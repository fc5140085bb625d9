"""The funder: a government or commissioner who reads the dashboard and allocates money.

At each of its reviews the funder reads each unit's **measured** judgement (whether the
unit met its own regime target, as the dashboard shows it) or its demand, and shares out a
finite budget by a declared rule. Money becomes capacity only through the units' own
surge levers. This is the "political appeal" of a headline number made mechanical: what the
dashboard shows decides where resources go, so gaming can attract or divert money.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

Rule = Literal["none", "rescue", "reward", "need"]


class FunderSettings(BaseModel):
    """How the extra budget is shared out. Every default is an assumption."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)

    rule: Rule = Field(
        default="none",
        description="'rescue': equal shares to the units missing their target on the "
        "dashboard; 'reward': to the units meeting it; 'need': in proportion to each unit's "
        "demand; 'none': no extra budget. Under a regime with no target nobody is missing "
        "or meeting one, so 'rescue' and 'reward' spend nothing.",
    )
    budget: float = Field(
        default=0.0, ge=0.0, le=1e6, allow_inf_nan=False,
        description="Extra capacity funded at each review, in the domain's surge units "
        "(escalation beds, or extra sitting days per year, held until the next review).",
    )  # fmt: skip
    review_days: float = Field(
        default=28.0, gt=0.0, le=3650.0, allow_inf_nan=False,
        description="Days between the funder's reviews (assumption: monthly).",
    )  # fmt: skip


def allocate(
    rule: Rule, budget: float, met: Sequence[bool | None], need: Sequence[float]
) -> list[float]:
    """Each unit's share of `budget` under `rule`.

    `met`: whether each unit met its target on the measured ledger (None: no target).
    `need`: each unit's demand. Money no unit qualifies for is not spent.
    """
    count = len(met)
    if rule == "none" or budget <= 0.0 or count == 0:
        return [0.0] * count
    if rule == "need":
        weights = np.clip(np.asarray(need, dtype=float), 0.0, None)
    else:
        wanted = rule == "reward"
        weights = np.array([1.0 if m is not None and m == wanted else 0.0 for m in met])
    total = float(weights.sum())
    if total <= 0.0:
        return [0.0] * count
    return [float(budget * w / total) for w in weights]
