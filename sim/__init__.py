"""Goodhart: agent-based simulation of target gaming in public services.

Quick use::

    import sim
    result = sim.run("scenarios/ae_four_hour.toml", regime="kpi", days=60)
    result.summary["measured_4h_pct"], result.summary["true_4h_pct"]
    result.tables["patients"]
"""

from importlib import metadata

from sim.experiments import RunResult, Scenario, ScenarioError, compare, load_scenario, run

try:
    __version__ = metadata.version("goodhart")
except metadata.PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0"

__all__ = [
    "RunResult",
    "Scenario",
    "ScenarioError",
    "__version__",
    "compare",
    "load_scenario",
    "run",
]
