"""Validation of the models against the published record, and calibration in the open."""

from sim.validation.facts import Fact, all_facts, get_fact
from sim.validation.validate import check, run_scenarios, validate, verdict
from sim.validation.warmup import mser5

__all__ = [
    "Fact",
    "all_facts",
    "check",
    "get_fact",
    "mser5",
    "run_scenarios",
    "validate",
    "verdict",
]
