"""The registered domains: the one place that names them.

Each entry maps a domain's name (a scenario's ``domain``) to the package that exports its
`Domain` object as ``DOMAIN``. Packages are imported when a domain is first asked for.
Adding a domain is one new package under `sim/` and one line here; a domain defined
elsewhere (a test, a notebook) can be added at run time with `register`.
"""

from __future__ import annotations

import importlib

from sim.domain import Domain

DOMAINS: dict[str, str] = {
    "hospital": "sim.hospital",
    "courts": "sim.courts",
    "police": "sim.police",
    "ishigami": "sim.ishigami",
}

_registered: dict[str, Domain] = {}


def register(domain: Domain) -> None:
    """Add a domain defined outside the registry (in this process only)."""
    _registered[domain.name] = domain


def unregister(name: str) -> None:
    """Remove a domain added with `register`."""
    _registered.pop(name, None)


def domain_names() -> list[str]:
    """Names of the registered domains, in registry order."""
    return [*DOMAINS, *(n for n in _registered if n not in DOMAINS)]


def get_domain(name: str) -> Domain:
    """The domain called `name`; KeyError naming the allowed domains otherwise."""
    if name in _registered:
        return _registered[name]
    if name not in DOMAINS:
        raise KeyError(f"unknown domain '{name}'; allowed: {domain_names()}")
    domain = importlib.import_module(DOMAINS[name]).DOMAIN
    if domain.name != name:
        raise KeyError(f"package '{DOMAINS[name]}' exports domain '{domain.name}', not '{name}'")
    return domain


def domains() -> list[Domain]:
    """Every registered domain, in registry order."""
    return [get_domain(name) for name in domain_names()]
