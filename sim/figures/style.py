"""The house style of every figure: fonts, sizes, a colour-blind-safe palette, source notes.

Colours come from the Okabe-Ito palette (Okabe & Ito 2008), which stays distinguishable
under the common colour-vision deficiencies. Each regime name keeps one colour in every
figure (kpi vermilion, okr blue, none black); other regimes take the remaining colours in
the order the scenario lists them. Fonts are DejaVu Sans, which ships with matplotlib, so
an image renders the same on every machine.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Literal

import matplotlib as mpl
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.textpath import TextToPath

SINGLE_COLUMN_IN = 3.5
DOUBLE_COLUMN_IN = 7.0
Width = Literal["double", "single"]
WIDTHS: tuple[Width, ...] = ("double", "single")
COLUMN_WIDTHS_IN = {"double": DOUBLE_COLUMN_IN, "single": SINGLE_COLUMN_IN}
LEGEND_FONT_SIZE = 7
NOTE_FONT_SIZE = 5.5
NOTE_LINE_IN = 0.11  # height of one line of the source note
NOTE_MARGIN_IN = 0.05
NOTE_CHARS_PER_IN = 24  # characters of the note's font per inch of width (about)

OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermilion": "#D55E00",
    "reddish_purple": "#CC79A7",
}
FIXED_REGIME_COLOURS = {
    "kpi": OKABE_ITO["vermilion"],
    "okr": OKABE_ITO["blue"],
    "none": OKABE_ITO["black"],
}
OTHER_REGIME_COLOURS = tuple(
    OKABE_ITO[name] for name in ("orange", "sky_blue", "bluish_green", "reddish_purple")
)
REGIME_LABELS = {"kpi": "KPI", "okr": "OKR", "none": "No target"}

# Bevan & Hood (2006) motivation types, from least to most willing to game
MOTIVATIONS = ("saint", "honest_trier", "reactive_gamer", "rational_maniac")
MOTIVATION_STYLES = {
    "saint": (OKABE_ITO["bluish_green"], "-"),
    "honest_trier": (OKABE_ITO["sky_blue"], "--"),
    "reactive_gamer": (OKABE_ITO["orange"], "-."),
    "rational_maniac": (OKABE_ITO["reddish_purple"], ":"),
}
NOTE_COLOUR = "#555555"
GRID_COLOUR = "#DDDDDD"

RC_PARAMS = {
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans"],
    "font.size": 8,
    "axes.titlesize": 8,
    "axes.labelsize": 8,
    "xtick.labelsize": 7,
    "ytick.labelsize": 7,
    "legend.fontsize": 7,
    "legend.frameon": False,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.linewidth": 0.6,
    "xtick.major.width": 0.6,
    "ytick.major.width": 0.6,
    "xtick.major.size": 2.5,
    "ytick.major.size": 2.5,
    "lines.linewidth": 1.2,
    "lines.markersize": 4,
    "errorbar.capsize": 2,
    "axes.grid": False,
    "grid.color": GRID_COLOUR,
    "grid.linewidth": 0.5,
    "figure.dpi": 100,
    "savefig.dpi": 300,
    "pdf.fonttype": 42,  # TrueType in PDFs: text stays editable and searchable
    "ps.fonttype": 42,
    "svg.fonttype": "path",
    "svg.hashsalt": "goodhart",  # stable ids in SVG files
    "image.cmap": "cividis",
}


@contextmanager
def house_style() -> Iterator[None]:
    """Apply the house style inside the block only (no global matplotlib state changes)."""
    with mpl.rc_context(RC_PARAMS):
        yield


def new_figure(width_in: float, height_in: float) -> Figure:
    """A figure with constrained layout, to be finished with `add_note`.

    Created without pyplot, so nothing is registered globally and the figure is freed as
    soon as it is no longer referenced.
    """
    return Figure(figsize=(width_in, height_in), layout="constrained")


def column_width(width: str) -> float:
    """The width in inches of a 'double' (7 in) or 'single' (3.5 in) column figure."""
    if width not in COLUMN_WIDTHS_IN:
        allowed = ", ".join(repr(w) for w in WIDTHS)
        raise ValueError(f"width: unknown {width!r}; allowed: {allowed}")
    return COLUMN_WIDTHS_IN[width]


def text_width_in(text: str, size: float = LEGEND_FONT_SIZE) -> float:
    """Width in inches of one line of `text` in DejaVu Sans at `size` points."""
    font = FontProperties(family="DejaVu Sans", size=size)
    width, _, _ = TextToPath().get_text_width_height_descent(text, font, ismath=False)
    return width / 72.0


def legend_columns(labels: Sequence[str], width_in: float) -> int:
    """The most legend columns (at most one row's worth) whose entries fit in `width_in`.

    Every column is taken as wide as the widest entry: a line handle of 2 em, the gap to
    the text and 2 em between columns (matplotlib's defaults at the legend font size).
    """
    if not labels:
        return 1
    em = LEGEND_FONT_SIZE / 72.0
    entry = max(text_width_in(label) for label in labels) + (2.0 + 0.8) * em
    fit = int((width_in - 0.2 + 2.0 * em) // (entry + 2.0 * em))
    return max(1, min(len(labels), fit))


def add_note(figure: Figure, text: str) -> None:
    """Write the source note small and grey at the bottom right, wrapped to the width.

    The plots are laid out above the note's lines so that they never overlap it.
    """
    width_in, height_in = figure.get_size_inches()
    lines = textwrap.wrap(text, width=max(40, int(width_in * NOTE_CHARS_PER_IN)))
    strip = (NOTE_LINE_IN * len(lines) + NOTE_MARGIN_IN) / height_in
    figure.get_layout_engine().set(rect=(0.0, strip, 1.0, 1.0 - strip))
    figure.text(
        0.995, 0.004, "\n".join(lines), ha="right", va="bottom", fontsize=NOTE_FONT_SIZE,
        color=NOTE_COLOUR, linespacing=1.3,
    )  # fmt: skip


def regime_colours(regimes: Sequence[str]) -> dict[str, str]:
    """A colour for each regime: fixed for kpi, okr and none, the others cycled in order."""
    colours, others = {}, 0
    for name in regimes:
        if name in FIXED_REGIME_COLOURS:
            colours[name] = FIXED_REGIME_COLOURS[name]
        else:
            colours[name] = OTHER_REGIME_COLOURS[others % len(OTHER_REGIME_COLOURS)]
            others += 1
    return colours


def regime_label(name: str) -> str:
    """How a regime is named on a figure."""
    return REGIME_LABELS.get(name, name)


def motivation_label(name: str) -> str:
    """How a motivation type is named on a figure ('honest_trier' -> 'Honest trier')."""
    return name.replace("_", " ").capitalize()


def motivation_style(name: str, index: int) -> tuple[str, str]:
    """Colour and line style of a motivation type (unknown types cycle the palette)."""
    if name in MOTIVATION_STYLES:
        return MOTIVATION_STYLES[name]
    fallback = (OKABE_ITO["blue"], OKABE_ITO["vermilion"], OKABE_ITO["yellow"])
    return fallback[index % len(fallback)], "-"


def light_grid(axes: Axes, axis: str = "y") -> None:
    """Faint grid lines behind the data on one axis."""
    axes.grid(True, axis=axis, color=GRID_COLOUR, linewidth=0.5)
    axes.set_axisbelow(True)
