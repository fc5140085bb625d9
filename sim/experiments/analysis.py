"""Analysis of a results store: regime comparisons with confidence intervals, sensitivity.

Works on whatever has finished: a sweep still running or partly failed is analysed on its
finished runs, and the report says how many are missing or failed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from sim.experiments.design import SweepSpec
from sim.experiments.drivers import binned_effects, bins, prim_boxes
from sim.experiments.output import write_json
from sim.experiments.stats import paired_differences, regime_table
from sim.experiments.store import ResultsStore, StoreError
from sim.registry import get_domain


@dataclass
class Analysis:
    """Tables produced by `analyse`."""

    status: dict[str, int]
    regimes: pd.DataFrame
    differences: pd.DataFrame
    sensitivity: pd.DataFrame | None
    notes: list[str] = field(default_factory=list)
    robustness: pd.DataFrame | None = None
    drivers: pd.DataFrame | None = None
    boxes: pd.DataFrame | None = None

    def tables(self) -> dict[str, pd.DataFrame]:
        """The non-empty tables by name."""
        found = {"regimes": self.regimes, "differences": self.differences}
        if self.sensitivity is not None:
            found["sensitivity"] = self.sensitivity
        if self.robustness is not None:
            found["robustness"] = self.robustness
        if self.drivers is not None:
            found["drivers"] = self.drivers
        if self.boxes is not None:
            found["boxes"] = self.boxes
        return {name: table for name, table in found.items() if not table.empty}


def point_effects(runs: pd.DataFrame, output: str, reference: str | None) -> pd.DataFrame:
    """Each design point's mean `output` by regime, and each regime's paired difference.

    Columns are the regimes and, for every other regime, ``"REGIME - REFERENCE"`` (the
    difference within each replication, then averaged), one row per design point.
    """
    wide = runs.pivot_table(index=["point", "replication"], columns="regime", values=output)
    out = {name: wide[name] for name in runs["regime"].unique() if name in wide}
    if reference in wide:
        for name in list(out):
            if name != reference:
                out[f"{name} - {reference}"] = wide[name] - wide[reference]
    return pd.DataFrame(out).groupby(level="point").mean()


def robustness(effects: pd.DataFrame, output: str) -> pd.DataFrame:
    """How each paired difference varies over the design: its range and sign across points."""
    rows = []
    for column in (c for c in effects.columns if " - " in c):
        values = effects[column].dropna()
        rows.append({
            "comparison": column, "output": output, "points": len(values),
            "mean": values.mean(), "min": values.min(), "max": values.max(),
            "positive_pct": 100.0 * float((values > 0).mean()) if len(values) else float("nan"),
        })  # fmt: skip
    return pd.DataFrame(rows)


def sensitivity(
    effects: pd.DataFrame, points: pd.DataFrame, spec: SweepSpec, output: str
) -> tuple[pd.DataFrame | None, str | None]:
    """Sobol (S1, ST) or Morris (mu*, sigma) indices of `output`, for each regime.

    `effects` is `point_effects` of the output: its mean over replications at each design
    point for each regime and, with a reference regime, each other regime's paired
    difference from it (as regime ``"REGIME - REFERENCE"``), which says what a conclusion
    depends on. Sobol needs every point; if some are missing the indices are not computed
    and the reason is returned.
    """
    if spec.design not in ("sobol", "morris"):
        return None, None
    from SALib.analyze import morris, sobol

    problem = spec.problem()
    frames = []
    for regime in effects.columns:
        means = effects[regime]
        if len(means) < len(points) or means.isna().any():
            missing = len(points) - int(means.notna().sum())
            return None, f"sensitivity not computed: {missing} design points have no result"
        y = means.reindex(points["point"]).to_numpy(dtype=float)
        if spec.design == "sobol":
            result = sobol.analyze(problem, y, calc_second_order=False, seed=0)
            frame = pd.DataFrame({
                "parameter": problem["names"], "S1": result["S1"], "S1_conf": result["S1_conf"],
                "ST": result["ST"], "ST_conf": result["ST_conf"],
            })  # fmt: skip
        else:
            x = points[problem["names"]].to_numpy(dtype=float)
            result = morris.analyze(problem, x, y, num_levels=spec.levels, seed=0)
            frame = pd.DataFrame({
                "parameter": problem["names"], "mu_star": result["mu_star"],
                "mu_star_conf": result["mu_star_conf"], "sigma": result["sigma"],
            })  # fmt: skip
        frames.append(frame.assign(regime=regime, output=output, design=spec.design))
    return pd.concat(frames, ignore_index=True), None


def analyse(
    folder: str | Path,
    output: str | None = None,
    reference: str | None = None,
    by: list[str] | None = None,
) -> Analysis:
    """Analyse the finished runs of a results store."""
    store = ResultsStore(folder)
    manifest = store.manifest()
    if manifest is None:
        raise StoreError(f"'{folder}' is not a results store (no manifest.json)")
    if manifest.get("command") != "sweep" or "design" not in manifest:
        raise StoreError(
            f"'{folder}' was written by 'goodhart {manifest.get('command', '?')}', not by "
            "'goodhart sweep'; analyse reads sweep stores (a compare folder already holds "
            "its statistics: regimes.csv, differences.csv)"
        )
    runs = store.read()
    planned = int(manifest.get("planned_runs", len(runs)))
    ok = runs[runs["status"] == "ok"] if not runs.empty else runs
    status = {"planned": planned, "ok": len(ok), "failed": int((runs.get("status") != "ok").sum())
              if not runs.empty else 0}  # fmt: skip
    status["missing"] = planned - status["ok"] - status["failed"]
    notes = []
    if store.set_aside:
        notes.append(f"set aside unreadable part files {store.set_aside} (renamed corrupt-*); "
                     "their runs count as missing and a resume re-runs them")  # fmt: skip
    if status["missing"] or status["failed"]:
        notes.append(
            f"{status['ok']} of {planned} runs finished; {status['failed']} failed, "
            f"{status['missing']} not yet run: tables cover finished runs only"
        )
    domain = get_domain(manifest["scenario"]["domain"])
    spec = SweepSpec.model_validate(manifest["design"])
    params = list(spec.parameters)
    if by is None:
        by = params if spec.design == "grid" else []
    unknown = sorted(set(by) - set(params))
    if unknown:
        raise StoreError(f"by: unknown parameters {unknown}; allowed: {params}")
    points = pd.read_parquet(store.folder / "points.parquet")
    if spec.design != "grid" and by:  # sampled values: group by quartile of the design
        labels = {name: dict(zip(points["point"], bins(points[name]), strict=True))
                  for name in by}  # fmt: skip
        ok = ok.assign(**{name: ok["point"].map(labels[name]) for name in by})
    metrics = [m for m in domain.headline if m in ok.columns] or [domain.sensitivity_output]
    regimes = list(manifest.get("regimes", ok["regime"].unique() if len(ok) else []))
    if reference is not None and reference not in regimes:
        raise StoreError(f"reference: unknown regime '{reference}'; allowed: {regimes}")
    reference = reference or ("none" if "none" in regimes else (regimes[0] if regimes else None))
    if ok.empty:
        return Analysis(status, pd.DataFrame(), pd.DataFrame(), None, notes)
    table = regime_table(ok, metrics, by)
    differences = (
        paired_differences(ok, metrics, reference, ("point_id", "replication"), by)
        if len(regimes) > 1
        else pd.DataFrame()
    )
    output = output or domain.sensitivity_output
    if output not in ok.columns:
        raise StoreError(f"output: unknown metric '{output}'; allowed: {sorted(metrics)}")
    effects = point_effects(ok, output, reference)
    indices, note = sensitivity(effects, points, spec, output)
    if note:
        notes.append(note)
    robust = robustness(effects, output) if len(regimes) > 1 else None
    drivers = boxes = None
    if spec.design != "grid":
        drivers = binned_effects(effects, points, params).assign(output=output)
        boxes = prim_boxes(effects, points, params)
        if boxes is None:
            notes.append("PRIM boxes not computed: EMA Workbench is not installed "
                         "(pip install \"goodhart[ema]\"); the binned drivers table stands")
        else:
            boxes = boxes.assign(output=output)
    return Analysis(status, table, differences, indices, notes, robust, drivers, boxes)


def write_analysis(analysis: Analysis, folder: str | Path) -> Path:
    """Write every table as CSV and Parquet under `folder`/analysis, atomically per file."""
    target = Path(folder) / "analysis"
    target.mkdir(exist_ok=True)
    for name, table in analysis.tables().items():
        for suffix, writer in ((".csv", table.to_csv), (".parquet", table.to_parquet)):
            temporary = target / f".{name}{suffix}.tmp"
            writer(temporary, index=False)
            temporary.replace(target / f"{name}{suffix}")
    temporary = target / ".status.json.tmp"
    write_json(temporary, {**analysis.status, "notes": analysis.notes})
    temporary.replace(target / "status.json")
    return target
