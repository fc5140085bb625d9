"""The places the models reach past Mesa's public API, kept here and documented.

Mesa 3.5 gives every model a default schedule that advances time by one unit per
`step()` and then calls the class's own `step` (kept as `_user_step`). Our models are
event-driven (as `mesa.experimental.devs` is): their clock runs in minutes or days and
everything happens in scheduled events, so that unit step must not fire, and a step is a
simulated day. Mesa has no public switch for either; `event_driven` stops the unit step and
binds the instance's `step` to the model's day step (as Mesa binds its own), and
`user_step` gives the class's `step` to call after each day. `release` frees a finished
model at once. Re-check all three when Mesa is upgraded (pinned to 3.5 in pyproject.toml).
"""

from __future__ import annotations

from collections.abc import Callable

import mesa


def event_driven(model: mesa.Model, step: Callable[[], None]) -> None:
    """Stop Mesa's unit step (only the model's own events advance it); `step()` calls `step`.

    Call once, in `__init__`, right after `mesa.Model.__init__`.
    """
    model._default_schedule.stop()
    model.step = step


def user_step(model: mesa.Model) -> Callable[[], None]:
    """The model class's own `step` method, bound to `model` (a subclass's override too)."""
    return model._user_step


def release(model: mesa.Model) -> None:
    """Free a finished model now: drop its attributes, breaking its reference cycles.

    A model, its agents and its scheduled events refer to each other, so the memory of a
    finished run would wait for a full garbage collection; clearing the model's attributes
    frees it at once, at a fraction of the cost. The model is unusable afterwards.
    """
    model.__dict__.clear()
