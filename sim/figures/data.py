"""Result folders as figures see them: what kind of folder, which domain, and its tables.

Only the files a folder holds are read (Parquet, CSV, JSON); no model is imported or run.
Three kinds of folder are recognised from their manifest.json:

- ``run``: written by ``goodhart run`` (one regime, one replication);
- ``compare``: written by ``goodhart compare`` (every regime over replications);
- ``sweep``: a results store written by ``goodhart sweep`` (``runs/part-*.parquet``),
  with ``analysis/`` once ``goodhart analyse`` has been run on it.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq

from sim.domain import Domain
from sim.registry import get_domain

KINDS = ("run", "compare", "sweep")
EXPECTED = (
    "a result folder written by 'goodhart run' or 'goodhart compare' (manifest.json and "
    "summary.parquet) or a results store written by 'goodhart sweep' (manifest.json and "
    "runs/)"
)


class FolderError(ValueError):
    """A folder that is not a result folder figures can be made from."""


class FigureSkipped(Exception):
    """A figure that cannot be drawn from what the folder holds; the message says why."""


@dataclass(frozen=True)
class ResultFolder:
    """A result folder: its path, kind, domain and manifest, with readers for its tables."""

    path: Path
    kind: str
    domain: str
    manifest: dict[str, Any]

    @property
    def scenario_name(self) -> str:
        """The scenario's name."""
        return str(self.manifest.get("scenario", {}).get("name", self.path.name))

    @property
    def seed(self) -> int | None:
        """The master seed."""
        seed = self.manifest.get("seed", self.manifest.get("scenario", {}).get("seed"))
        return None if seed is None else int(seed)

    @property
    def replications(self) -> int:
        """Replications per regime (and per design point in a sweep)."""
        return 1 if self.kind == "run" else int(self.manifest.get("replications", 1))

    @property
    def days(self) -> float:
        """Simulated days per run."""
        return float(self.manifest.get("days") or self.manifest["scenario"]["days"])

    @property
    def warmup_days(self) -> float:
        """Days at the start of a run that summaries exclude."""
        if "warmup_days" in self.manifest:  # what the runs used (shorter runs cut it)
            return float(self.manifest["warmup_days"])
        return float(self.manifest.get("scenario", {}).get("warmup_days", 0.0))

    @property
    def design(self) -> dict[str, Any]:
        """A sweep's design (empty for other folders)."""
        return dict(self.manifest.get("design") or {})

    @property
    def regimes(self) -> list[str]:
        """Regime names in the scenario's order."""
        if self.kind == "run":
            return [str(self.manifest["regime"])]
        listed = self.manifest.get("regimes") or list(self.manifest["scenario"]["regimes"])
        return [str(name) for name in listed]

    def source_note(self) -> str:
        """'scenario NAME, N replications, seed S' and the run length, from the manifest."""
        reps = self.replications
        parts = [f"scenario {self.scenario_name}"]
        if self.kind == "sweep":
            points = self.manifest.get("points")
            design = self.design.get("design", "?")
            parts.append(f"{design} sweep of {points} points" if points else f"{design} sweep")
        parts.append(f"{reps} replication{'s' if reps != 1 else ''}")
        parts.append(f"seed {self.seed}")
        warmup = f" ({self.warmup_days:g} warm-up)" if self.warmup_days else ""
        parts.append(f"{self.days:g} days{warmup}")
        return ", ".join(parts)

    def domain_spec(self) -> Domain:
        """The registered domain the folder's runs came from (its catalogue and panels).

        Raises FigureSkipped if no domain of that name is registered.
        """
        try:
            return get_domain(self.domain)
        except KeyError as error:
            raise FigureSkipped(str(error).strip('"')) from None

    # ---- tables -----------------------------------------------------------------------
    def table(self, name: str, columns: list[str] | None = None) -> pd.DataFrame:
        """Read `name`.parquet, only the listed columns that it has.

        Raises FigureSkipped if the file is missing or has none of `columns`.
        """
        file = self.path / f"{name}.parquet"
        if not file.is_file():
            raise FigureSkipped(f"{file.name} is not in {self.path}")
        if columns is None:
            return pd.read_parquet(file)
        present = set(pq.read_schema(file).names)
        wanted = [c for c in columns if c in present]
        if not wanted:
            raise FigureSkipped(f"{file.name} has none of the columns {columns}")
        return pd.read_parquet(file, columns=wanted)

    def histograms(self) -> pd.DataFrame:
        """The domain's binned counts per run: regime, replication, series, bin, count.

        Read from ``histograms.parquet``, or made from the per-entity table. Raises
        FigureSkipped if the folder has neither.
        """
        file = self.path / "histograms.parquet"
        if file.is_file():
            return pd.read_parquet(file)
        domain = self.domain_spec()
        names = sorted(domain.streamed_tables)
        if domain.histograms is None or not names:
            raise FigureSkipped(f"no binned histograms for the '{self.domain}' domain")
        entities = self.table(names[0])
        frames = [
            domain.histograms({names[0]: group}, self.warmup_days, self.days).assign(
                regime=str(regime), replication=replication)
            for (regime, replication), group in entities.groupby(
                ["regime", "replication"], observed=True, sort=False)
        ]  # fmt: skip
        if not frames:
            raise FigureSkipped(f"{names[0]}.parquet has no rows")
        return pd.concat(frames, ignore_index=True)

    @cached_property
    def summary(self) -> pd.DataFrame:
        """One row per finished run: regime, replication and every summary metric.

        For a sweep these are the runs with status 'ok', with their design point and
        parameter values.
        """
        if self.kind != "sweep":
            return self.table("summary")
        from sim.experiments.store import ResultsStore  # reads Parquet files only

        runs = ResultsStore(self.path).read()
        if runs.empty:
            raise FigureSkipped(f"no runs have finished in {self.path / 'runs'}")
        ok = runs[runs["status"] == "ok"].reset_index(drop=True)
        if ok.empty:
            raise FigureSkipped(f"every one of the {len(runs)} stored runs failed")
        return ok

    def points(self) -> pd.DataFrame:
        """A sweep's design points (point index, point id and parameter values)."""
        return self.table("points")

    def analysis(self, name: str) -> pd.DataFrame:
        """A table written by 'goodhart analyse' (analysis/NAME.parquet, or its CSV)."""
        folder = self.path / "analysis"
        for suffix, reader in ((".parquet", pd.read_parquet), (".csv", pd.read_csv)):
            if (folder / f"{name}{suffix}").is_file():
                return reader(folder / f"{name}{suffix}")
        raise FigureSkipped(
            f"{folder / name}.parquet not found; run 'goodhart analyse {self.path}' first"
        )


