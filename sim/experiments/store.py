"""The results store: a folder of Parquet part files, appended as runs finish.

Layout::

    DIR/manifest.json        scenario, its hash, the design, versions, git commit
    DIR/runs/part-*.parquet  one row per run: id, parameters, regime, replication, seed,
                             status, error, wall time, and every summary metric

Each part file is written to a temporary name and renamed, so a reader never sees a
half-written file and an interrupted sweep (Ctrl-C, kill -9) loses only the runs that had
not finished. The store never holds all rows in memory while a sweep runs.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from sim.experiments.output import write_json


class StoreError(ValueError):
    """A results folder that cannot be used for this sweep."""


VERSION_KEYS = ("package_version", "git_commit", "git_dirty")


def code_version(manifest: dict[str, Any]) -> dict[str, Any]:
    """The version of the code a manifest was written by."""
    return {key: manifest.get(key) for key in VERSION_KEYS}


def describe(version: dict[str, Any]) -> str:
    """A version in words, e.g. 'goodhart 0.1.0 (commit 1a2b3c4d5e6f, uncommitted changes)'."""
    commit = str(version.get("git_commit") or "unknown")[:12]
    dirty = ", uncommitted changes" if version.get("git_dirty") else ""
    return f"goodhart {version.get('package_version')} (commit {commit}{dirty})"


def _utc() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


class ResultsStore:
    """A results folder for one scenario and design."""

    def __init__(self, folder: str | Path) -> None:
        """Open (not create) the store in `folder`."""
        self.folder = Path(folder)
        self.runs = self.folder / "runs"
        self.set_aside: list[str] = []  # corrupt part files renamed on reading

    @property
    def manifest_path(self) -> Path:
        """Where the manifest lives."""
        return self.folder / "manifest.json"

    def manifest(self) -> dict[str, Any] | None:
        """The stored manifest, or None for a new folder."""
        if not self.manifest_path.exists():
            return None
        try:
            found = json.loads(self.manifest_path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            raise StoreError(f"out: '{self.manifest_path}' cannot be read ({error}); it is not "
                             "a results store this version can resume or analyse") from None
        if not isinstance(found, dict):
            raise StoreError(f"out: '{self.manifest_path}' is not a results store manifest")
        return found

    def open_for(
        self, manifest: dict[str, Any], identity: str, allow_version_change: bool = False
    ) -> None:
        """Create the store, or reopen it if it holds the same sweep; refuse anything else.

        `identity` is the hash of the scenario and design; a folder made for another
        scenario or design is refused rather than mixed. A folder written by another
        version of the code (package version, git commit or a dirty tree) is refused too,
        unless `allow_version_change`; then the resume is recorded in the manifest.
        """
        existing = self.manifest()
        if existing is not None:
            if existing.get("sweep_sha256") != identity:
                raise StoreError(
                    f"out: '{self.folder}' holds results of a different scenario or design "
                    f"(sweep hash {existing.get('sweep_sha256', '?')[:12]}, this one "
                    f"{identity[:12]}); use a new folder to keep results apart"
                )
            then, now = code_version(existing), code_version(manifest)
            if then != now:
                if not allow_version_change:
                    raise StoreError(
                        f"out: '{self.folder}' was written by {describe(then)}, this is "
                        f"{describe(now)}; use a new folder, or resume with "
                        "--allow-version-change to mix them (recorded in the manifest)"
                    )
                resumes = [*existing.get("resumed_by", []), {**now, "utc": _utc()}]
                self._write_manifest({**existing, "resumed_by": resumes})
            return
        taken = self.manifest_path.exists()  # made since we looked: the link below fails
        if not taken and self.folder.exists() and any(
                p.name != "runs" for p in self.folder.iterdir()):  # fmt: skip
            raise StoreError(f"out: '{self.folder}' is not empty and is not a results store")
        self.runs.mkdir(parents=True, exist_ok=True)
        # exclusive creation: of two sweeps starting at once, one makes the store and the
        # other then finds it, as a resume (same sweep) or a refusal (another one)
        temporary = self.folder / f".manifest.{uuid.uuid4().hex}.json"
        write_json(temporary, {**manifest, "sweep_sha256": identity})
        try:
            os.link(temporary, self.manifest_path)
        except FileExistsError:
            self.open_for(manifest, identity, allow_version_change)
        finally:
            temporary.unlink()

    def _write_manifest(self, manifest: dict[str, Any]) -> None:
        temporary = self.folder / f".manifest.{uuid.uuid4().hex}.json"
        write_json(temporary, manifest)
        os.replace(temporary, self.manifest_path)

    def check_points(self, points: pd.DataFrame) -> None:
        """Store the design's points, or refuse a design that disagrees with those stored.

        Sensitivity analysis reads `points.parquet`; runs are matched to it by point.
        """
        path = self.folder / "points.parquet"
        if path.exists():
            stored = pd.read_parquet(path)["point_id"].tolist()
            planned = points["point_id"].tolist()
            if stored != planned:
                differ = sum(a != b for a, b in zip(stored, planned, strict=False))
                differ += abs(len(stored) - len(planned))
                raise StoreError(
                    f"out: '{self.folder}' holds a design whose points differ from this "
                    f"sweep's ({differ} of {max(len(stored), len(planned))}); use a new folder"
                )
            return
        temporary = self.folder / f".points.{uuid.uuid4().hex}.parquet"
        points.to_parquet(temporary, index=False)
        os.replace(temporary, path)

    def append(self, rows: Iterable[dict[str, Any]]) -> None:
        """Write finished runs as one new part file, atomically."""
        frame = pd.DataFrame(list(rows))
        if frame.empty:
            return
        table = pa.Table.from_pandas(frame, preserve_index=False)
        name = f"part-{uuid.uuid4().hex}.parquet"
        temporary = self.runs / f".{name}.tmp"
        pq.write_table(table, temporary)
        with open(temporary, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(temporary, self.runs / name)

    def write_table(self, name: str, run_id: str, table: pd.DataFrame) -> None:
        """Store one run's detail table as tables/NAME/RUN_ID.parquet, atomically."""
        folder = self.folder / "tables" / name
        folder.mkdir(parents=True, exist_ok=True)
        temporary = folder / f".{run_id}.parquet.tmp"
        table.to_parquet(temporary, index=False)
        os.replace(temporary, folder / f"{run_id}.parquet")

    def parts(self) -> list[Path]:
        """The finished part files, in a stable order."""
        return sorted(self.runs.glob("part-*.parquet")) if self.runs.exists() else []

    def _tables(self, columns: list[str] | None = None) -> list[pa.Table]:
        """Every readable part; a corrupt or truncated one is set aside, its runs re-run.

        A set-aside part is renamed `corrupt-*.parquet` (kept for inspection) and listed in
        `set_aside`.
        """
        tables = []
        for part in self.parts():
            try:
                tables.append(pq.read_table(part, columns=columns))
            except (OSError, pa.ArrowException):
                os.replace(part, part.with_name(part.name.replace("part-", "corrupt-", 1)))
                self.set_aside.append(part.name)
        return tables

    def finished_ids(self, status: str | None = "ok") -> set[str]:
        """Ids of runs already stored (with `status`, or any status if None)."""
        done: set[str] = set()
        for table in self._tables(["id", "status"]):
            ids = table.column("id").to_pylist()
            states = table.column("status").to_pylist()
            done.update(i for i, s in zip(ids, states, strict=True) if status in (None, s))
        return done

    def read(self) -> pd.DataFrame:
        """Every stored run, one row each (the latest row wins if a run was retried)."""
        frames = [table.to_pandas() for table in self._tables()]
        if not frames:
            return pd.DataFrame()
        runs = pd.concat(frames, ignore_index=True)
        runs["_ok"] = runs["status"] == "ok"
        runs = runs.sort_values(["id", "_ok"]).drop_duplicates("id", keep="last")
        return runs.drop(columns="_ok").sort_values("id").reset_index(drop=True)
