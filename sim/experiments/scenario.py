"""Scenario files: TOML data validated on load, with errors that name the field.

A scenario names a domain, its parameters, the regimes to compare, the run length,
warm-up, replications and a seed. It is data: parsed with `tomllib`, never evaluated or
unpickled. Any parameter can be overridden by its dotted name (``stakes.level``,
``DOMAIN.PARAMETER``) and the result is validated exactly like the file.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from functools import cache
from pathlib import Path
from typing import Annotated, Any, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model, model_validator

from sim.behaviour import BehaviourSettings, ImprovementSettings
from sim.experiments.design import SweepSpec
from sim.regimes import (
    AuditSettings,
    FunderSettings,
    LeagueTable,
    RegimeSpec,
    Stakes,
    check_measures,
)
from sim.registry import domain_names, get_domain


class ScenarioError(ValueError):
    """A scenario that cannot be read or does not validate; the message names the field."""


MAX_DAYS = 36_500.0  # a century: runs are days to years; a longer one is a typo
#: Names that become parts of paths: no separators, no '..', nothing hidden.
SAFE_NAME = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"


class Scenario(BaseModel):
    """A validated scenario.

    Each domain's scenarios are of a subclass with one more field, the domain's parameter
    table, named after the domain and validated by its parameter model
    (`scenario_class`); `params` returns it.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)

    name: str = Field(
        min_length=1, max_length=100, pattern=SAFE_NAME,
        description="The scenario's name, also the name of its result folders: letters, "
        "digits, '_', '-' and '.', starting with a letter or digit.",
    )  # fmt: skip
    description: str = ""
    domain: str
    days: float = Field(gt=0, le=MAX_DAYS, description="Simulated days per run.")
    warmup_days: float = Field(default=0.0, ge=0, description="Days excluded from summaries.")
    replications: int = Field(default=5, ge=1)
    seed: int = Field(default=0, ge=0)
    behaviour: BehaviourSettings = Field(default_factory=BehaviourSettings)
    stakes: Stakes = Field(default_factory=Stakes)
    audit: AuditSettings = Field(default_factory=AuditSettings)
    league_table: LeagueTable = Field(default_factory=LeagueTable)
    improvement: ImprovementSettings = Field(default_factory=ImprovementSettings)
    funder: FunderSettings = Field(default_factory=FunderSettings)
    regimes: dict[
        Annotated[str, Field(min_length=1, max_length=100, pattern=SAFE_NAME)], RegimeSpec
    ] = Field(min_length=1, description="Regimes by name (a safe name, as for `name`).")
    sweep: SweepSpec | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Scenario:
        if self.warmup_days >= self.days:
            raise ValueError("warmup_days must be less than days")
        domain = get_domain(self.domain)
        unknown = sorted(set(self.audit.detection) - set(domain.lever_names))
        if unknown:
            raise ValueError(
                f"audit.detection names unknown levers {unknown}; "
                f"allowed: {list(domain.lever_names)}"
            )
        for name, spec in self.regimes.items():
            check_measures(spec, domain.measures, f"regimes.{name}")
        return self

    @property
    def params(self) -> BaseModel:
        """The domain's parameter table."""
        return getattr(self, self.domain)

    def digest(self) -> str:
        """SHA-256 of the canonical JSON form (the scenario's identity in manifests)."""
        text = json.dumps(self.model_dump(mode="json"), sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()


_CLASS_PREFIX = "Scenario__"


def scenario_class(domain: str) -> type[Scenario]:
    """The scenario model of `domain`: `Scenario` plus the domain's parameter table."""
    return _scenario_class(domain, get_domain(domain).params)


@cache
def _scenario_class(domain: str, params: type[BaseModel]) -> type[Scenario]:
    cls = create_model(
        f"{_CLASS_PREFIX}{domain}", __base__=Scenario, __module__=__name__,
        **{domain: (params, Field(description=f"The {domain} domain's parameters."))},
    )  # fmt: skip
    cls.__doc__ = f"A validated scenario of the '{domain}' domain."
    return cls


def __getattr__(name: str) -> Any:
    """Find a domain's scenario class by name (how pickle finds it in another process)."""
    if name.startswith(_CLASS_PREFIX):
        return scenario_class(name.removeprefix(_CLASS_PREFIX))
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _allowed_at(loc: tuple, root: type[BaseModel]) -> list[str] | None:
    """Field names allowed where an unknown key `loc` was found, if they can be named.

    Walks the schema from `root` along the error location: model fields, list indices,
    dict keys and the tags of discriminated unions (such as a regime's `type`).
    """
    node: Any = root
    for part in loc[:-1]:
        node = _step(node, part)
        if node is None:
            return None
    model = _inner_model(node)
    return sorted(model.model_fields) if model is not None else None


def _inner_model(annotation: Any) -> Any:
    """The pydantic model inside an annotation such as `X | None` or `list[X]`."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for argument in get_args(annotation):
        inner = _inner_model(argument)
        if inner is not None:
            return inner
    return None


def _step(node: Any, part: Any) -> Any:
    """The annotation one location part below `node`, or None if it cannot be followed."""
    model = node if isinstance(node, type) and issubclass(node, BaseModel) else None
    if model is not None:
        field = model.model_fields.get(part)
        return field.annotation if field is not None else None
    origin = get_origin(node)
    if origin is Annotated:
        return _step(get_args(node)[0], part)
    if origin is dict:
        return get_args(node)[1]
    if origin is list:
        return get_args(node)[0] if isinstance(part, int) else None
    members = [a for a in get_args(node) if isinstance(a, type) and issubclass(a, BaseModel)]
    for member in members:  # a discriminated union: the part is the tag
        tag = member.model_fields.get("type")
        if tag is not None and part in get_args(tag.annotation):
            return member
    inner = _inner_model(node)
    return _step(inner, part) if inner is not None else None


def _format(error: ValidationError, root: type[BaseModel], source: str) -> str:
    lines = [f"invalid scenario {source}:" if source else "invalid scenario:"]
    for item in error.errors():
        loc = item["loc"]
        shown = loc
        if len(loc) > 2 and loc[0] == "regimes" and loc[2] in ("kpi", "okr", "none"):
            shown = loc[:2] + loc[3:]  # drop the union tag pydantic inserts
        where = ".".join(str(p) for p in shown) or "(top level)"
        message = item["msg"].removeprefix("Value error, ")
        if item["type"] == "extra_forbidden":
            allowed = _allowed_at(loc, root)
            message = f"unknown field '{loc[-1]}'" + (f"; allowed: {allowed}" if allowed else "")
        elif item["type"] == "missing":
            message = "required field is missing"
        if where == "(top level)" and message.startswith(tuple(Scenario.model_fields)):
            lines.append(f"  {message}")  # a cross-field check that names its own field
        else:
            lines.append(f"  {where}: {message}")
    return "\n".join(lines)


def validate(data: dict, source: str = "") -> Scenario:
    """Validate a scenario given as a dict; raise ScenarioError naming each bad field."""
    domain = data.get("domain")
    if not isinstance(domain, str) or domain not in domain_names():
        raise ScenarioError(
            f"invalid scenario {source}:\n  domain: got {domain!r}; allowed: {domain_names()}"
        )
    root = scenario_class(domain)
    try:
        return root.model_validate(data)
    except ValidationError as error:
        raise ScenarioError(_format(error, root, source)) from None


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ScenarioError(f"cannot read scenario file '{path}': {error}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ScenarioError(f"scenario file '{path}' is not valid TOML: {error}") from None
    return validate(data, f"'{path}'")


def with_overrides(scenario: Scenario, overrides: dict[str, Any] | None) -> Scenario:
    """A new scenario with parameters set by dotted name, validated like the file."""
    if not overrides:
        return scenario
    data = scenario.model_dump(mode="python")
    for dotted, value in overrides.items():
        _set_dotted(data, dotted, value)
    return validate(data, "(with overrides)")


def value_at(data: Any, dotted: str) -> Any:
    """The value at a dotted name in a scenario's data (None if there is none)."""
    node = data
    for part in dotted.split("."):
        if isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        elif isinstance(node, dict) and part in node:
            node = node[part]
        else:
            return None
    return node


def _set_dotted(data: dict, dotted: str, value: Any) -> None:
    parts = dotted.split(".")
    node: Any = data
    for depth, part in enumerate(parts):
        last = depth == len(parts) - 1
        where = ".".join(parts[: depth + 1])
        if isinstance(node, list):
            if not part.isdigit() or int(part) >= len(node):
                raise ScenarioError(
                    f"override '{dotted}': '{where}' must be an index below {len(node)}"
                )
            key: Any = int(part)
        elif isinstance(node, dict):
            if part not in node and not last:
                raise ScenarioError(
                    f"override '{dotted}': unknown field '{where}'; allowed: {sorted(node)}"
                )
            if part not in node and not _is_mapping_field(parts[:depth]):
                raise ScenarioError(
                    f"override '{dotted}': unknown field '{where}'; allowed: {sorted(node)}"
                )
            key = part
        else:
            raise ScenarioError(f"override '{dotted}': '{where}' is not a table")
        if last:
            node[key] = value
        else:
            node = node[key]


def _is_mapping_field(parent: list[str]) -> bool:
    """Whether the table at `parent` takes free keys (e.g. audit.detection, behaviour.mix)."""
    return ".".join(parent) in {
        "audit.detection",
        "behaviour.mix",
        "behaviour.types",
        "regimes",
        "sweep.parameters",
    }


def parse_assignment(text: str) -> tuple[str, Any]:
    """Parse a command-line ``name=value`` override; the value is read as TOML."""
    if "=" not in text:
        raise ScenarioError(f"override '{text}' must look like name=value")
    name, raw = text.split("=", 1)
    try:
        value = tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        value = raw
    return name.strip(), value
