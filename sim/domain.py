"""What a service domain tells the shared layers about itself: the `Domain` plug-in.

A domain (A&E, Crown Courts, ...) is one package under `sim/` that exports one `Domain`
object, named in `sim.registry`. The experiments, figures, validation, apps and CLI read
everything they need from it and never name a domain themselves: its parameters and
model, its levers and their kinds, its metric catalogue (the single place where a metric's
label, unit, denominator, better direction and ledger live), the measures a regime may
watch, its tables, its warm-up series, its figure panels, its app and its facts.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from sim.behaviour import Lever
from sim.regimes import MeasureDefinition

#: The folder of the repository's scenario files (where each domain's default scenario lives).
SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"

Ledger = Literal["measured", "true", "behaviour"]
Better = Literal["higher", "lower", "neither"]
#: A run's outputs: its summary and its tables by name.
Outputs = tuple[dict[str, float], dict[str, pd.DataFrame]]
#: Legend entries of the two ledgers in figures.
MEASURED = "Measured (dashboard)"
TRUE = "True (what happened)"


@dataclass(frozen=True)
class Rate:
    """A count per run expressed as a rate, so runs of different sizes compare.

    Attributes:
        denominator: the summary metric the count is divided by (e.g. ``patients``).
        per: the rate is the count per this many of the denominator (e.g. 1000).
        of: the denominator in words, with `per` ("1,000 attendances", "centre-year").
        suffix: added to the count's name to name the rate ("per_1000_attendances").

    """

    denominator: str
    per: float
    of: str
    suffix: str


@dataclass(frozen=True)
class Metric:
    """One summary output of a run.

    Attributes:
        name: column name in summaries and result stores.
        label: what it is, in plain words (no unit).
        unit: its unit ("%", "minutes", "patients", "0-1", ...).
        ledger: "measured" (what the dashboard shows), "true" (what happened to people) or
            "behaviour" (what the decision-makers did).
        better: which direction is better for the people served ("neither" for lever
            settings and neutral counts).
        denominator: what a count or share is taken over, e.g. "patients arriving after
            the warm-up" or "per run".
        headline: printed by `goodhart compare` and drawn by default.
        rate: for a count per run, the rate that goes beside it (`with_rates`).

    """

    name: str
    label: str
    unit: str
    ledger: Ledger
    better: Better = "neither"
    denominator: str = ""
    headline: bool = True
    rate: Rate | None = None

    @property
    def axis_label(self) -> str:
        """Label with its unit, as an axis title: "Excess deaths (patients per run)"."""
        return f"{self.label} ({self.unit})" if self.unit else self.label


@dataclass(frozen=True)
class Series:
    """One summary metric drawn in a ledger panel.

    Attributes:
        column: the metric's name in the catalogue.
        label: legend text (used when a panel or figure has more than one kind of series).
        filled: filled markers for the true ledger, open ones for the measured ledger.
        marker: matplotlib marker.

    """

    column: str
    label: str
    filled: bool = True
    marker: str = "o"


@dataclass(frozen=True)
class Panel:
    """A panel of regime means with 95% intervals, drawn from the summary table.

    Attributes:
        series: metrics drawn side by side at each regime.
        title: the quantity they share, without a unit, when the panel holds several
            metrics; the unit always comes from the catalogue (default: the first
            metric's label).
        zero_line: draw a faint line at zero (for differences).
        short_title: the title of the single-column layout, if `title` is too long.

    """

    series: tuple[Series, ...]
    title: str | None = None
    zero_line: bool = False
    short_title: str | None = None


@dataclass(frozen=True)
class GainSplit:
    """How a regime's measured gain splits into a true gain and a gaming gain.

    The three metrics measure one quantity on both ledgers, so that, for each regime paired
    with a reference, measured gain = true gain + gaming gain exactly.

    Attributes:
        measured: the measured-ledger metric (e.g. the recorded 4-hour share).
        true: the true-ledger metric of the same quantity.
        gaming: measured minus true (the dashboard gap).

    """

    measured: str
    true: str
    gaming: str


@dataclass(frozen=True)
class FigureSpec:
    """A figure: its file name, how to draw it, and which kinds of folder it applies to.

    `draw(folder, width=...)` takes a result folder and "double" or "single" (column width)
    and returns a matplotlib Figure; it reads result files only. `applies(domain)`, if
    given, says whether a domain can have the figure at all.
    """

    name: str
    draw: Callable[..., Any]
    kinds: frozenset[str] = frozenset({"run", "compare"})
    applies: Callable[[Domain], bool] | None = None


@dataclass(frozen=True)
class TableSpec:
    """A per-run table a domain writes, and how a comparison stores it.

    Attributes:
        name: file name stem (``NAME.parquet``).
        description: one row per what.
        streamed: one row per entity (patient, case): too large to hold for many runs, so
            a comparison appends it to its own file run by run; other tables are small and
            written at the end.

    """

    name: str
    description: str
    streamed: bool = False


@dataclass(frozen=True)
class Domain:
    """Everything the shared layers know about one service domain.

    Attributes:
        name: the scenario's ``domain`` and the name of its parameter table.
        title: a short human name ("A&E", "Crown Courts").
        params: the pydantic model of the domain's parameter table.
        simulate: runs one model from its parameters and a `RunSettings`; returns the
            summary and the tables (a `ServiceModel` subclass's `simulate`).
        model: the Mesa model class (None for a domain that is not an agent model).
        scenario: the default scenario file, what the model builds when given none.
        events: from the parameters, the scenario's dated events as (what, day), so a run
            that ends before one is warned about.
        histograms: from a run's tables, warm-up and days, binned counts (columns
            ``series``, ``bin``, ``count``) that a comparison stores instead of its
            per-entity tables, and that the domain's figures draw from; None if none.
        levers: every lever its decision-makers can set.
        metrics: the metric catalogue of its run summary.
        measures: what a regime may watch (the measure catalogue regimes are checked by).
        tables: the tables a run returns beside the summary.
        time_unit: the unit of the model's clock ("minutes", "days").
        seconds_per_run: rough wall time of one run from the parameters and days (used to
            batch runs so that a distributed task lasts about a second or more).
        bytes_per_run: peak memory of one run from the parameters and days, on the safe
            side (runs that would not fit are refused before they start); 0 if unknown.
        sensitivity_output: the default output of a sensitivity analysis.
        warmup_series: from a run's tables, the series MSER-5 judges the warm-up on and the
            days one of its values covers.
        observe: from a run's tables and days, extra values the facts read.
        gap_panels: panels of the dashboard-gap figure (measured beside true).
        harm_panels: panels of the harms figure.
        figures: figures of this domain only (drawn from its tables).
        facts: returns the published facts the domain is checked against
            (`sim.validation.Fact`s; a function, so that they load only when asked for).
        outcome: the true-ledger metric that matters most to the people served (the regime
            map shows where each regime beats no target on it); "" if none is declared.
        gain: the measured, true and gap metrics of the quantity the regimes' dashboard
            shows, for "how much of the dashboard's gain is real" (None if the domain has
            no such pair).
        capacity: the dotted name of the parameter that scales every site's capacity at
            once (a factor, 1 = as listed), for the app's capacity control and for
            exploratory designs; "" if the domain has none.
        app: the module holding the domain's interactive app (its `APP`, a
            `sim.apps.AppSpec`), or None.
        documentation: the domain's ODD description, relative to the repository root; it
            must describe every catalogued metric (checked by the tests).

    """

    name: str
    title: str
    params: type
    simulate: Callable[..., Outputs]
    levers: tuple[Lever, ...]
    metrics: tuple[Metric, ...]
    measures: tuple[MeasureDefinition, ...]
    tables: tuple[TableSpec, ...] = ()
    model: type | None = None
    scenario: Path | None = None
    events: Callable[[Any], Sequence[tuple[str, float]]] = field(default=lambda params: ())
    histograms: Callable[[Mapping[str, pd.DataFrame], float, float], pd.DataFrame] | None = None
    time_unit: str = "days"
    seconds_per_run: Callable[[Any, float], float] = field(default=lambda params, days: 1.0)
    bytes_per_run: Callable[[Any, float], float] = field(default=lambda params, days: 0.0)
    sensitivity_output: str = ""
    warmup_series: Callable[[Mapping[str, pd.DataFrame]], tuple[np.ndarray, float]] | None = None
    observe: Callable[[Mapping[str, pd.DataFrame], float], dict[str, float]] | None = None
    gap_panels: tuple[Panel, ...] = ()
    harm_panels: tuple[Panel, ...] = ()
    figures: tuple[FigureSpec, ...] = ()
    facts: Callable[[], tuple[Any, ...]] = tuple
    gain: GainSplit | None = None
    outcome: str = ""
    capacity: str = ""
    app: str | None = None
    documentation: str = ""

    def __post_init__(self) -> None:
        """Refuse a catalogue with repeated names or panels that draw unknown metrics."""
        names = [m.name for m in self.metrics]
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            raise ValueError(f"domain '{self.name}': metrics named twice: {repeated}")
        known = set(names)
        for panel in (*self.gap_panels, *self.harm_panels):
            unknown = [s.column for s in panel.series if s.column not in known]
            if unknown:
                raise ValueError(f"domain '{self.name}': panels draw unknown metrics {unknown}")
        if self.gain is not None:
            unknown = [m for m in vars(self.gain).values() if m not in known]
            if unknown:
                raise ValueError(f"domain '{self.name}': gain names unknown metrics {unknown}")
        if self.outcome and self.outcome not in known:
            raise ValueError(f"domain '{self.name}': outcome '{self.outcome}' is not catalogued")
        if self.sensitivity_output and self.sensitivity_output not in known:
            raise ValueError(
                f"domain '{self.name}': sensitivity_output '{self.sensitivity_output}' is not "
                "in its metric catalogue"
            )

    # ---- the catalogue ------------------------------------------------------------------
    def metric(self, name: str) -> Metric:
        """The catalogue entry of `name`; KeyError naming the allowed names otherwise."""
        for metric in self.metrics:
            if metric.name == name:
                return metric
        raise KeyError(f"unknown metric '{name}'; allowed: {[m.name for m in self.metrics]}")

    def ledger(self, ledger: Ledger, headline_only: bool = True) -> tuple[str, ...]:
        """Names of the metrics of one ledger, in catalogue order."""
        return tuple(
            m.name for m in self.metrics
            if m.ledger == ledger and (m.headline or not headline_only)
        )  # fmt: skip

    @property
    def headline(self) -> tuple[str, ...]:
        """Every printed metric: measured ledger, true ledger, behaviour."""
        return (*self.ledger("measured"), *self.ledger("true"), *self.ledger("behaviour"))

    def catalogue_table(self) -> pd.DataFrame:
        """The metric catalogue as a table: name, ledger, label, unit, better, denominator."""
        return pd.DataFrame([
            {"metric": m.name, "ledger": m.ledger, "label": m.label, "unit": m.unit,
             "better": m.better, "denominator": m.denominator, "headline": m.headline}
            for m in self.metrics
        ])  # fmt: skip

    def glossary(self) -> str:
        """The metric catalogue as a Markdown section, one table per ledger."""
        lines = [f"## {self.title} (`{self.name}`)", ""]
        titles = {"measured": "Measured ledger (what the dashboard shows)",
                  "true": "True ledger (what happened to people)",
                  "behaviour": "Behaviour (what the decision-makers did)"}  # fmt: skip
        for ledger, title in titles.items():
            lines += [f"### {title}", "", "| metric | what it is | unit | counted over | "
                      "better | printed |", "|---|---|---|---|---|---|"]  # fmt: skip
            lines += [
                f"| `{m.name}` | {m.label} | {m.unit} | {m.denominator or '-'} | {m.better} | "
                f"{'yes' if m.headline else 'with --all'} |"
                for m in self.metrics if m.ledger == ledger
            ]  # fmt: skip
            lines.append("")
        return "\n".join(lines)

    @property
    def lever_names(self) -> tuple[str, ...]:
        """Names of every lever."""
        return tuple(lever.name for lever in self.levers)

    def lever_kinds(self, *kinds: str) -> tuple[str, ...]:
        """Names of the levers of the given kinds (e.g. "gaming", "fraud")."""
        return tuple(lever.name for lever in self.levers if lever.kind in kinds)

    @property
    def streamed_tables(self) -> frozenset[str]:
        """Names of the per-entity tables a comparison streams to disk."""
        return frozenset(t.name for t in self.tables if t.streamed)


def with_rates(metrics: Sequence[Metric]) -> tuple[Metric, ...]:
    """The catalogue with each count's rate (its `Metric.rate`) right after the count.

    A rate's unit is the count's unit with "per run" replaced: "deaths per run" gives
    "deaths per 1,000 attendances".
    """
    out: list[Metric] = []
    for metric in metrics:
        out.append(metric)
        rate = metric.rate
        if rate is not None:
            counted = metric.unit.removesuffix(" per run")
            out.append(Metric(
                f"{metric.name}_{rate.suffix}", f"{metric.label}, per {rate.of}",
                f"{counted} per {rate.of}", metric.ledger, metric.better,
                f"{metric.denominator}; per {rate.of}", metric.headline,
            ))  # fmt: skip
    return tuple(out)


def add_rates(summary: dict[str, float], metrics: Sequence[Metric]) -> dict[str, float]:
    """`summary` with the rate of every count whose metric declares one (NaN if undefined)."""
    rates = {}
    for metric in metrics:
        rate = metric.rate
        if rate is None or metric.name not in summary:
            continue
        base = summary.get(rate.denominator, math.nan)
        value = summary[metric.name] / base * rate.per if base and base > 0 else math.nan
        rates[f"{metric.name}_{rate.suffix}"] = float(value)
    return {**summary, **rates}


def lever_metrics(levers: Sequence[Lever], denominator: str) -> tuple[Metric, ...]:
    """Catalogue entries of each lever's mean setting (``lever_NAME``) and of drift.

    ``lever_drift`` says how far the settings still move at the end of the run.
    """
    drift = Metric(
        "lever_drift", "Lever drift: largest change in a lever's mean setting between the "
        "last two quarters of the periods after the warm-up (small: settings have settled)",
        "setting 0-1", "behaviour", "neither", denominator, headline=False,
    )  # fmt: skip
    return (*(
        Metric(f"lever_{lever.name}", f"Lever: {lever.name.replace('_', ' ')} "
               f"({lever.kind})", "mean setting 0-1", "behaviour", denominator=denominator)
        for lever in levers
    ), drift)  # fmt: skip
