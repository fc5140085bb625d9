"""Interactive Mesa SolaraViz apps of every domain that describes one (`Domain.app`).

The apps layer names no domain: a domain's ``app.py`` holds its ``APP``, an
`AppSpec` (`sim.apps.spec`), and the shared day stepping, plots and page in
`sim.apps.common` work from that. In Jupyter, display ``sim.apps.app("hospital")`` (the
last expression of a cell); ``sim.apps.app_model("courts")(days=28)`` is a model that
`step()`s one day at a time without a page. Serve an app in a browser with
``python -m sim.apps.launch courts`` or ``sim.apps.launch.launch("hospital")``. See
docs/apps.md.

`app`, `app_model` and `viz_params` load solara when first used, so importing this
package (or a domain's app module) stays light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sim.apps.spec import AppSpec, app_domains, app_spec

if TYPE_CHECKING:
    from sim.apps.common import app, app_model, viz_params

__all__ = ["AppSpec", "app", "app_domains", "app_model", "app_spec", "viz_params"]

_LAZY = ("app", "app_model", "viz_params")


def __getattr__(name: str) -> Any:
    """`app`, `app_model` and `viz_params` from `sim.apps.common`, imported when asked for."""
    if name in _LAZY:
        from sim.apps import common

        return getattr(common, name)
    raise AttributeError(f"module 'sim.apps' has no attribute '{name}'")
