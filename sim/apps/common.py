"""What every domain's app shares: controls, day stepping, the dashboard, its plots and pages.

An app model is a domain's Mesa model whose `step()` runs the event-driven simulation for
one simulated day (`run_until` the next midnight) and then takes a snapshot of what the
plots show (`Snapshot`); `app_model(domain)` makes that class for any registered domain
with an app (`sim.apps.spec.AppSpec`). Stepping draws no random numbers of its own, so a
run stepped day by day gives the same results as a batch run of the same scenario, regime
and seed. The plots read only the snapshot, never the live model, so they are safe to draw
while the model runs in another thread.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import pandas as pd
import solara
from matplotlib.figure import Figure
from mesa.visualization import SolaraViz, solara_viz
from mesa.visualization.utils import update_counter

from sim.apps.spec import AppSpec, Histogram, Panels, app_spec, lever_means
from sim.domain import Domain
from sim.experiments.scenario import (
    Scenario,
    ScenarioError,
    load_scenario,
    value_at,
    with_overrides,
)
from sim.figures.style import OKABE_ITO
from sim.registry import get_domain

_tokens = itertools.count(1)

CONTROLS = (
    "Controls take effect on Reset; Step and ▶ run one simulated day. "
    "Stakes: payoff per unit of regime score. Inspection chance: per decision-maker per "
    "period. Capacity: multiplies {capacity}. Gamer share: reactive gamers and rational "
    "maniacs (the rest keep the scenario's saints to honest triers ratio)."
)


# ---- settings ------------------------------------------------------------------------------
def parse_seed(seed: int | str | None, default: int) -> tuple[int, str]:
    """A master seed from a control's value (text or a number), and a notice if it was bad.

    A value that is not a whole number >= 0 gives `default` and a notice saying so (the
    app shows it rather than failing the page).
    """
    if seed is None or (isinstance(seed, str) and not seed.strip()):
        return default, ""
    try:
        value = int(str(seed).strip())
    except ValueError:
        value = -1
    if value < 0:
        return default, f"Seed {seed!r} is not a whole number >= 0: seed {default} is used."
    return value, ""


def gamer_share(scenario: Scenario) -> float:
    """Population share of the types that refuse no lever in the scenario's mix."""
    behaviour = scenario.behaviour
    return float(sum(behaviour.population_mix[name] for name in behaviour.gaming_types))


def app_scenario(
    scenario_path: str | Path,
    *,
    stakes: float | None,
    inspection_chance: float | None,
    gamers: float | None,
    capacity: float,
    capacity_parameter: str,
) -> Scenario:
    """Load the scenario and apply the app's controls as validated overrides.

    A control left at the scenario's own value adds no override, so the default controls
    give exactly the scenario file.
    """
    scenario = load_scenario(scenario_path)
    overrides: dict[str, Any] = {}
    if stakes is not None and not math.isclose(stakes, scenario.stakes.level, abs_tol=1e-12):
        overrides["stakes.level"] = float(stakes)
    if inspection_chance is not None and not math.isclose(
        inspection_chance, scenario.audit.inspection_chance, abs_tol=1e-12
    ):
        overrides["audit.inspection_chance"] = float(inspection_chance)
    if gamers is not None and not math.isclose(gamers, gamer_share(scenario), abs_tol=1e-9):
        overrides["behaviour.gamer_share"] = float(gamers)
    if capacity != 1.0 and capacity_parameter:  # relative to the file's own scale
        current = value_at(scenario.model_dump(), capacity_parameter)
        overrides[capacity_parameter] = float(current * capacity)
    return with_overrides(scenario, overrides)


#: each slider's range, enforced on the server too (a browser's limits can be bypassed)
CONTROL_RANGES: dict[str, tuple[float, float, float]] = {  # low, high, step
    "stakes": (0.0, 5.0, 0.25),
    "inspection_chance": (0.0, 0.5, 0.01),
    "capacity": (0.7, 1.6, 0.05),
    "gamers": (0.0, 1.0, 0.05),
}


