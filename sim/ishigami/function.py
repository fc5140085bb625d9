"""An analytic test domain: the Ishigami function, run through the same pipeline as models.

Sensitivity methods are checked on it because its Sobol indices are known exactly
(Ishigami & Homma 1990): with a = 7, b = 0.1, S1 = 0.314, S2 = 0.442, S3 = 0,
ST1 = 0.558, ST2 = 0.442, ST3 = 0.244.
"""

from __future__ import annotations

import math
import os
import time
from pathlib import Path

import numpy as np
from pydantic import BaseModel, ConfigDict, Field


class IshigamiParams(BaseModel):
    """Inputs of the Ishigami function, and optional noise to make replications differ."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)

    x1: float = Field(default=0.0, ge=-math.pi, le=math.pi)
    x2: float = Field(default=0.0, ge=-math.pi, le=math.pi)
    x3: float = Field(default=0.0, ge=-math.pi, le=math.pi)
    a: float = 7.0
    b: float = 0.1
    noise_sd: float = Field(default=0.0, ge=0, description="Seeded noise added to y.")
    sleep_s: float = Field(default=0.0, ge=0, description="Wall time each evaluation takes.")
    crash_once_marker: str | None = Field(
        default=None,
        description="If this file does not exist, create it and kill the process running the "
        "evaluation (tests recovery from a dead worker).",
    )
    fail_above_x1: float | None = Field(
        default=None, description="Raise an error when x1 exceeds this (tests failure handling)."
    )
    die_above_x1: float | None = Field(
        default=None,
        description="Kill the process running the evaluation when x1 exceeds this (tests "
        "that only the runs that kill their worker are recorded as failed).",
    )


def ishigami(x1: float, x2: float, x3: float, a: float = 7.0, b: float = 0.1) -> float:
    """The Ishigami function."""
    return math.sin(x1) + a * math.sin(x2) ** 2 + b * x3**4 * math.sin(x1)


def simulate(params: IshigamiParams, settings) -> tuple[dict[str, float], dict]:
    """Evaluate the function once; the regime is ignored (`settings.seed` seeds the noise)."""
    if params.fail_above_x1 is not None and params.x1 > params.fail_above_x1:
        raise ValueError(f"x1 = {params.x1:.3f} is above fail_above_x1")
    if params.die_above_x1 is not None and params.x1 > params.die_above_x1:
        os._exit(1)
    if params.crash_once_marker is not None:
        marker = Path(params.crash_once_marker)
        if not marker.exists():
            marker.touch()
            os._exit(1)
    if params.sleep_s:
        time.sleep(params.sleep_s)
    y = ishigami(params.x1, params.x2, params.x3, params.a, params.b)
    if params.noise_sd > 0:
        noise = np.random.default_rng(np.random.SeedSequence(settings.seed))
        y += float(noise.normal(0, params.noise_sd))
    return {"y": y}, {}
