"""Will it fit? The memory a run needs, checked against what the machine has, before it runs.

A domain estimates one run's peak memory from its parameters and length
(`Domain.bytes_per_run`, measured in benchmarks/README.md). Runs that would not fit in the
memory available (the machine's, or a container's limit if lower) are refused before they
start, in one line, instead of being killed by the operating system hours in.
"""

from __future__ import annotations

import os
from pathlib import Path

from sim.experiments.scenario import Scenario, ScenarioError
from sim.registry import get_domain

WORKER_BYTES = 250e6  # a worker process with the package imported (benchmarks/README.md)
GIB = 2.0**30


def available_memory() -> float | None:
    """Bytes of memory this process can still use, or None where that cannot be read.

    Linux: the kernel's MemAvailable, lowered to the room left under a cgroup (container)
    memory limit. Elsewhere: the free physical pages, if the system reports them.
    """
    available = _meminfo_available()
    if available is None:
        try:
            available = os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        except (ValueError, OSError, AttributeError):
            return None
    room = _cgroup_room()
    return min(available, room) if room is not None else float(available)


def _meminfo_available() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return float(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def _cgroup_room() -> float | None:
    """Room left under a cgroup (v2, else v1) memory limit; None if there is no limit."""
    for limit_file, used_file in (
        ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory.current"),
        ("/sys/fs/cgroup/memory/memory.limit_in_bytes",
         "/sys/fs/cgroup/memory/memory.usage_in_bytes"),
    ):  # fmt: skip
        try:
            limit = Path(limit_file).read_text().strip()
            used = float(Path(used_file).read_text().strip())
        except (OSError, ValueError):
            continue
        if limit == "max" or float(limit) >= 2.0**60:  # v1 writes a huge number for none
            return None
        return max(0.0, float(limit) - used)
    return None


def memory_needed(scenario: Scenario, days: float, at_once: int = 1) -> float:
    """Bytes `at_once` concurrent runs of `days` need (each in its own worker if > 1)."""
    per_run = get_domain(scenario.domain).bytes_per_run(scenario.params, days)
    return at_once * (per_run + (WORKER_BYTES if at_once > 1 else 0.0))


def check_memory(scenario: Scenario, days: float, at_once: int = 1) -> None:
    """Refuse runs that would not fit in the memory available, naming what to reduce."""
    available = available_memory()
    if available is None:
        return
    needed = memory_needed(scenario, days, at_once)
    if needed > available:
        runs = f"{at_once} runs at once" if at_once > 1 else "one run"
        raise ScenarioError(
            f"memory: {runs} of {days:g} days of '{scenario.name}' would need about "
            f"{needed / GIB:.1f} GiB, but {available / GIB:.1f} GiB is available; use fewer "
            "days, fewer workers or a smaller system"
        )
