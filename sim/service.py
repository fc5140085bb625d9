"""The Mesa model every service domain builds on: a regime judging learning decision-makers.

It holds what every domain shares: the run settings, named random streams (so each
stochastic process has its own stream and regimes can be paired), the regime's scorer, an
event-driven clock (Mesa's unit step switched off), and the decision period, written once:
at the end of each period every decision-maker's scope is measured on both ledgers,
scored by the regime, ranked in a league table, audited and paid; the regime reviews its
targets; then each decision-maker chooses its levers for the next period, learning or
imitating a better-ranked peer, and puts them into effect.

A domain subclass supplies its sites (EDs, court centres), each site's decision-makers
and their scopes, how a scope is measured, its context signals and its own period
columns (the hooks below), and runs its own service flow between decisions.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

import mesa
import numpy as np
import pandas as pd
from mesa.time import Priority, Schedule

from sim.behaviour import BehaviourSettings, DecisionMaker, ImprovementSettings, Payoff
from sim.domain import add_rates
from sim.mesa_engine import event_driven, release, user_step
from sim.regimes import (
    AuditSettings,
    FunderSettings,
    KPISpec,
    LeagueTable,
    NoTargetSpec,
    OKRSpec,
    Stakes,
    allocate,
    build_scorer,
    expected_sanction,
    inspect,
    league_rewards,
)

Seed = int | tuple[int, ...]


@dataclass(frozen=True)
class RunSettings:
    """Everything about one run that is not the domain's own parameters.

    Built once from a scenario (`sim.experiments.runner.run_settings`) and passed to the
    model, so a batch run, a sweep and an app build the same model from the same settings.

    Attributes:
        regime_name: the regime's name in the scenario.
        regime: the validated regime spec (KPI, OKR or no target).
        behaviour: how decision-makers learn and copy.
        stakes: how much the regime's judgement is worth to those judged.
        audit: inspections, detection and sanction.
        league: whether rankings are published and what rank is worth.
        improvement: whether and how decision-makers can improve the service.
        funder: who reads the dashboard and shares out extra capacity, and how.
        seed: the master seed, or (seed, replication) for common random numbers.
        days: simulated days.
        warmup_days: days at the start that summaries leave out.
        time_limit_s: wall-clock seconds the run may take, checked every simulated day;
            past it the run raises `RunTimeLimit` (None: no limit). It never changes
            what a run that finishes computes.

    """

    regime_name: str = "none"
    regime: KPISpec | OKRSpec | NoTargetSpec = field(
        default_factory=lambda: NoTargetSpec(type="none")
    )
    behaviour: BehaviourSettings = field(default_factory=BehaviourSettings)
    stakes: Stakes = field(default_factory=Stakes)
    audit: AuditSettings = field(default_factory=AuditSettings)
    league: LeagueTable = field(default_factory=LeagueTable)
    improvement: ImprovementSettings = field(default_factory=ImprovementSettings)
    funder: FunderSettings = field(default_factory=FunderSettings)
    seed: Seed = 0
    days: float = 365.0
    warmup_days: float = 0.0
    time_limit_s: float | None = None


class RunTimeLimit(RuntimeError):
    """A run that took longer than its `RunSettings.time_limit_s`."""


def stream_key(name: str) -> int:
    """A stable 63-bit number from a stream's name (the same in every process and version)."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big") >> 1


def named_streams(seed: Seed, names: Sequence[str]) -> dict[str, np.random.Generator]:
    """One generator per name, each seeded from the master seed and its own name.

    A stream's seed depends on its name, not its position, so adding a stream never
    changes the numbers the others draw.
    """
    entropy = list(seed) if isinstance(seed, tuple | list) else seed
    return {
        name: np.random.default_rng(np.random.SeedSequence(entropy, spawn_key=(stream_key(name),)))
        for name in names
    }


@dataclass
class Judged:
    """One decision-maker's period: its scope, both ledgers' values, score and quality."""

    agent: DecisionMaker
    site: int
    scope: Any
    measured: dict[str, float]
    true: dict[str, float]
    quality: float
    score: float = 0.0


