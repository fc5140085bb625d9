"""The measures a domain offers regimes, and the check that a regime asks only for those.

A domain declares its measure catalogue as `MeasureDefinition`s; a scenario's regimes are
checked against it when the scenario is loaded, whatever the domain.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sim.regimes.specs import KPISpec, MeasureSpec, NoTargetSpec, OKRSpec


@dataclass(frozen=True)
class MeasureDefinition:
    """A measure a regime may watch.

    Attributes:
        name: the name regimes use (``measure = "NAME"``).
        description: what it is, in words.
        qualitative: gathered by sampling (a survey), not counted.
        share: a value between 0 and 1, so targets must lie there too.
        needs_within: a "share within" measure, which needs a clock threshold `within`.
        within_unit: the unit of `within` (the domain's clock unit).

    """

    name: str
    description: str
    qualitative: bool = False
    share: bool = False
    needs_within: bool = False
    within_unit: str = ""


def measures_of(spec: KPISpec | OKRSpec | NoTargetSpec) -> list[MeasureSpec]:
    """The measures a regime watches: a KPI's one, an OKR's key results, none otherwise."""
    if isinstance(spec, KPISpec):
        return [spec]
    if isinstance(spec, OKRSpec):
        return list(spec.key_results)
    return []


def check_measures(
    spec: KPISpec | OKRSpec | NoTargetSpec,
    catalogue: Sequence[MeasureDefinition],
    where: str,
) -> None:
    """Refuse a regime whose measures are not in `catalogue` or are used wrongly.

    Raises ValueError naming the field (`where`, e.g. ``regimes.kpi``) and what is allowed.
    """
    known = {m.name: m for m in catalogue}
    for index, measure in enumerate(measures_of(spec)):
        here = f"{where}.key_results.{index}" if isinstance(spec, OKRSpec) else where
        definition = known.get(measure.measure)
        if definition is None:
            raise ValueError(
                f"{here}: unknown measure '{measure.measure}'; allowed: {sorted(known)}"
            )
        if definition.needs_within and measure.within is None:
            unit = f" ({definition.within_unit})" if definition.within_unit else ""
            raise ValueError(f"{here}: measure '{measure.measure}' needs 'within'{unit}")
        qualitative = getattr(measure, "qualitative", None)
        if qualitative is not None and qualitative != definition.qualitative:
            kind = "a sampled survey" if definition.qualitative else "counted, not sampled"
            raise ValueError(
                f"{here}.qualitative: '{measure.measure}' is {kind}; "
                f"allowed: {definition.qualitative}"
            )
        if definition.share:
            for name in ("target", "zero_at"):
                value = getattr(measure, name, None)
                if value is not None and not 0.0 <= value <= 1.0:
                    raise ValueError(
                        f"{here}.{name}: '{measure.measure}' is a share; allowed: 0 to 1, "
                        f"got {value:g}"
                    )