def _manifest(folder: Path) -> dict[str, Any]:
    file = folder / "manifest.json"
    if not file.is_file():
        raise FolderError(
            f"'{folder}' is not a result folder: it has no manifest.json; expected {EXPECTED}"
        )
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise FolderError(
            f"'{file}' cannot be read as JSON ({error}); expected {EXPECTED}"
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("scenario"), dict):
        raise FolderError(f"'{file}' has no scenario; expected {EXPECTED}")
    return data


def _kind(folder: Path, manifest: dict[str, Any]) -> str:
    command = manifest.get("command")
    if command == "sweep" or (command is None and (folder / "runs").is_dir()):
        if not (folder / "runs").is_dir():
            raise FolderError(
                f"'{folder}' is a sweep without its runs/ folder; expected {EXPECTED}"
            )
        return "sweep"
    if command in ("run", "compare"):
        if not (folder / "summary.parquet").is_file():
            raise FolderError(f"'{folder}' has no summary.parquet; expected {EXPECTED}")
        return str(command)
    raise FolderError(
        f"'{folder}': manifest.json names command {command!r}, not one of {list(KINDS)}; "
        f"expected {EXPECTED}"
    )


def load_folder(folder: str | Path | ResultFolder) -> ResultFolder:
    """Recognise a result folder; raise FolderError naming the path if it is not one."""
    if isinstance(folder, ResultFolder):
        return folder
    path = Path(folder)
    if not path.is_dir():
        raise FolderError(f"'{path}' is not a folder; expected {EXPECTED}")
    manifest = _manifest(path)
    domain = manifest["scenario"].get("domain")
    if not domain:
        raise FolderError(f"'{path / 'manifest.json'}' names no domain; expected {EXPECTED}")
    kind = _kind(path, manifest)
    return ResultFolder(path=path, kind=kind, domain=str(domain), manifest=manifest)


def finite(value: float) -> bool:
    """Whether `value` is a finite number."""
    return value is not None and math.isfinite(value)
