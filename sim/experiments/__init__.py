"""Scenarios, runs, replications with common random numbers, sweeps, outputs and statistics.

The public API of the experiments layer; notebooks and scripts import from here
(`from sim.experiments import write_comparison, regime_table`), and run sweeps with
`sim.experiments.sweep.sweep` (the module keeps the name). Names load on first use.
"""

from sim.lazy import lazy_names

_PUBLIC = {
    "analyse": "sim.experiments.analysis",
    "write_analysis": "sim.experiments.analysis",
    "SweepSpec": "sim.experiments.design",
    "Comparison": "sim.experiments.folders",
    "write_comparison": "sim.experiments.folders",
    "RunResult": "sim.experiments.runner",
    "compare": "sim.experiments.runner",
    "run": "sim.experiments.runner",
    "Scenario": "sim.experiments.scenario",
    "ScenarioError": "sim.experiments.scenario",
    "load_scenario": "sim.experiments.scenario",
    "with_overrides": "sim.experiments.scenario",
    "format_table": "sim.experiments.stats",
    "paired_differences": "sim.experiments.stats",
    "regime_table": "sim.experiments.stats",
    "ResultsStore": "sim.experiments.store",
}

__all__ = sorted(_PUBLIC)


__getattr__, __dir__ = lazy_names("sim.experiments", _PUBLIC)
