"""Render every figure a result folder supports and write it under FOLDER/figures/.

Figures are drawn for a double-column page (7 in wide, files NAME.FORMAT), a single
column (3.5 in wide, files NAME_single.FORMAT), or both. Each file is written to a
temporary name in the same folder and renamed into place, so a reader never sees a
half-written image. Figures are derived data: writing them again
replaces the previous files.
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from matplotlib.figure import Figure

from sim.domain import FigureSpec
from sim.figures.data import FigureSkipped, ResultFolder, load_folder
from sim.figures.emergence import emergence
from sim.figures.gains import real_gain
from sim.figures.ledgers import dashboard_gap, gap_differences, harm_differences, harms
from sim.figures.regime_map import regime_map
from sim.figures.style import WIDTHS, Width, house_style
from sim.figures.sweeps import sensitivity_bars, sweep_heatmap

log = logging.getLogger(__name__)

FORMATS = ("png", "pdf", "svg")
LAYOUTS: dict[str, tuple[Width, ...]] = {"double": ("double",), "single": ("single",),
                                         "both": WIDTHS}  # fmt: skip
SUFFIXES = {"double": "", "single": "_single"}  # file name endings of each width
# Fixed metadata so that the same data give the same PDF and SVG bytes.
METADATA = {"pdf": {"CreationDate": None, "Creator": "goodhart"}, "svg": {"Date": None}}


SINGLE = frozenset({"run", "compare"})
#: Figures of every domain; each domain adds its own (`Domain.figures`).
FIGURES: tuple[FigureSpec, ...] = (
    FigureSpec("dashboard_gap", dashboard_gap, SINGLE),
    FigureSpec("harms", harms, SINGLE),
    FigureSpec("dashboard_gap_differences", gap_differences, frozenset({"compare"})),
    FigureSpec("harm_differences", harm_differences, frozenset({"compare"})),
    FigureSpec("emergence", emergence, SINGLE),
    FigureSpec("real_gain", real_gain, frozenset({"compare"}),
               applies=lambda domain: domain.gain is not None),
    FigureSpec("sweep_heatmap", sweep_heatmap, frozenset({"sweep"})),
    FigureSpec("sensitivity", sensitivity_bars, frozenset({"sweep"})),
    FigureSpec("regime_map", regime_map, frozenset({"sweep"}),
               applies=lambda domain: bool(domain.outcome)),
)


@dataclass
class FigureReport:
    """What `make_figures` did: the files written, and each figure skipped with its reason."""

    folder: Path
    written: list[Path] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)


def applicable(folder: ResultFolder) -> list[FigureSpec]:
    """The figures defined for this kind of folder and its domain: the domain's first."""
    try:
        domain = folder.domain_spec()
    except FigureSkipped:  # a domain not registered here: only the shared figures
        domain = None
    own = domain.figures if domain is not None else ()
    return [
        spec for spec in (*own, *FIGURES)
        if folder.kind in spec.kinds
        and (spec.applies is None or (domain is not None and spec.applies(domain)))
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


def widths_of(width: str) -> tuple[Width, ...]:
    """The layouts to draw for `width` ("double", "single" or "both"); ValueError otherwise."""
    if width not in LAYOUTS:
        allowed = ", ".join(repr(w) for w in LAYOUTS)
        raise ValueError(f"width: unknown {width!r}; allowed: {allowed}")
    return LAYOUTS[width]


def make_figures(
    folder: str | Path | ResultFolder,
    formats: Sequence[str] = ("png", "pdf"),
    dpi: float = 300,
    width: Literal["double", "single", "both"] = "double",
) -> FigureReport:
    """Render every figure that applies to `folder` into `folder`/figures/.

    `width` "double" draws each figure 7 in wide (NAME.FORMAT), "single" 3.5 in wide for
    one column of a page (NAME_single.FORMAT), "both" writes both. A figure the folder's
    files cannot support is skipped and its reason recorded in the report under its name
    (and logged); so is a figure whose drawing fails unexpectedly ("failed: ...", naming
    the layout when two are drawn), so that the others are still written. A folder that
    is not a result folder raises FolderError.
    """
    unknown = sorted(set(formats) - set(FORMATS))
    if unknown or not formats:
        raise ValueError(f"formats: unknown {unknown or 'none given'}; allowed: {list(FORMATS)}")
    layouts = widths_of(width)
    result = load_folder(folder)
    report = FigureReport(folder=result.path)
    for spec in applicable(result):
        for layout in layouts:
            try:
                figure = spec.draw(result, width=layout)
            except FigureSkipped as reason:  # the folder's data, whatever the width
                report.skipped[spec.name] = str(reason)
                log.info("figure %s skipped: %s", spec.name, reason)
                break
            except Exception as error:  # one figure's failure must not cost the others
                which = f" ({layout} column)" if len(layouts) > 1 else ""
                failure = f"failed{which}: {type(error).__name__}: {error}"
                earlier = report.skipped.get(spec.name)
                report.skipped[spec.name] = f"{earlier}; {failure}" if earlier else failure
                log.warning("figure %s (%s column) failed", spec.name, layout, exc_info=True)
                continue
            name = spec.name + SUFFIXES[layout]
            report.written += save_figure(figure, result.path / "figures", name, formats, dpi)
    return report


def write_figures(
    folder: str | Path,
    formats: Sequence[str] = ("png", "pdf"),
    dpi: float = 300,
    width: Literal["double", "single", "both"] = "double",
) -> list[Path]:
    """Render every figure that applies to `folder`; return the files written.

    PNG at `dpi` (300 by default), PDF, and SVG if asked, under `folder`/figures/; 7 in
    wide ("double", NAME.FORMAT), 3.5 in wide ("single", NAME_single.FORMAT) or both.
    Skipped figures are logged; call `make_figures` to get their reasons as data.
    """
    return make_figures(folder, formats, dpi, width).written