def check_controls(**controls: float | None) -> None:
    """Refuse a control outside its slider's range, naming it and the range."""
    for name, value in controls.items():
        if value is None:
            continue
        low, high, _ = CONTROL_RANGES[name]
        if isinstance(value, bool) or not isinstance(value, int | float) or not (
                low <= value <= high):  # fmt: skip
            raise ScenarioError(f"{name}: allowed {low:g} to {high:g}, got {value!r}")


def _slider(label: str, name: str, value: float) -> dict[str, Any]:
    low, high, step = CONTROL_RANGES[name]
    return {"type": "SliderFloat", "label": label, "value": value, "min": low, "max": high,
            "step": step}  # fmt: skip


def model_params(scenario: Scenario, scenario_path: str | Path, **settings: Any) -> dict:
    """SolaraViz controls for a scenario: regime, stakes, audit, capacity, gamers, seed.

    `settings` set a control's starting value, or pass a fixed value (such as ``days``).
    """
    params = {
        "regime": {
            "type": "Select", "label": "Regime", "value": next(iter(scenario.regimes)),
            "values": list(scenario.regimes),
        },
        "stakes": _slider("Stakes", "stakes", scenario.stakes.level),
        "inspection_chance": _slider(
            "Inspection chance", "inspection_chance", scenario.audit.inspection_chance
        ),
        "capacity": _slider("Capacity", "capacity", 1.0),
        "gamers": _slider("Gamer share", "gamers", round(gamer_share(scenario), 6)),
        "seed": {"type": "InputText", "label": "Seed", "value": str(scenario.seed)},
        "scenario_path": str(scenario_path),
    }  # fmt: skip
    for name, value in settings.items():
        if isinstance(params.get(name), dict):
            params[name] = {**params[name], "value": str(value) if name == "seed" else value}
        else:
            params[name] = value
    return params


# ---- the day-stepped app model --------------------------------------------------------------
@dataclass(frozen=True)
class Snapshot:
    """What the plots show at one moment of a run."""

    day: float
    days: float
    regime: str
    warmup: float
    ledger: pd.DataFrame = field(repr=False)  # index day; columns measured, true, ...
    levers: pd.DataFrame = field(repr=False)  # index day; one column per lever
    histogram: Histogram = field(repr=False)
    notes: tuple[str, ...] = ()


class DayStepping:
    """Mixin for a domain model built from the app's controls; after each day, a snapshot.

    `app_model(domain)` puts it before the domain's Mesa model class and sets `DOMAIN`.
    The domain model's `step()` runs one simulated day and then calls `step` here (Mesa's
    user step), which takes the snapshot the plots show; the domain's `AppSpec` says what
    they show.
    """

    DOMAIN: str = ""
    app_spec: AppSpec
    panels: Panels

    def __init__(
        self,
        regime: str | None = None,
        stakes: float | None = None,
        inspection_chance: float | None = None,
        capacity: float = 1.0,
        gamers: float | None = None,
        seed: int | str | None = None,
        days: float | None = None,
        scenario_path: str | Path | None = None,
    ) -> None:
        """Build the model a batch run of the same settings builds (replication 0).

        Controls left at None (or at the scenario's values) give the scenario file; the
        scenario defaults to the app's own (`AppSpec.scenario`) and must be of its domain.
        """
        spec = app_spec(self.DOMAIN)
        check_controls(stakes=stakes, inspection_chance=inspection_chance, capacity=capacity,
                       gamers=gamers)  # fmt: skip
        capacity = float(capacity)
        scenario = app_scenario(
            scenario_path or spec.scenario, stakes=stakes, inspection_chance=inspection_chance,
            gamers=gamers, capacity=capacity, capacity_parameter=get_domain(self.DOMAIN).capacity,
        )  # fmt: skip
        if scenario.domain != self.DOMAIN:
            raise ScenarioError(f"domain: this app needs '{self.DOMAIN}', got '{scenario.domain}'")
        master_seed, notice = parse_seed(seed, scenario.seed)
        # the domain model, next in the MRO
        super().__init__(scenario=scenario, regime=regime or None, seed=master_seed, days=days)
        self.app_spec = spec
        self.panels = spec.panels(self, scenario, self.regime_name)
        self.controls_note = CONTROLS.format(capacity=spec.capacity_note)
        self.app_token = next(_tokens)  # identifies this run to the plots' caches
        self.notice = notice
        mix = self.behaviour.population_mix
        gamers = sum(mix[name] for name in self.behaviour.gaming_types)
        self.settings_text = (
            f"Settings of this run: stakes {self.stakes.level:g}, inspection chance "
            f"{self.audit.inspection_chance:g}, capacity x{capacity:g}, gamer share "
            f"{gamers:.2f}, seed {master_seed}"
        )
        self._rows_seen = -1
        self._ledger = pd.DataFrame(columns=["measured", "true"])
        self._levers = pd.DataFrame()
        self.dashboard = self.snapshot()

    def step(self) -> None:
        """After each simulated day: take the snapshot the plots show."""
        self.dashboard = self.snapshot()

    def snapshot(self) -> Snapshot:
        """The dashboard now; the period tables are re-read only when a period is added."""
        if len(self.period_rows) != self._rows_seen:
            rows = pd.DataFrame(self.period_rows)
            self._rows_seen = len(self.period_rows)
            if not rows.empty:
                self._ledger = self.app_spec.ledger(rows)
                self._levers = lever_means(rows)
        return Snapshot(
            day=self.day, days=self.days, warmup=self.warmup_days,
            regime=self.regime_name, ledger=self._ledger, levers=self._levers,
            histogram=self.app_spec.histogram(self),
            notes=tuple(self.app_spec.notes(self, self._ledger)),
        )  # fmt: skip


