"""Every parameter of a scenario that can be set, by the dotted name `--set` and sweeps use.

For tools that drive the model from outside (sweeps, EMA Workbench, optimisers): each
parameter's current value, type, bounds and meaning, read from the validated schema, so
the list is always the one the scenario is checked against.
"""

from __future__ import annotations

import math
import types
from typing import Annotated, Any, Union, get_args, get_origin

import annotated_types
import pandas as pd
from pydantic import BaseModel

from sim.experiments.scenario import Scenario

#: parts of a scenario that describe it rather than set the model
SKIPPED = ("name", "description", "domain", "sweep")


def parameters(scenario: Scenario) -> pd.DataFrame:
    """One row per settable parameter: name, value, type, low, high, description.

    `low` and `high` are the schema's bounds (NaN where there is none); a value set outside
    them is refused. Names index into lists (`DOMAIN.SITES.0.FIELD`) and into tables of
    named entries (`regimes.kpi.target`).
    """
    rows: list[dict[str, Any]] = []
    _walk(scenario, "", rows)
    return pd.DataFrame(rows, columns=["name", "value", "type", "low", "high", "description"])


def _walk(model: BaseModel, prefix: str, rows: list[dict[str, Any]]) -> None:
    for name, field in type(model).model_fields.items():
        if not prefix and name in SKIPPED:
            continue
        value = getattr(model, name)
        dotted = f"{prefix}{name}"
        if isinstance(value, BaseModel):
            _walk(value, f"{dotted}.", rows)
        elif isinstance(value, list) and value and all(isinstance(v, BaseModel) for v in value):
            for index, item in enumerate(value):
                _walk(item, f"{dotted}.{index}.", rows)
        elif isinstance(value, dict) and value and all(
                isinstance(v, BaseModel) for v in value.values()):  # fmt: skip
            for key, item in value.items():
                _walk(item, f"{dotted}.{key}.", rows)
        else:
            low, high = _bounds(field.metadata)
            rows.append({
                "name": dotted, "value": value, "type": _type_name(field.annotation),
                "low": low, "high": high, "description": field.description or "",
            })  # fmt: skip


def _bounds(metadata: list[Any]) -> tuple[float, float]:
    low, high = -math.inf, math.inf
    for item in metadata:
        if isinstance(item, annotated_types.Ge | annotated_types.Gt):
            low = float(getattr(item, "ge", getattr(item, "gt", low)))
        if isinstance(item, annotated_types.Le | annotated_types.Lt):
            high = float(getattr(item, "le", getattr(item, "lt", high)))
    return (math.nan if low == -math.inf else low), (math.nan if high == math.inf else high)


def _type_name(annotation: Any) -> str:
    origin = get_origin(annotation)
    if origin is Annotated:
        return _type_name(get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        return " | ".join(_type_name(a) for a in get_args(annotation))
    if origin is not None:
        inner = ", ".join(_type_name(a) for a in get_args(annotation))
        return f"{getattr(origin, '__name__', str(origin))}[{inner}]"
    return getattr(annotation, "__name__", str(annotation))
