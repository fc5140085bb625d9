"""Output folders, written atomically: everything goes to a temporary folder first.

A run's folder appears complete or not at all. An existing non-empty folder is never
written into, so nothing already there can be overwritten or corrupted.
"""

from __future__ import annotations

import errno
import json
import math
import os
import platform
import shutil
import socket
import subprocess
import sys
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


def check_free(path: str | Path) -> Path:
    """Refuse an output folder that exists and is not empty; return it as a Path."""
    target = Path(path)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise OutputError(
            f"out: '{target}' already exists and is not empty; choose a new folder "
            "(existing results are never overwritten)"
        )
    return target


@contextmanager
def output_folder(path: str | Path) -> Iterator[Path]:
    """Yield a temporary folder that becomes `path` only if the block succeeds.

    If the folder cannot be moved into place at the end (another process took the name),
    the results are kept in the temporary folder and the error names it.
    """
    target = check_free(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        clean_stale_staging(target.parent)
        staging = Path(tempfile.mkdtemp(prefix=f"{_writer()}.{target.name}.", dir=target.parent))
        staging.chmod(0o755)
    except OSError as error:
        raise OutputError(f"out: cannot write under '{target.parent}' "
                          f"({error.strerror or error})") from None  # fmt: skip
    try:
        yield staging
    except OSError as error:
        shutil.rmtree(staging, ignore_errors=True)
        if error.errno in UNWRITABLE:
            raise OutputError(f"out: could not write results to '{target}' "
                              f"({error.strerror}); nothing was kept") from None  # fmt: skip
        raise
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    try:
        if target.exists():
            target.rmdir()  # only an empty folder gets here
        os.replace(staging, target)
    except OSError as error:
        raise OutputError(
            f"out: could not move results into '{target}' ({error}); they are kept in '{staging}'"
        ) from None


#: errors that mean the disk refuses to take the results (full, read-only, quota, denied)
UNWRITABLE = {errno.ENOSPC, errno.EROFS, errno.EDQUOT, errno.EACCES, errno.EPERM}

STAGING = ".goodhart-staging."  # + host + "." + pid + "." + name + "." + random


def _writer() -> str:
    """The staging prefix naming this process: its host (dots dropped) and pid."""
    return f"{STAGING}{socket.gethostname().replace('.', '-')}.{os.getpid()}"


def clean_stale_staging(parent: Path) -> list[Path]:
    """Remove staging folders in `parent` left by runs that were killed, saying so.

    A staging folder names the host and process writing it; one of this host whose process
    is gone is removed (another host's is left alone: its process cannot be checked here).
    """
    removed = []
    host = socket.gethostname().replace(".", "-")
    for folder in parent.glob(f"{STAGING}*"):
        parts = folder.name[len(STAGING):].split(".", 2)
        if len(parts) < 2 or parts[0] != host or not parts[1].isdigit():
            continue
        if _alive(int(parts[1])):
            continue
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
        print(f"goodhart: removed '{folder}', left by a run that was killed", file=sys.stderr)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def unique_folder(path: Path) -> Path:
    """`path`, or `path` with a numbered suffix if that name is taken."""
    candidate, number = path, 1
    while candidate.exists():
        number += 1
        candidate = path.with_name(f"{path.name}-{number}")
    return candidate


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
    """Write `data` as standard JSON.

    Non-finite floats become the strings "inf", "-inf" and "nan", which scenario
    validation reads back as numbers, so a manifest's scenario can be reloaded and re-hashed.
    """
    text = json.dumps(_finite(data), indent=2, default=str, allow_nan=False)
    path.write_text(text + "\n", encoding="utf-8")


def _finite(data: Any) -> Any:
    if isinstance(data, dict):
        return {k: _finite(v) for k, v in data.items()}
    if isinstance(data, list | tuple):
        return [_finite(v) for v in data]
    if isinstance(data, float) and not math.isfinite(data):
        return str(data)
    return data
