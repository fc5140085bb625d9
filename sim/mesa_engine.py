"""The two places the models reach past Mesa's public API, kept here and documented.

Mesa 3.5 gives every model a default schedule that calls `step()` once per unit of time.
Our models are event-driven (as `mesa.experimental.devs` is): their clock runs in minutes
or days and everything happens in scheduled events, so that unit step must not fire.
Mesa has no public switch for it; `event_driven` stops it. `release` frees a finished
model at once. Re-check both when Mesa is upgraded (pinned to 3.5 in pyproject.toml).
"""

from __future__ import annotations

import mesa


def event_driven(model: mesa.Model) -> None:
    """Stop Mesa's default unit-step schedule: only the model's own events advance it.

    Call once, in `__init__`, right after `mesa.Model.__init__`.
    """
    model._default_schedule.stop()


def release(model: mesa.Model) -> None:
    """Free a finished model now: drop its attributes, breaking its reference cycles.

    A model, its agents and its scheduled events refer to each other, so the memory of a
    finished run would wait for a full garbage collection; clearing the model's attributes
    frees it at once, at a fraction of the cost. The model is unusable afterwards.
    """
    model.__dict__.clear()
