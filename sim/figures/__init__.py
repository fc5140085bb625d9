"""Publication figures made from result folders alone (no model is imported or run).

Quick use::

    from sim.figures import make_figures, write_figures
    paths = write_figures("results/ae_four_hour/compare-20250101-120000")
    report = make_figures(folder, formats=("png", "pdf", "svg"))  # also says what was skipped
    report = make_figures(folder, width="both")  # also NAME_single.*, 3.5 in wide

Each figure function takes a result folder (a path or a loaded `ResultFolder`) and a
`width` ("double", 7 in, or "single", 3.5 in) and returns a matplotlib Figure; see
docs/figures.md. Figures of one domain's tables live in that domain's package
(`Domain.figures`).
"""

from sim.figures.data import FigureSkipped, FolderError, ResultFolder, load_folder
from sim.figures.emergence import emergence
from sim.figures.gains import real_gain
from sim.figures.ledgers import dashboard_gap, gap_differences, harm_differences, harms
from sim.figures.regime_map import regime_map
from sim.figures.sweeps import sensitivity_bars, sweep_heatmap
from sim.figures.writer import (
    FIGURES,
    FigureReport,
    applicable,
    make_figures,
    save_figure,
    write_figures,
)

__all__ = [
    "FIGURES",
    "FigureReport",
    "FigureSkipped",
    "FolderError",
    "ResultFolder",
    "applicable",
    "dashboard_gap",
    "emergence",
    "gap_differences",
    "harm_differences",
    "harms",
    "load_folder",
    "make_figures",
    "real_gain",
    "regime_map",
    "save_figure",
    "sensitivity_bars",
    "sweep_heatmap",
    "write_figures",
]
