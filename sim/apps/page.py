"""The page the solara server shows: the app of the domain named in ``GOODHART_APP_DOMAIN``.

``python -m sim.apps.launch DOMAIN`` sets the variable and runs
``solara run sim.apps.page``; to run solara by hand, set it yourself::

    GOODHART_APP_DOMAIN=courts solara run sim.apps.page

The variable is read when this module is imported; it must name a registered domain with
an app (`sim.apps.app_domains()`).
"""

from __future__ import annotations

import os

import solara

from sim.apps.common import ServedPage, app_model
from sim.apps.launch import DOMAIN_ENV
from sim.apps.spec import app_domains


def served_domain() -> str:
    """The domain named in the environment; RuntimeError if it is unset or has no app."""
    name = os.environ.get(DOMAIN_ENV, "").strip()
    allowed = app_domains()
    if not name:
        raise RuntimeError(
            f"{DOMAIN_ENV} is not set: name the domain whose app to serve ({allowed}), e.g. "
            f"`{DOMAIN_ENV}=hospital solara run sim.apps.page`, or use "
            "`python -m sim.apps.launch DOMAIN`"
        )
    if name not in allowed:
        raise RuntimeError(f"{DOMAIN_ENV}={name!r} names no domain with an app; allowed: {allowed}")
    app_model(name)  # build the app model class now, so a broken app fails at start-up
    return name


DOMAIN = served_domain()


@solara.component
def Page():
    """What ``solara run sim.apps.page`` serves: one model per browser session."""
    return ServedPage(DOMAIN)