_app_models: dict[str, tuple[Domain, type]] = {}


def app_model(domain_name: str) -> type:
    """The day-stepped app model class of a registered domain (made once, then cached).

    It is ``{Model}App``, a subclass of `DayStepping` and the domain's Mesa model, built
    from the app's controls: ``app_model("hospital")(regime="kpi", seed=3, days=28)``.
    Raises KeyError for an unknown domain and ValueError for one without an app or model.
    """
    domain = get_domain(domain_name)
    cached = _app_models.get(domain_name)
    if cached is not None and cached[0] is domain:
        return cached[1]
    app_spec(domain_name)  # refuse a domain without an app now, not when first built
    if domain.model is None:
        raise ValueError(f"the '{domain_name}' domain has no Mesa model to step")
    name = f"{domain.model.__name__}App"
    cls = type(name, (DayStepping, domain.model), {
        "DOMAIN": domain_name, "__module__": __name__, "__qualname__": name,
        "__doc__": f"The {domain.title} model for the app: `step()` runs one day; built "
                   "from the controls.",
    })  # fmt: skip
    _app_models[domain_name] = (domain, cls)
    return cls


# ---- plots ----------------------------------------------------------------------------------
#: the publication palette (Okabe-Ito): the dashboard orange, what happened blue (as in the
#: gain figure); levers in the remaining colours, never those two
MEASURED_COLOUR, TRUE_COLOUR = OKABE_ITO["orange"], OKABE_ITO["blue"]
LEVER_COLOURS = tuple(OKABE_ITO[name] for name in (
    "vermilion", "bluish_green", "reddish_purple", "sky_blue", "yellow", "black"))  # fmt: skip


def _figure(board: Snapshot | None = None) -> tuple[Figure, Any]:
    """A plot's figure and axes, the warm-up (left out of every summary) shaded grey."""
    fig = Figure(figsize=(6.4, 4.0), dpi=90, layout="constrained")
    ax = fig.subplots()
    if board is not None and board.warmup > 0:
        ax.axvspan(0, board.warmup, color="#DDDDDD", alpha=0.6, linewidth=0, label="warm-up")
    return fig, ax


