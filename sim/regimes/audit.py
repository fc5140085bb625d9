"""Audit: inspections that may detect gaming and impose a sanction."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from sim.regimes.specs import AuditSettings


def inspect(
    rng: np.random.Generator, settings: AuditSettings, levels: Mapping[str, float]
) -> list[str]:
    """Inspect one decision-maker; return the levers found in use.

    An inspection happens with `inspection_chance`; each lever in use at intensity L is then
    detected with its detection chance x (1 - (1 - L)^records_sampled): at least one of the
    records examined shows it, and the inspector recognises it.
    """
    draws = rng.random(1 + len(levels))  # a fixed number of draws keeps streams aligned
    if draws[0] >= settings.inspection_chance:
        return []
    sampled = settings.records_sampled
    return [
        lever
        for (lever, level), u in zip(levels.items(), draws[1:], strict=True)
        if level > 0 and u < settings.detection.get(lever, 0.0) * _shown(level, sampled)
    ]


def _shown(level: float, sampled: int) -> float:
    """Chance that at least one of `sampled` records shows a lever used at `level`."""
    return level if sampled == 1 else 1.0 - (1.0 - level) ** sampled


def expected_sanction(settings: AuditSettings, lever: str, level: float) -> float:
    """The sanction a period of using `lever` at `level` can be expected to draw.

    Decision-makers know the audit rules they work under; this is what they expect of a
    lever before they have tried it.
    """
    if level <= 0.0:
        return 0.0
    chance = settings.detection.get(lever, 0.0) * _shown(level, settings.records_sampled)
    return settings.inspection_chance * chance * settings.sanction
