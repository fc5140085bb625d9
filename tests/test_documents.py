"""Generated scenario documents and overrides: each is either run or refused naming a field.

Every document is one of the shipped scenarios with one change: a value replaced by a value
of any type (finite or not, huge, negative, boolean, text, list, table), a field removed,
or an unknown field added. Overrides are generated the same way as `NAME=VALUE` text. A
document that is accepted must run a short run without error; one that is refused must
say, on every line, which field is wrong.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from sim.experiments.runner import run
from sim.experiments.scenario import (
    Scenario,
    ScenarioError,
    load_scenario,
    parse_assignment,
    validate,
    with_overrides,
)

ROOT = Path(__file__).resolve().parents[1]
BASES = {
    name: load_scenario(ROOT / "scenarios" / f"{name}.toml")
    for name in ("ae_four_hour", "courts_time_to_trial")
}
FIELDS = set(Scenario.model_fields) | {"hospital", "courts", "no_such_field"}


def _leaves(node: Any, path: tuple = ()) -> list[tuple]:
    """Every path in a document, tables and lists included."""
    paths = [path] if path else []
    if isinstance(node, dict):
        for key, value in node.items():
            paths += _leaves(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            paths += _leaves(value, (*path, index))
    return paths


DATA = {name: scenario.model_dump(mode="json", exclude_none=True)
        for name, scenario in BASES.items()}  # fmt: skip
PATHS = {name: _leaves(data) for name, data in DATA.items()}

VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=0, max_value=2_000),
    st.floats(min_value=-2.0, max_value=3.0),
    st.floats(min_value=0.0, max_value=1e4),
    st.text(max_size=12),
    st.lists(st.integers(min_value=-3, max_value=3), max_size=3),
    st.dictionaries(st.sampled_from(["a", "type", "x"]), st.integers(0, 3), max_size=2),
)


def _names_a_field(message: str) -> bool:
    """Whether every line after the first begins with a field of the scenario."""
    lines = message.splitlines()
    if lines[0].startswith("override '"):
        return lines[0].split("'")[1].split(".")[0] in FIELDS
    details = lines[1:] if lines[0].startswith("invalid scenario") else lines
    return bool(details) and all(
        line.strip().split(":")[0].split(".")[0].split(" ")[0] in FIELDS for line in details
    )


def _run_or_refused(build: Callable[[], Scenario]) -> None:
    """Build a scenario; if it is refused, the error must name a field, else it must run."""
    try:
        scenario = build()
    except ScenarioError as error:
        event("refused")
        assert _names_a_field(str(error)), str(error)
        return
    event("accepted")
    result = run(scenario, days=1.0)
    assert result.summary, "a run must report its summary"
    for name, value in result.summary.items():
        assert not (isinstance(value, float) and math.isinf(value)), name


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_a_changed_document_is_run_or_refused_naming_a_field(data):
    base = data.draw(st.sampled_from(sorted(DATA)))
    document = copy.deepcopy(DATA[base])
    path = data.draw(st.sampled_from(PATHS[base]))
    *parents, last = path
    node = document
    for part in parents:
        node = node[part]
    action = data.draw(st.sampled_from(["replace", "remove", "add"]))
    if action == "replace":
        node[last] = data.draw(VALUES)
    elif action == "remove" and isinstance(node, dict):
        del node[last]
    elif isinstance(node, dict):
        node["no_such_field"] = data.draw(VALUES)
    _run_or_refused(lambda: validate(document, "'generated.toml'"))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_an_override_is_applied_or_refused_naming_a_field(data):
    base = data.draw(st.sampled_from(sorted(DATA)))
    path = data.draw(st.sampled_from(PATHS[base]))
    dotted = ".".join(str(part) for part in path)
    raw = data.draw(st.one_of(
        st.sampled_from(["inf", "-inf", "nan", "true", "1e300", "-1", "0", "[1, 2]", "{}",
                         '"text"', "1_000", "0x10", ""]),
        st.text(alphabet="0123456789.-e+", max_size=8),
    ))  # fmt: skip
    override = dict([parse_assignment(f"{dotted}={raw}")])
    _run_or_refused(lambda: with_overrides(BASES[base], override))