def ledger_figure(board: Snapshot, panels: Panels) -> Figure:
    """Both ledgers over time, one point per decision period."""
    fig, ax = _figure(board)
    frame = board.ledger
    if len(frame):
        ax.plot(frame.index, frame["measured"], marker="o", ms=3, color=MEASURED_COLOUR,
                label=panels.measured_label)  # fmt: skip
        ax.plot(frame.index, frame["true"], marker="o", ms=3, color=TRUE_COLOUR,
                label=panels.true_label)  # fmt: skip
        if panels.shade_gap:
            ax.fill_between(frame.index, frame["measured"], frame["true"], color=MEASURED_COLOUR,
                            alpha=0.15, label="gap")  # fmt: skip
    if panels.target is not None:
        ax.axhline(panels.target, color="grey", ls="--", lw=1, label=panels.target_label)
    ax.set_xlim(0, board.days)
    values = [*frame["measured"].dropna(), *frame["true"].dropna()] if len(frame) else []
    if panels.target is not None:
        values.append(panels.target)
    if panels.percent and values:
        ax.set_ylim(max(0.0, min(values) - 5.0), 100.5)
    elif values:
        ax.set_ylim(0.0, 1.1 * max(values))
    ax.set_xlabel("day")
    ax.set_ylabel(panels.ledger_unit)
    ax.set_title(panels.ledger_title, fontsize=10)
    if len(frame) or panels.target is not None:
        fig.legend(fontsize=8, loc="outside lower center", ncol=2)
    else:
        ax.text(0.5, 0.5, "no decision period yet", ha="center", transform=ax.transAxes)
    return fig


def histogram_figure(board: Snapshot, panels: Panels) -> Figure:
    """The distribution on both ledgers (step histograms over shared bins)."""
    fig, ax = _figure()
    h = board.histogram
    for counts, colour, label in (
        (h.measured, MEASURED_COLOUR, panels.histogram_measured),
        (h.true, TRUE_COLOUR, panels.histogram_true),
    ):
        n = int(counts.sum())
        heights = 100.0 * counts / max(n, 1) if panels.histogram_shares else counts
        ax.stairs(heights, h.edges, color=colour, lw=1.5, label=f"{label} (n={n})")
    if panels.histogram_marker is not None:
        ax.axvline(panels.histogram_marker, color="grey", ls="--", lw=1)
    ax.set_xlabel(panels.histogram_unit)
    ax.set_ylabel("% of each group" if panels.histogram_shares else "count")
    ax.set_title(panels.histogram_title, fontsize=10)
    fig.legend(fontsize=8, loc="outside lower center", ncol=2)
    return fig


