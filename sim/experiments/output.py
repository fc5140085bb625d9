"""Output folders, written atomically: everything goes to a temporary folder first.

A run's folder appears complete or not at all. An existing non-empty folder is never
written into, so nothing already there can be overwritten or corrupted.
"""

from __future__ import annotations

import json
import math
import os
import platform
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path
from typing import Any

from sim.experiments.scenario import Scenario


class OutputError(ValueError):
    """An output folder that cannot be used."""


@contextmanager
def output_folder(path: str | Path) -> Iterator[Path]:
    """Yield a temporary folder that becomes `path` only if the block succeeds."""
    target = Path(path)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise OutputError(
            f"out: '{target}' already exists and is not empty; choose a new folder "
            "(existing results are never overwritten)"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    staging.chmod(0o755)
    try:
        yield staging
        if target.exists():
            target.rmdir()  # empty, checked above
        os.replace(staging, target)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)


def _git(*args: str) -> str | None:
    try:
        out = subprocess.run(
            ["git", *args],
            cwd=Path(__file__).resolve().parent,
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        )
        return out.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None


def git_commit() -> str:
    """Commit of the source tree the package runs from, or 'unknown'."""
    return _git("rev-parse", "HEAD") or "unknown"


def git_dirty() -> bool | None:
    """Whether the package's source tree has uncommitted changes (None if unknown)."""
    status = _git("status", "--porcelain", "--untracked-files=no", "--", ":/sim")
    return None if status is None else bool(status)


def manifest(scenario: Scenario, **extra: Any) -> dict[str, Any]:
    """Provenance of a result: scenario, its hash, versions, commit, and run settings."""
    return {
        "scenario": scenario.model_dump(mode="json"),
        "scenario_sha256": scenario.digest(),
        "package_version": metadata.version("goodhart"),
        "mesa_version": metadata.version("mesa"),
        "python_version": platform.python_version(),
        "git_commit": git_commit(),
        "git_dirty": git_dirty(),
        "created_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        **extra,
    }


def write_json(path: Path, data: dict[str, Any]) -> None:
    """Write `data` as indented JSON; non-finite floats become null."""
    path.write_text(json.dumps(_nulls(data), indent=2, default=str) + "\n", encoding="utf-8")


def _nulls(data: Any) -> Any:
    if isinstance(data, dict):
        return {k: _nulls(v) for k, v in data.items()}
    if isinstance(data, list | tuple):
        return [_nulls(v) for v in data]
    if isinstance(data, float) and not math.isfinite(data):
        return None
    return data
