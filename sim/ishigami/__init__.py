"""An analytic test domain: the Ishigami function, run through the same pipeline as models.

Sensitivity methods are checked on it because its Sobol indices are known exactly.
"""

from sim.domain import Domain, Metric
from sim.ishigami.function import IshigamiParams, ishigami, simulate
from sim.regimes import MeasureDefinition


def seconds_per_run(params: IshigamiParams, days: float) -> float:
    """An evaluation takes about 0.1 ms, plus any sleep asked for."""
    return 1e-4 + params.sleep_s


DOMAIN = Domain(
    name="ishigami",
    title="Ishigami test function",
    params=IshigamiParams,
    simulate=simulate,
    levers=(),
    metrics=(Metric("y", "Ishigami function value", "", "true"),),
    measures=(MeasureDefinition("y", "the function's value (regimes are ignored)"),),
    seconds_per_run=seconds_per_run,
    sensitivity_output="y",
)

__all__ = ["DOMAIN", "IshigamiParams", "ishigami", "simulate"]
