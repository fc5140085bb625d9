"""Goodhart: agent-based simulation of target gaming in public services.

Quick use::

    import sim
    result = sim.run("scenarios/ae_four_hour.toml", regime="kpi", days=60)
    result.summary["measured_4h_pct"], result.summary["true_4h_pct"]
    result.tables["patients"]

The names below load on first use, so `import sim` is quick and brings in only what is
used (statistics, sweeps and plotting load when first asked for).
"""

from importlib import metadata

from sim.lazy import lazy_names

try:
    __version__ = metadata.version("goodhart")
except metadata.PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0"

_EXPERIMENTS = ("Comparison", "RunResult", "Scenario", "ScenarioError", "compare",
                "load_scenario", "run", "write_comparison")
_PUBLIC = {
    **dict.fromkeys(_EXPERIMENTS, "sim.experiments"),  # itself loads each on first use
    "parameters": "sim.experiments.parameters",  # the module shares the function's name
    "get_domain": "sim.registry",
    "domain_names": "sim.registry",
}

__all__ = ["__version__", *sorted(_PUBLIC)]


__getattr__, __dir__ = lazy_names("sim", _PUBLIC)
