"""What one run contributes to the checks: its summary and values only its tables hold."""

from __future__ import annotations

from sim.experiments.runner import RunResult
from sim.registry import get_domain


def observe(result: RunResult) -> dict[str, float]:
    """The run's summary plus the values its domain derives from its tables for the facts."""
    values = dict(result.summary)
    extra = get_domain(result.scenario.domain).observe
    if extra is not None:
        values.update(extra(result.tables, result.days))
    return values