class ServiceModel(mesa.Model):
    """Base of the domain models: settings, streams, the regime and the decision period.

    Built from a scenario, the Mesa way (`Model(scenario=..., regime=..., rng=...)` or
    `Model.from_scenario(...)`), or from validated parts (`Model(params, settings)`, what
    `sim.run` does). `step()` advances one simulated day and counts it in `steps`; after
    it the class's own `step` runs (a subclass may override it, as in any Mesa model) and
    `datacollector` records the day. `running` turns False at the end of the horizon,
    when `summary` holds the run's summary (what `sim.run` reports). `run()` runs to the
    end at once, without collecting daily data.

    Subclasses set `DOMAIN` (their registry name), `STREAMS` (their random streams besides
    "behaviour" and "audit"), `SITE` (the column naming a site in tables) and
    `TIME_PER_DAY` (clock units per day), and implement the hooks `sites`, `site_name`,
    `scopes`, `measure`, `context`, `peer_groups`, `period_columns`, `results` and, if
    the end of the horizon needs more than its events, `at_end`; `LEDGER` names the period
    columns reported daily.
    """

    DOMAIN: ClassVar[str] = ""
    #: period-table columns the data collector reports daily (both ledgers), each with the
    #: column that weights its mean over sites ("" to sum it over sites)
    LEDGER: ClassVar[dict[str, str]] = {}
    STREAMS: ClassVar[tuple[str, ...]] = ()
    SITE: ClassVar[str] = "site"
    TIME_PER_DAY: ClassVar[float] = 1.0

    def __init__(self, settings: RunSettings | None = None) -> None:
        """Seed the streams, build the regime's scorer and schedule the decision periods.

        A subclass resolves its inputs with `inputs` and passes the settings here.
        """
        settings = settings or RunSettings()
        self.settings = settings
        self.streams = named_streams(
            settings.seed, ("behaviour", "audit", "improvement", *self.STREAMS)
        )
        super().__init__(rng=self.streams["behaviour"])
        event_driven(self, self._step_day)
        self.regime_name = settings.regime_name
        self.behaviour = settings.behaviour
        self.stakes = settings.stakes
        own = getattr(settings.regime, "stakes", None)
        self.stakes_level = settings.stakes.level if own is None else own
        #: what a unit of regime score is worth through pay and rank (prices an aim's gain)
        self.score_worth = self.stakes_level + (
            settings.league.weight if settings.league.published else 0.0
        )
        self.audit = settings.audit
        self.league = settings.league
        self.improvement = settings.improvement
        self.funder = settings.funder
        self.funds: list[float] = []  # each site's current allocation, in surge units
        self.last_funding_day = 0.0
        self.days = float(settings.days)
        self.end_time = self.days * self.TIME_PER_DAY
        self.warmup_days = float(settings.warmup_days)
        self._summary: dict[str, float] | None = None
        self.scorer = build_scorer(settings.regime_name, settings.regime)
        self.decision_rows: list[dict] = []
        self.period_rows: list[dict] = []
        self.last_decision_day = 0.0
        period = self.behaviour.decision_period_days * self.TIME_PER_DAY
        self.schedule_recurring(
            self._on_decision, Schedule(interval=period, start=period), Priority.LOW
        )
        if settings.time_limit_s is not None:
            self._deadline = time.monotonic() + settings.time_limit_s
            day = Schedule(interval=self.TIME_PER_DAY, start=self.TIME_PER_DAY)
            self.schedule_recurring(self._check_time_limit, day, Priority.LOW)
        self.datacollector = self._data_collector()

    def _check_time_limit(self) -> None:
        if time.monotonic() > self._deadline:
            raise RunTimeLimit(
                f"the run took longer than its time limit of {self.settings.time_limit_s:g} s "
                f"(stopped at day {self.time / self.TIME_PER_DAY:.0f} of {self.days:g})"
            )

    @classmethod
    def inputs(
        cls,
        params: Any = None,
        settings: RunSettings | None = None,
        *,
        scenario: Any = None,
        regime: str | None = None,
        seed: int | None = None,
        rng: Any = None,
        days: float | None = None,
        replication: int = 0,
        overrides: dict[str, Any] | None = None,
    ) -> tuple[Any, RunSettings, Any]:
        """The parameters, settings and scenario a model is built from.

        Either `params` (and optionally `settings`), or a scenario: a `Scenario` or the
        path of a scenario file (default: the domain's default scenario), with the
        regime (default: its first), the master seed as `seed` or as Mesa's `rng` (a whole
        number; default: the scenario's), days, replication and overrides by dotted name,
        exactly as `sim.run` takes them. The scenario is None when built from parameters.
        """
        options = {"scenario": scenario, "regime": regime, "seed": seed, "rng": rng,
                   "days": days, "overrides": overrides}  # fmt: skip
        if params is not None:
            given = [name for name, value in options.items() if value is not None]
            if given or replication:
                got = given or ["replication"]
                raise TypeError(f"{cls.__name__}: give params and settings, or a scenario "
                                f"and its options, not both (got {got})")  # fmt: skip
            return params, settings or RunSettings(), None
        from sim.experiments.resources import check_memory
        from sim.experiments.runner import resolve, run_settings
        from sim.experiments.scenario import ScenarioError
        from sim.registry import get_domain

        if settings is not None:
            raise TypeError(f"{cls.__name__}: settings need params")
        if seed is not None and rng is not None:
            raise ScenarioError("rng: give the master seed as seed or as rng, not both")
        master = rng if rng is not None else seed
        if master is not None and (isinstance(master, bool) or not isinstance(
                master, int | np.integer)):  # fmt: skip
            raise ScenarioError(f"rng: the master seed must be a whole number >= 0, got {master!r}")
        default = get_domain(cls.DOMAIN).scenario
        scenario = resolve(scenario if scenario is not None else default, overrides)
        if scenario.domain != cls.DOMAIN:
            raise ScenarioError(f"domain: {cls.__name__} needs a '{cls.DOMAIN}' scenario, "
                                f"got '{scenario.domain}'")  # fmt: skip
        settings = run_settings(scenario, regime, seed=None if master is None else int(master),
                                days=days, replication=replication)  # fmt: skip
        check_memory(scenario, settings.days)
        return scenario.params, settings, scenario

    @classmethod
    def from_scenario(cls, scenario: Any = None, **options: Any) -> ServiceModel:
        """Build the model of a scenario (a `Scenario` or a file path; default: the domain's).

        Options: regime, seed (or rng), days, replication and overrides, as `sim.run`
        takes them; `HospitalModel.from_scenario("scenarios/ae_four_hour.toml",
        regime="kpi", seed=7, days=60)` builds the model `sim.run` runs.
        """
        return cls(scenario=scenario, **options)

    def _data_collector(self) -> mesa.DataCollector:
        """What `step()` records each day (keyed, as in Mesa, by model time).

        Model reporters: `day`; `period_X` for each `LEDGER` column X, its value over all
        sites in the latest decision period (both ledgers); then every summary metric of
        the catalogue, NaN until the run has ended. Agent reporters: each decision-maker's
        `unit` and `role`, and its setting of every lever (NaN for levers it does not hold).
        """
        from sim.registry import get_domain

        reporters: dict[str, Any] = {"day": lambda m: m.time / m.TIME_PER_DAY}
        for name in self.LEDGER:
            reporters[f"period_{name}"] = lambda m, name=name: m.ledger_now()[name]
        if not self.DOMAIN:  # the bare base model: no catalogue to report from
            return mesa.DataCollector(model_reporters=reporters)
        domain = get_domain(self.DOMAIN)
        for metric in domain.metrics:
            reporters[metric.name] = lambda m, name=metric.name: m.summary.get(name, math.nan)
        levers = {
            lever.name:
                lambda a, name=lever.name: a.level(name) if name in a.all_levers else math.nan
            for lever in domain.levers
        }  # fmt: skip
        return mesa.DataCollector(model_reporters=reporters,
                                  agent_reporters={"unit": "unit", "role": "role", **levers})

    def ledger_now(self) -> dict[str, float]:
        """The `LEDGER` columns of the latest decision period over all sites (NaN before)."""
        rows = self.period_rows[-self.sites():] if self.period_rows else []
        values = {}
        for column, weight in self.LEDGER.items():
            if not rows:
                values[column] = math.nan
            elif not weight:
                values[column] = float(sum(row[column] for row in rows))
            else:
                pairs = [(row[column], row[weight]) for row in rows
                         if row[weight] > 0 and not math.isnan(row[column])]  # fmt: skip
                total = sum(w for _, w in pairs)
                values[column] = sum(v * w for v, w in pairs) / total if total else math.nan
        return values

    def _step_day(self) -> None:
        """Mesa's `step()`: run one day (or to the end), count it, call `step`, collect."""
        if not self.running:
            return
        if self.time + self.TIME_PER_DAY >= self.end_time - 1e-9:
            self.run()
        else:
            self.run_until(self.time + self.TIME_PER_DAY)
        self.steps += 1
        user_step(self)()
        self.datacollector.collect(self)

    def run(self) -> None:
        """Run to the end of the horizon; `running` turns False."""
        self.run_until(self.end_time)
        self.at_end()
        self.running = False

    @property
    def summary(self) -> dict[str, float]:
        """The run's summary (what `sim.run` reports) once it has ended; empty before."""
        if self.running:
            return {}
        if self._summary is None:
            self._summary = self.summary_with_rates(self.results()[0])
        return self._summary

    def summary_with_rates(self, summary: dict[str, float]) -> dict[str, float]:
        """A summary with the rate of each count that the catalogue pairs with one."""
        from sim.registry import get_domain

        return add_rates(summary, get_domain(self.DOMAIN).metrics) if self.DOMAIN else summary

    def step(self) -> None:
        """Mesa's user step: called after each simulated day of `step()`, to override.

        `run()` does not call it.
        """

    def expected_sanction(self, lever: str, level: float) -> float:
        """What a period of `lever` at `level` is expected to cost in sanctions."""
        return expected_sanction(self.audit, lever, level)

    @property
    def dashboard_pays(self) -> bool:
        """Whether anything rides on the measured ledger.

        Regime stakes, a league reward, or a funder that reads the dashboard. If nothing
        does, no one considers the levers that only move it.
        """
        if not self.scorer.measures:
            return False
        league = self.league.published and self.league.weight > 0.0
        funder = self.funder.rule in ("rescue", "reward") and self.funder.budget > 0.0
        return self.stakes_level > 0.0 or league or funder

    @property
    def dashboard_measures(self) -> frozenset[str]:
        """The measures something rides on (none if nothing does; see `dashboard_pays`)."""
        if not self.dashboard_pays:
            return frozenset()
        return frozenset(spec.measure for spec in self.scorer.measures)

    @classmethod
    def simulate(cls, params: Any, settings: RunSettings) -> tuple[dict, dict[str, pd.DataFrame]]:
        """Build and run one model; return its summary and tables (the domain interface)."""
        model = cls(params, settings)
        model.run_until(model.end_time)
        model.at_end()
        summary, tables = model.results()
        summary = model.summary_with_rates(summary)
        tables["decisions"] = pd.DataFrame(model.decision_rows)
        tables["periods"] = pd.DataFrame(model.period_rows)
        release(model)
        return summary, tables

    # ---- what a domain supplies ---------------------------------------------------------
    def at_end(self) -> None:
        """Bring the service up to the end of the horizon, after its last event."""


    def results(self) -> tuple[dict[str, float], dict[str, pd.DataFrame]]:
        """The run summary and the per-entity tables of a finished run."""
        raise NotImplementedError

    def sites(self) -> int:
        """How many sites (units of the service: EDs, court centres) there are."""
        raise NotImplementedError

    def site_name(self, site: int) -> str:
        """The name of site number `site`."""
        raise NotImplementedError

    def begin_period(self, day: float) -> None:
        """Bring the service up to the end of the period before it is measured."""

    def scopes(self, site: int, day: float) -> list[tuple[DecisionMaker, Any]]:
        """Each decision-maker of `site` with the work it answers for this period.

        The first is the site's lead (its scope is the whole site, which the period table
        records); every decision-maker of the site appears once.
        """
        raise NotImplementedError

    def measure(
        self, site: int, scope: Any, day: float
    ) -> tuple[dict[str, float], dict[str, float], float]:
        """The regime's measures on the measured and the true ledger, and the true quality.

        Measured and true values are keyed by `measure_key` of each of the scorer's
        measures; quality (0-1, NaN if there was no work) is what a motivated professional
        cares about.
        """
        raise NotImplementedError

    def period_columns(self, site: int, day: float, lead: Judged) -> dict[str, float]:
        """The domain's own columns of the period table for `site` (both ledgers)."""
        return {}

    def end_period(self, site: int) -> None:
        """Forget the period's work at `site` once it has been measured and recorded."""

    def context(self, day: float) -> dict[str, float]:
        """Context signals an OKR's review may re-target on (e.g. demand, capacity)."""
        return {}

    def aimed(self, site: int, scope: Any, measured: dict[str, float], point: float
              ) -> dict[str, float]:  # fmt: skip
        """The measured values had the levers rescued the near misses at `point`.

        Only for decision-makers with aims (see `DecisionMaker`); the default is unchanged.
        """
        return measured

    def site_need(self, site: int) -> float:
        """A site's demand since the funder's last review (for the 'need' rule)."""
        return 1.0

    def peer_groups(self) -> list[Sequence[DecisionMaker]]:
        """Every decision-maker, in groups of peers who may imitate each other."""
        raise NotImplementedError

    # ---- the decision period, once for every domain -------------------------------------
    @property
    def day(self) -> float:
        """The current simulated day."""
        return self.time / self.TIME_PER_DAY

    def _on_decision(self) -> None:
        day = self.day
        self.begin_period(day)
        judged: list[Judged] = []
        leads: list[Judged] = []  # each site's lead, whose scope is the whole site
        if not self.funds:
            self.funds = [0.0] * self.sites()
        for site in range(self.sites()):
            first = len(judged)
            for agent, scope in self.scopes(site, day):
                measured, true, quality = self.measure(site, scope, day)
                score = self.scorer.score(agent.unit, measured) if self.scorer.measures else 0.0
                judged.append(Judged(agent, site, scope, measured, true, quality, score))
                if len(agent.learner.aims) and self.scorer.measures:
                    agent.learner.learn_aim([
                        self.score_worth * (self.scorer.preview(
                            agent.unit, self.aimed(site, scope, measured, point)) - score)
                        for point in agent.learner.aims
                    ])  # fmt: skip
            leads.append(judged[first])
            self._record_period(site, day, judged[first:])
            self.end_period(site)
        by_role: dict[str, list[float]] = {}
        for item in judged:
            by_role.setdefault(item.agent.role, []).append(item.score)
        rewards = {role: iter(league_rewards(s, self.league)) for role, s in by_role.items()}
        for item in judged:
            payoff, found = self.settle(item.agent, item.score, next(rewards[item.agent.role]),
                                        item.quality)  # fmt: skip
            self._record_decision(item, day, payoff, found)
            item.agent.capability.update(item.agent.levels)  # the period's improvement effort
            for lever in item.agent.experiments:  # one draw each, whatever the level
                uniform = float(self.streams["improvement"].random())
                item.agent.capability.redesign(item.agent.level(lever), uniform)
        if day >= self.warmup_days:
            self.scorer.close_baselines()
        self.scorer.review(day, self.context(day))
        self._fund(day, leads)
        imitate = self.behaviour.imitation_chance if self.league.published else 0.0
        for group in self.peer_groups():
            for agent in group:
                agent.choose(self.rng, group, imitate)
                agent.apply()
        self.last_decision_day = day

    def _fund(self, day: float, leads: list[Judged]) -> None:
        """The funder's review: share out the budget by what the dashboard shows."""
        rule = self.funder.rule
        if rule == "none" or day - self.last_funding_day < self.funder.review_days:
            return
        met = [self.scorer.met(lead.score) for lead in leads]
        need = [self.site_need(lead.site) for lead in leads]
        self.funds = allocate(rule, self.funder.budget, met, need)
        self.last_funding_day = day

    def settle(
        self, agent: DecisionMaker, score: float, league_reward: float, quality: float
    ) -> tuple[Payoff, list[str]]:
        """One agent's payoff for the period (after an audit), learned from at once.

        Returns the payoff and the levers an inspection found in use.
        """
        found = inspect(self.streams["audit"], self.audit, agent.levels)
        payoff = Payoff(
            regime=self.stakes_level * score,
            league=league_reward,
            sanction=self.audit.sanction * len(found),
            motivation=agent.motivation.intrinsic * (0.0 if math.isnan(quality) else quality),
            cost=agent.cost(),
        )
        agent.rank_score = score
        agent.experience(payoff, found)
        return payoff, found

    def _record_period(self, site: int, day: float, judged: list[Judged]) -> None:
        lead = judged[0]
        row: dict[str, Any] = {"day": day, self.SITE: self.site_name(site)}
        row.update(self.period_columns(site, day, lead))
        row["regime_score"] = lead.score
        row["true_quality"] = lead.quality
        if self.funder.rule != "none":
            row["funds"] = self.funds[site]
        for key, value in lead.measured.items():
            row[f"measured_{key}"] = value
            row[f"true_{key}"] = lead.true[key]
        settings: dict[str, list[float]] = {}
        stocks: dict[str, list[float]] = {}
        for item in judged:
            for name, level in item.agent.levels.items():
                settings.setdefault(name, []).append(level)
            for name, stock in item.agent.capability.stock.items():
                stocks.setdefault(name, []).append(stock)
        row.update({f"lever_{k}": float(np.mean(v)) for k, v in settings.items()})
        row.update({f"capability_{k}": float(np.mean(v)) for k, v in stocks.items()})
        aims = [item.agent.learner.aim for item in judged if item.agent.learner.aim is not None]
        if aims:
            row["aim"] = float(np.mean(aims))
        self.period_rows.append(row)

    def _record_decision(self, item: Judged, day: float, payoff: Payoff, found: list) -> None:
        agent = item.agent
        row = {
            "day": day, self.SITE: self.site_name(item.site), "agent_id": agent.unique_id,
            "role": agent.role, "motivation": agent.motivation.name, "regime_score": item.score,
            "payoff": payoff.total, "detected": len(found),
        }  # fmt: skip
        row.update({f"lever_{name}": level for name, level in agent.levels.items()})
        row.update({f"capability_{k}": v for k, v in agent.capability.stock.items()})
        if agent.learner.aim is not None:
            row["aim"] = agent.learner.aim
        if agent.experiments:
            row["redesign_factor"] = agent.capability.redesign_factor
        self.decision_rows.append(row)

    # ---- summaries every domain shares ---------------------------------------------------
    def mean_funds(self) -> float:
        """Capacity the funder paid for, summed over sites, mean over periods after warm-up."""
        rows = [r for r in self.period_rows if r["day"] > self.warmup_days and "funds" in r]
        if not rows:
            return 0.0
        days = {r["day"] for r in rows}
        return sum(r["funds"] for r in rows) / len(days)

    def lever_means(self, levers: Sequence[str]) -> dict[str, float]:
        """Mean setting of each lever after the warm-up, over the decision-makers holding it."""
        rows = [r for r in self.decision_rows if r["day"] > self.warmup_days]
        rows = rows or self.decision_rows
        out = {}
        for lever in levers:
            values = [r[f"lever_{lever}"] for r in rows if f"lever_{lever}" in r]
            out[f"lever_{lever}"] = float(np.mean(values)) if values else 0.0
        out["lever_drift"] = self.lever_drift(levers)
        return out

    def lever_drift(self, levers: Sequence[str]) -> float:
        """How far lever settings still move at the end of the run (0-1).

        The largest change in any lever's mean setting between the last two quarters of
        the decision periods after the warm-up (NaN if there are fewer than eight).
        """
        days = sorted({r["day"] for r in self.decision_rows if r["day"] > self.warmup_days})
        quarter = len(days) // 4
        if quarter < 2:
            return math.nan
        last, before = set(days[-quarter:]), set(days[-2 * quarter : -quarter])
        drift = 0.0
        for lever in levers:
            key = f"lever_{lever}"
            late = [r[key] for r in self.decision_rows if r["day"] in last and key in r]
            early = [r[key] for r in self.decision_rows if r["day"] in before and key in r]
            if late and early:
                drift = max(drift, abs(float(np.mean(late)) - float(np.mean(early))))
        return drift

    def regime_means(
        self, skip: Sequence[str] = (), per_measure: bool = True
    ) -> dict[str, float]:
        """The regime's score, share of periods met and (optionally) each measure's mean.

        Read from the period table (one row per site per period) after the warm-up; `skip`
        names measured_ or true_ columns that are the domain's own rather than the regime's.
        """
        rows = [r for r in self.period_rows if r["day"] > self.warmup_days] or self.period_rows
        met = [self.scorer.met(r["regime_score"]) for r in rows]
        out = {
            "regime_score": float(np.mean([r["regime_score"] for r in rows]))
            if rows else math.nan,
            "regime_met_pct": 100.0 * float(np.mean(met)) if met and None not in met
            else math.nan,
            "targets_revised": float(self.scorer.targets_revised),
        }  # fmt: skip
        keys = [k for k in (rows[0] if rows else {}) if k.startswith(("measured_", "true_"))]
        for key in keys if per_measure else ():
            if key in skip:
                continue
            values = np.array([r[key] for r in rows], dtype=float)
            finite = np.isfinite(values).any()
            out[f"regime_{key}"] = float(np.nanmean(values)) if finite else math.nan
        return out
