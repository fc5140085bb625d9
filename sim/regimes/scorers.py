"""Scorers: turn a unit's measured values into a regime score in [0, 1]."""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

from sim.regimes.specs import KeyResultSpec, KPISpec, MeasureSpec, NoTargetSpec, OKRSpec


def measure_key(spec: MeasureSpec) -> str:
    """Stable name of a measure with its threshold, e.g. ``share_within@30``."""
    if spec.within is None:
        return spec.measure
    return f"{spec.measure}@{spec.within:g}"


class Scorer:
    """Base scorer: the regime with no target (scores nothing, reviews nothing)."""

    kind = "none"

    def __init__(self, name: str) -> None:
        """Create a scorer for the regime called `name`."""
        self.name = name
        self.targets_revised = 0
        self._seen: dict[str, list[list[float]]] = {}  # each unit's values while baselining
        self._baselines: dict[str, list[float]] = {}  # fixed once the warm-up is over
        self.baselines_open = True

    def _observe(self, unit: str, values: list[float]) -> None:
        """Remember a unit's judged values while baselines are open (the warm-up)."""
        if self.baselines_open or unit not in self._seen:
            self._seen.setdefault(unit, []).append(values)

    def baseline(self, unit: str | None) -> list[float] | None:
        """A unit's baseline: the mean of its values judged in the warm-up (None if none)."""
        key = unit or ""
        if key in self._baselines:
            return self._baselines[key]
        rows = self._seen.get(key)
        if not rows:
            return None
        mean = [float(v) for v in np.nanmean(np.array(rows, dtype=float), axis=0)]
        if not self.baselines_open:
            self._baselines[key] = mean
        return mean

    def close_baselines(self) -> None:
        """End the warm-up: relative targets keep the baselines seen so far."""
        self.baselines_open = False

    @property
    def measures(self) -> list[MeasureSpec]:
        """Measures the domain must report for each judged unit."""
        return []

    def targets(self, unit: str | None = None) -> list[tuple[MeasureSpec, float | None, float]]:
        """Each measure with its current target for `unit` (None if not yet set) and weight."""
        return []

    def score(self, unit: str, values: Mapping[str, float]) -> float:
        """Score one unit's measured values for one period, in [0, 1].

        Records the period: a relative target takes the unit's first judged values as its
        baseline, and a ratchet remembers what was achieved.
        """
        return self.preview(unit, values)

    def preview(self, unit: str, values: Mapping[str, float]) -> float:
        """What `values` would score for `unit` now, recording nothing."""
        return 0.0

    def met(self, score: float) -> bool | None:
        """Whether a score counts as success (None where the regime sets no target)."""
        return None

    def review(self, day: float, context: Mapping[str, float]) -> None:
        """Periodic review of targets (ratchet, re-targeting); default does nothing."""


class KPIScorer(Scorer):
    """One measure against one threshold with a steep (logistic) consequence."""

    kind = "kpi"

    def __init__(self, name: str, spec: KPISpec) -> None:
        """Create a KPI scorer from its validated spec."""
        super().__init__(name)
        self.spec = spec
        self._targets: dict[str, float] = {}
        self._window: dict[str, list[float]] = {}  # values since the last ratchet
        self._last_ratchet = 0.0

    @property
    def measures(self) -> list[MeasureSpec]:
        """The single measure."""
        return [self.spec]

    def targets(self, unit: str | None = None) -> list[tuple[MeasureSpec, float | None, float]]:
        """The measure with `unit`'s target (the declared target if `unit` is None)."""
        return [(self.spec, self.spec.target if unit is None else self.target(unit), 1.0)]

    def target(self, unit: str) -> float | None:
        """Current target for `unit` (None until a relative target has its baseline).

        A relative target is the baseline (the unit's mean over the periods judged in the
        warm-up, or its first period if there is no warm-up) changed by `target_change`.
        """
        if unit in self._targets:
            return self._targets[unit]
        if self.spec.target is not None:
            return self.spec.target
        baseline = self.baseline(unit)
        return None if baseline is None else baseline[0] * (1.0 + self.spec.target_change)

    def score(self, unit: str, values: Mapping[str, float]) -> float:
        """Logistic step around the target; nan values score 0."""
        value = values[measure_key(self.spec)]
        if math.isnan(value):
            return 0.0
        if self.spec.ratchet_days is not None:
            self._window.setdefault(unit, []).append(value)
        if self.spec.target_change is not None:
            self._observe(unit, [value])
        return self.preview(unit, values)

    def preview(self, unit: str, values: Mapping[str, float]) -> float:
        """The logistic step at `unit`'s current target (0.5 before a baseline exists)."""
        value = values[measure_key(self.spec)]
        target = self.target(unit)
        if math.isnan(value):
            return 0.0
        if target is None:
            return 0.5
        sign = 1.0 if self.spec.direction == "higher" else -1.0
        width = self.spec.steepness * (abs(target) or 1.0)
        margin = sign * (value - target) / width
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, margin))))

    def met(self, score: float) -> bool:
        """The target is met when the measure is on the right side of it (score >= 0.5)."""
        return score >= 0.5

    def review(self, day: float, context: Mapping[str, float]) -> None:
        """Apply the ratchet.

        The target moves to the mean performance since the last ratchet if that was better.
        """
        every = self.spec.ratchet_days
        if every is None or day - self._last_ratchet < every:
            return
        self._last_ratchet = day
        sign = 1.0 if self.spec.direction == "higher" else -1.0
        for unit, values in self._window.items():
            achieved = sum(values) / len(values)
            current = self.target(unit)
            if current is not None and sign * (achieved - current) > 0:
                self._targets[unit] = achieved
                self.targets_revised += 1
        self._window.clear()


