"""Sweep designs: which parameter values to run, as data, sampled with SALib.

A sweep varies any parameters by their dotted names over a full grid of listed values, a
Latin hypercube, or a Sobol or Morris design (the latter two for sensitivity analysis).
"""

from __future__ import annotations

import itertools
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Value = float | int | bool | str


class ParameterRange(BaseModel):
    """The values one swept parameter takes: a list (grid) or a range (sampled designs)."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)

    values: list[Value] | None = Field(default=None, min_length=1)
    low: float | None = None
    high: float | None = None
    integer: bool = Field(default=False, description="Round sampled values to integers.")

    @model_validator(mode="after")
    def _one_kind(self) -> ParameterRange:
        if (self.values is None) == (self.low is None or self.high is None):
            raise ValueError("give either 'values' or both 'low' and 'high'")
        if self.low is not None and self.high is not None and not self.low < self.high:
            raise ValueError("'low' must be below 'high'")
        return self


class SweepSpec(BaseModel):
    """A sweep declared in a scenario's `[sweep]` table or on the command line."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)

    design: Literal["grid", "lhs", "sobol", "morris"] = "grid"
    samples: int = Field(
        default=8, ge=1,
        description="lhs: points; sobol: base sample N (N x (2D + 2) points); "
        "morris: trajectories (r x (D + 1) points); ignored by grid.",
    )  # fmt: skip
    levels: int = Field(default=4, ge=2, description="Grid levels of a Morris design.")
    parameters: dict[str, ParameterRange] = Field(
        min_length=1,
        description="Swept parameters by dotted name; kept in name order, so the design (and "
        "every run id) is the same whatever order they are given in.",
    )

    @field_validator("parameters", mode="after")
    @classmethod
    def _canonical_order(cls, value: dict[str, ParameterRange]) -> dict[str, ParameterRange]:
        return dict(sorted(value.items()))

    @model_validator(mode="after")
    def _ranges_fit_design(self) -> SweepSpec:
        for name, spec in self.parameters.items():
            if self.design == "grid" and spec.values is None:
                raise ValueError(f"parameters.{name}: a grid needs 'values'")
            if self.design != "grid" and spec.values is not None:
                raise ValueError(
                    f"parameters.{name}: a {self.design} design needs 'low' and 'high'"
                )
        if self.design == "sobol" and self.samples & (self.samples - 1):
            raise ValueError("sobol samples must be a power of 2")
        return self

    def problem(self) -> dict[str, Any]:
        """The SALib problem definition of a sampled design."""
        names = list(self.parameters)
        return {
            "num_vars": len(names),
            "names": names,
            "bounds": [[self.parameters[n].low, self.parameters[n].high] for n in names],
        }

    def points(self, seed: int) -> list[dict[str, Value]]:
        """The design's parameter sets, in design order (the order SALib analyses)."""
        names = list(self.parameters)
        if self.design == "grid":
            grids = [self.parameters[n].values for n in names]
            return [dict(zip(names, combo, strict=True)) for combo in itertools.product(*grids)]
        matrix = self.matrix(seed)
        return [self._point(names, row) for row in matrix]

    def matrix(self, seed: int) -> np.ndarray:
        """The sample matrix of a sampled design (rows are points, columns parameters)."""
        from SALib.sample import latin, morris, sobol

        problem = self.problem()
        if self.design == "lhs":
            return latin.sample(problem, self.samples, seed=seed)
        if self.design == "sobol":
            return sobol.sample(problem, self.samples, calc_second_order=False, seed=seed)
        return morris.sample(problem, self.samples, num_levels=self.levels, seed=seed)

    def _point(self, names: list[str], row: np.ndarray) -> dict[str, Value]:
        return {
            n: round(v) if self.parameters[n].integer else float(v)
            for n, v in zip(names, row, strict=True)
        }
