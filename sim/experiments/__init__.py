"""Scenarios, runs, replications with common random numbers, outputs and statistics."""

from sim.experiments.runner import RunResult, compare, run
from sim.experiments.scenario import Scenario, ScenarioError, load_scenario

__all__ = ["RunResult", "Scenario", "ScenarioError", "compare", "load_scenario", "run"]