class OKRScorer(Scorer):
    """Weighted key results, each graded linearly 0-1, re-targeted at quarterly reviews.

    A key result's target and zero point are absolute, or relative to each unit's own
    baseline (its mean over the periods judged in the warm-up; `target_change`,
    `zero_change`), so a regime can ask every unit for the same stretch over its own
    baseline.
    """

    kind = "okr"

    def __init__(self, name: str, spec: OKRSpec) -> None:
        """Create an OKR scorer from its validated spec."""
        super().__init__(name)
        self.spec = spec
        self._relative = any(kr.target is None or kr.zero_at is None for kr in spec.key_results)
        self._factors = [1.0] * len(spec.key_results)  # re-targeting at the reviews
        self._context_at_setting: dict[str, float] = {}
        self._last_review = 0.0

    @property
    def measures(self) -> list[MeasureSpec]:
        """All key-result measures."""
        return list(self.spec.key_results)

    def key_results(self, unit: str | None = None) -> list[tuple[KeyResultSpec, float, float]]:
        """Each key result with its current (target, zero_at) for `unit`.

        Relative key results have no value (NaN) until the unit's baseline is known, and
        for `unit` None.
        """
        baseline = self.baseline(unit) or []
        out = []
        for i, kr in enumerate(self.spec.key_results):
            base = baseline[i] if baseline else math.nan
            target = kr.target if kr.target is not None else base * (1.0 + kr.target_change)
            zero = kr.zero_at if kr.zero_at is not None else base * (1.0 + kr.zero_change)
            out.append((kr, target * self._factors[i], zero * self._factors[i]))
        return out

    def targets(self, unit: str | None = None) -> list[tuple[MeasureSpec, float | None, float]]:
        """Each key result with its current target for `unit` (None if not yet set)."""
        return [
            (kr, None if math.isnan(target) else target, kr.weight)
            for kr, target, _ in self.key_results(unit)
        ]

    def grade(self, index: int, value: float, unit: str | None = None) -> float:
        """Grade of key result `index` at `value`, linear between zero_at and target."""
        _, target, zero_at = self.key_results(unit)[index]
        if math.isnan(value) or math.isnan(target) or target == zero_at:
            return 0.0
        return min(1.0, max(0.0, (value - zero_at) / (target - zero_at)))

    def score(self, unit: str, values: Mapping[str, float]) -> float:
        """Weighted mean grade; the warm-up's periods fix the unit's baselines."""
        if self._relative:
            self._observe(unit, [values[measure_key(kr)] for kr in self.spec.key_results])
        return self.preview(unit, values)

    def preview(self, unit: str, values: Mapping[str, float]) -> float:
        """Weighted mean grade of the key results."""
        total = sum(kr.weight for kr in self.spec.key_results)
        graded = sum(
            kr.weight * self.grade(i, values[measure_key(kr)], unit)
            for i, kr in enumerate(self.spec.key_results)
        )
        return graded / total

    def met(self, score: float) -> bool:
        """An OKR counts as met at the success grade (conventionally 0.7)."""
        return score >= self.spec.success_grade

    def review(self, day: float, context: Mapping[str, float]) -> None:
        """Quarterly review: re-target key results whose context signal has moved.

        The context seen at the first call is the reference the targets were set for.
        """
        for name, value in context.items():
            self._context_at_setting.setdefault(name, value)
        if day - self._last_review < self.spec.review_days:
            return
        self._last_review = day
        for i, kr in enumerate(self.spec.key_results):
            if kr.adapt_to is None or kr.adapt_to not in context:
                continue
            now = context[kr.adapt_to]
            then = self._context_at_setting[kr.adapt_to]
            if then <= 0 or abs(now / then - 1.0) <= self.spec.retarget_tolerance:
                continue
            factor = (now / then) ** kr.elasticity
            if factor != self._factors[i]:
                self._factors[i] = factor
                self.targets_revised += 1


def build_scorer(name: str, spec: KPISpec | OKRSpec | NoTargetSpec) -> Scorer:
    """Build the scorer for a validated regime spec."""
    if isinstance(spec, KPISpec):
        return KPIScorer(name, spec)
    if isinstance(spec, OKRSpec):
        return OKRScorer(name, spec)
    return Scorer(name)
