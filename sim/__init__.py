"""Goodhart: agent-based simulation of target gaming in public services.

Quick use::

    import sim
    result = sim.run("scenarios/ae_four_hour.toml", regime="kpi", days=60)
    result.summary["measured_4h_pct"], result.summary["true_4h_pct"]
    result.tables["patients"]

The names below load on first use, so `import sim` is quick and brings in only what is
used (statistics, sweeps and plotting load when first asked for).
"""

from importlib import import_module, metadata

try:
    __version__ = metadata.version("goodhart")
except metadata.PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0"

_PUBLIC = {
    "RunResult": "sim.experiments.runner",
    "compare": "sim.experiments.runner",
    "run": "sim.experiments.runner",
    "Scenario": "sim.experiments.scenario",
    "ScenarioError": "sim.experiments.scenario",
    "load_scenario": "sim.experiments.scenario",
    "Comparison": "sim.experiments.folders",
    "write_comparison": "sim.experiments.folders",
    "parameters": "sim.experiments.parameters",
    "get_domain": "sim.registry",
    "domain_names": "sim.registry",
}

__all__ = ["__version__", *sorted(_PUBLIC)]


def __getattr__(name: str):
    """Load a public name (see `__all__`) from its module on first use."""
    if name not in _PUBLIC:
        raise AttributeError(f"module 'sim' has no attribute '{name}'")
    value = getattr(import_module(_PUBLIC[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_PUBLIC})
