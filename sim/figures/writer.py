"""Render every figure a result folder supports and write it under FOLDER/figures/.

Each file is written to a temporary name in the same folder and renamed into place, so a
reader never sees a half-written image. Figures are derived data: writing them again
replaces the previous files.
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from matplotlib.figure import Figure

from sim.figures.courts import time_to_trial
from sim.figures.data import FigureSkipped, ResultFolder, load_folder
from sim.figures.emergence import emergence
from sim.figures.hospital import time_in_department
from sim.figures.ledgers import dashboard_gap, harms
from sim.figures.style import house_style
from sim.figures.sweeps import sensitivity_bars, sweep_heatmap

log = logging.getLogger(__name__)

FORMATS = ("png", "pdf", "svg")
# Fixed metadata so that the same data give the same PDF and SVG bytes.
METADATA = {"pdf": {"CreationDate": None, "Creator": "goodhart"}, "svg": {"Date": None}}


@dataclass(frozen=True)
class FigureSpec:
    """A figure: its file name, how to draw it, and which folders it applies to."""

    name: str
    draw: Callable[[ResultFolder], Figure]
    kinds: frozenset[str]
    domains: frozenset[str] | None = None  # None: any domain


SINGLE = frozenset({"run", "compare"})
FIGURES: tuple[FigureSpec, ...] = (
    FigureSpec("time_in_department", time_in_department, SINGLE, frozenset({"hospital"})),
    FigureSpec("time_to_trial", time_to_trial, SINGLE, frozenset({"courts"})),
    FigureSpec("dashboard_gap", dashboard_gap, SINGLE, frozenset({"hospital", "courts"})),
    FigureSpec("harms", harms, SINGLE, frozenset({"hospital", "courts"})),
    FigureSpec("emergence", emergence, SINGLE, frozenset({"hospital", "courts"})),
    FigureSpec("sweep_heatmap", sweep_heatmap, frozenset({"sweep"})),
    FigureSpec("sensitivity", sensitivity_bars, frozenset({"sweep"})),
)


@dataclass
class FigureReport:
    """What `make_figures` did: the files written, and each figure skipped with its reason."""

    folder: Path
    written: list[Path] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)


def applicable(folder: ResultFolder) -> list[FigureSpec]:
    """The figures defined for this kind of folder and domain."""
    return [
        spec for spec in FIGURES
        if folder.kind in spec.kinds and (spec.domains is None or folder.domain in spec.domains)
    ]  # fmt: skip


def save_figure(
    figure: Figure, folder: Path, name: str, formats: Sequence[str], dpi: float = 300
) -> list[Path]:
    """Write `figure` as folder/NAME.FORMAT for each format, atomically; return the paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    with house_style():
        for fmt in formats:
            target = folder / f"{name}.{fmt}"
            handle, temporary = tempfile.mkstemp(prefix=f".{name}.", suffix=f".{fmt}.tmp",
                                                 dir=folder)  # fmt: skip
            try:
                with os.fdopen(handle, "wb") as stream:
                    figure.savefig(stream, format=fmt, dpi=dpi, metadata=METADATA.get(fmt))
                os.chmod(temporary, 0o644)
                os.replace(temporary, target)
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise
            paths.append(target)
    return paths


def make_figures(
    folder: str | Path | ResultFolder,
    formats: Sequence[str] = ("png", "pdf"),
    dpi: float = 300,
) -> FigureReport:
    """Render every figure that applies to `folder` into `folder`/figures/.

    A figure the folder's files cannot support is skipped and its reason recorded in the
    report (and logged); so is a figure whose drawing fails unexpectedly ("failed: ..."),
    so that the others are still written. A folder that is not a result folder raises
    FolderError.
    """
    unknown = sorted(set(formats) - set(FORMATS))
    if unknown or not formats:
        raise ValueError(f"formats: unknown {unknown or 'none given'}; allowed: {list(FORMATS)}")
    result = load_folder(folder)
    report = FigureReport(folder=result.path)
    for spec in applicable(result):
        try:
            figure = spec.draw(result)
        except FigureSkipped as reason:
            report.skipped[spec.name] = str(reason)
            log.info("figure %s skipped: %s", spec.name, reason)
            continue
        except Exception as error:  # one figure's failure must not cost the others
            report.skipped[spec.name] = f"failed: {type(error).__name__}: {error}"
            log.warning("figure %s failed", spec.name, exc_info=True)
            continue
        report.written += save_figure(figure, result.path / "figures", spec.name, formats, dpi)
    return report


def write_figures(
    folder: str | Path, formats: Sequence[str] = ("png", "pdf"), dpi: float = 300
) -> list[Path]:
    """Render every figure that applies to `folder`; return the files written.

    PNG at `dpi` (300 by default), PDF, and SVG if asked, under `folder`/figures/. Skipped
    figures are logged; call `make_figures` to get their reasons as data.
    """
    return make_figures(folder, formats, dpi).written
