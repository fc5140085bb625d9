"""Audit: inspections that may detect gaming and impose a sanction."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from sim.regimes.specs import AuditSettings


def inspect(
    rng: np.random.Generator, settings: AuditSettings, levels: Mapping[str, float]
) -> list[str]:
    """Inspect one decision-maker; return the levers found in use.

    An inspection happens with `inspection_chance`; each lever in use is then detected with
    its detection chance scaled by the intensity at which it was used.
    """
    draws = rng.random(1 + len(levels))  # a fixed number of draws keeps streams aligned
    if draws[0] >= settings.inspection_chance:
        return []
    return [
        lever
        for (lever, level), u in zip(levels.items(), draws[1:], strict=True)
        if level > 0 and u < settings.detection.get(lever, 0.0) * level
    ]
