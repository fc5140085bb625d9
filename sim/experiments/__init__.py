"""Scenarios, runs, replications with common random numbers, sweeps, outputs and statistics.

The public API of the experiments layer; notebooks and scripts import from here, and run
sweeps with `sim.experiments.sweep.sweep` (the module keeps the name).
"""

from sim.experiments.analysis import analyse, write_analysis
from sim.experiments.design import SweepSpec
from sim.experiments.folders import Comparison, write_comparison
from sim.experiments.runner import RunResult, compare, run
from sim.experiments.scenario import Scenario, ScenarioError, load_scenario, with_overrides
from sim.experiments.stats import format_table, paired_differences, regime_table
from sim.experiments.store import ResultsStore

__all__ = [
    "Comparison",
    "ResultsStore",
    "RunResult",
    "Scenario",
    "ScenarioError",
    "SweepSpec",
    "analyse",
    "compare",
    "format_table",
    "load_scenario",
    "paired_differences",
    "regime_table",
    "run",
    "with_overrides",
    "write_analysis",
    "write_comparison",
]
