"""Memory-measuring helpers shared by the benchmarks.

Imported as a plain module (``import memory``): the benchmarks run as scripts, so their
folder is first on ``sys.path``, in the parent process and in the ``--worker``
subprocesses they start, which run the same script file.
"""

from __future__ import annotations

import gc
import json
import resource
import subprocess
import sys
import tracemalloc
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

MB = 1024.0 * 1024.0


def rss_mb() -> tuple[float, float]:
    """(current, peak) resident set size of this process in MiB.

    Reads VmRSS and VmHWM from /proc (Linux); VmHWM belongs to this program's address
    space, unlike ``ru_maxrss``, which a child inherits from its parent across fork/exec.
    Elsewhere falls back to ``ru_maxrss`` for both.
    """
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
        return peak, peak
    fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
    return (
        int(fields["VmRSS"].split()[0]) / 1024.0,
        int(fields["VmHWM"].split()[0]) / 1024.0,
    )


def reset_peak_rss() -> bool:
    """Reset VmHWM to the current RSS (Linux >= 4.0); False if not possible."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def peak_rss(fn: Callable[[], Any]) -> tuple[Any, dict[str, Any]]:
    """Call `fn` untraced and return its result and the process's RSS around it.

    Collects garbage, reads the RSS, resets the peak and calls `fn`; the figures are
    ``rss_before_mb`` (RSS at the reset), ``rss_peak_mb`` (VmHWM after `fn`) and
    ``rss_exact`` (False if the peak could not be reset, so it includes what came before).
    """
    gc.collect()
    before, _ = rss_mb()
    exact = reset_peak_rss()
    result = fn()
    _, peak = rss_mb()
    return result, {"rss_before_mb": before, "rss_peak_mb": peak, "rss_exact": exact}


def traced(fn: Callable[[], Any]) -> tuple[Any, int, int]:
    """Call `fn` under tracemalloc; return its result and the (current, peak) traced bytes.

    tracemalloc counts only blocks allocated while it traces, so earlier work does not
    affect the figures; `current` is what is still held when `fn` returns.
    """
    gc.collect()
    tracemalloc.start()
    try:
        result = fn()
        current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result, current, peak


def deep_size(roots: Iterable[Any]) -> int:
    """Bytes held by lists/dicts/tuples/sets and the objects in them, each counted once."""
    seen: set[int] = set()
    total = 0
    stack = list(roots)
    while stack:
        obj = stack.pop()
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        total += sys.getsizeof(obj)
        if isinstance(obj, dict):
            stack.extend(obj.keys())
            stack.extend(obj.values())
        elif isinstance(obj, list | tuple | set):
            stack.extend(obj)
    return total


def in_subprocess(script: str | Path, args: list[str], cwd: Path) -> dict[str, Any]:
    """Run ``python script --worker *args`` in a fresh process; return its JSON result.

    The worker must print its measurements as one JSON object on its last line of output.
    """
    command = [sys.executable, str(Path(script).resolve()), "--worker", *args]
    done = subprocess.run(command, capture_output=True, text=True, cwd=cwd, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"memory worker {' '.join(args)} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])