def lever_figure(board: Snapshot) -> Figure:
    """Mean lever settings over units, one point per decision period."""
    fig, ax = _figure(board)
    frame = board.levers
    if len(frame):
        for index, name in enumerate(frame.columns):
            colour = LEVER_COLOURS[index % len(LEVER_COLOURS)]
            style = ("-", "--", ":")[index // len(LEVER_COLOURS) % 3]
            ax.plot(frame.index, frame[name], marker=".", color=colour, linestyle=style,
                    label=name.replace("_", " "))  # fmt: skip
        fig.legend(fontsize=8, loc="outside lower center", ncol=4)
    else:
        ax.text(0.5, 0.5, "no decision period yet", ha="center", transform=ax.transAxes)
    ax.set_xlim(0, board.days)
    ax.set_ylim(-0.03, 1.03)
    ax.set_xlabel("day")
    ax.set_ylabel("mean intensity (0-1)")
    ax.set_title("Lever settings (mean over units)", fontsize=10)
    return fig


def _plot(model, draw: Callable[[], Figure]):
    """A matplotlib plot of the model's snapshot, drawn once per step of the run."""
    key = [model.app_token, model.steps]
    fig = solara.use_memo(draw, dependencies=key)
    return solara.FigureMatplotlib(fig, format="png", bbox_inches="tight", dependencies=key)


@solara.component
def LedgerPlot(model):
    """Both ledgers over time."""
    update_counter.get()  # SolaraViz bumps this after every step
    board = model.dashboard
    return _plot(model, lambda: ledger_figure(board, model.panels))


@solara.component
def HistogramPlot(model):
    """The distribution on both ledgers now."""
    update_counter.get()  # SolaraViz bumps this after every step
    board = model.dashboard
    return _plot(model, lambda: histogram_figure(board, model.panels))


@solara.component
def LeverPlot(model):
    """Lever settings over time."""
    update_counter.get()  # SolaraViz bumps this after every step
    board = model.dashboard
    return _plot(model, lambda: lever_figure(board))


@solara.component
def Status(model):
    """The run's day, regime and latest figures."""
    update_counter.get()  # SolaraViz bumps this after every step
    board = model.dashboard
    finished = "" if model.running else " (finished)"
    with solara.Card("Run", margin=0) as card:
        solara.Text(f"Day {board.day:g} of {board.days:g}", classes=["goodhart-day"],
                    style={"font-size": "1.3em", "font-weight": "bold"})  # fmt: skip
        solara.Text(f"Regime: {board.regime}{finished}", style={"display": "block"})
        solara.Text(model.settings_text, style={"display": "block"})
        if model.notice:
            solara.Text(model.notice, classes=["goodhart-notice"],
                        style={"display": "block", "color": "#c62828"})  # fmt: skip
        for line in board.notes:
            solara.Text(line, style={"display": "block"})
        solara.Text(model.controls_note,
                    style={"display": "block", "margin-top": "0.8em", "color": "grey"})  # fmt: skip
    return card


@solara.component
def Dashboard(model: solara.Reactive):
    """The status card and the three plots of the current model, redrawn after every step."""
    current = model.value
    with solara.ColumnsResponsive(default=12, large=6) as grid:
        Status(current)
        with solara.Card(margin=0):
            LedgerPlot(current)
        with solara.Card(margin=0):
            HistogramPlot(current)
        with solara.Card(margin=0):
            LeverPlot(current)
    return grid


@solara.component
def AppView(factory: Callable[[], Any], params: dict, name: str):
    """SolaraViz's controls (sidebar) over a model built by `factory`, and the dashboard.

    The plots are laid out here rather than through SolaraViz's `components`, whose
    draggable grid does not render under ipyvue 3 (its grid library needs Vue 2).
    """
    first = solara.use_memo(lambda: factory(), dependencies=[])
    model = solara.use_reactive(first)
    solara.Style(SLIDER_VALUES)
    SolaraViz(model, components=[], model_params=params, name=name)
    Dashboard(model)


#: every slider shows its value all the time, not only while dragged (Vuetify hides the
#: thumb label with an inline display: none, which this overrides; Vuetify 3 and 2 names)
SLIDER_VALUES = (
    ".v-slider-thumb__label-container, .v-slider__thumb-label-container "
    "{ display: block !important; }\n"
    ".v-input.v-slider { margin-top: 22px; }"  # room for the value above each slider
)


@solara.component
def ShowDay(model):
    """The sidebar's "Information" line: the simulated day (Mesa's shows `model.time`)."""
    update_counter.get()
    day, days = getattr(model, "day", None), getattr(model, "days", None)
    if day is None or days is None:
        return solara.Text(f"Time: {model.time}")
    return solara.Text(f"Day: {day:g} of {days:g}")


# Mesa's sidebar shows `model.time`: minutes for A&E ("Time: 145440.0"); show the day
solara_viz.ShowSteps = ShowDay


def viz_params(domain: str, scenario_path: str | Path | None = None, **settings: Any) -> dict:
    """The controls of `domain`'s app for a scenario file, starting at `settings` where given.

    The scenario defaults to the app's own (`AppSpec.scenario`).
    """
    scenario_path = scenario_path or app_spec(domain).scenario
    return model_params(load_scenario(scenario_path), scenario_path, **settings)


def app(domain: str, scenario_path: str | Path | None = None, **settings: Any) -> solara.Element:
    """The app of `domain` with a fresh model (display it in Jupyter as a cell's result).

    `settings` start the controls, and the first model, at other values (e.g.
    ``regime="okr"``, ``seed=3``); ``days`` shortens the run. The scenario defaults to the
    app's own.
    """
    spec = app_spec(domain)
    scenario_path = scenario_path or spec.scenario
    factory = partial(app_model(domain), scenario_path=scenario_path, **settings)
    return AppView(factory, viz_params(domain, scenario_path, **settings), spec.title)


@solara.component
def ServedPage(domain: str):
    """The app of `domain` as the solara server shows it: one model per browser session."""
    params = solara.use_memo(lambda: viz_params(domain), dependencies=[domain])
    title = app_spec(domain).title
    with solara.Column(margin=0) as page:
        solara.Title(title)  # the browser tab's
        AppView(app_model(domain), params, title)
    return page
