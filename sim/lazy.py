"""Public names of a package that load their module on first use (PEP 562)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from importlib import import_module
from typing import Any


def lazy_names(package: str, public: Mapping[str, str]) -> tuple[Callable, Callable]:
    """The `__getattr__` and `__dir__` of `package` for its `public` names (name: module).

    A name is imported from its module the first time it is asked for, then kept in the
    package's namespace, so `import package` stays quick.
    """

    def __getattr__(name: str) -> Any:
        if name not in public:
            raise AttributeError(f"module '{package}' has no attribute '{name}'")
        value = getattr(import_module(public[name]), name)
        sys.modules[package].__dict__[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted({*sys.modules[package].__dict__, *public})

    return __getattr__, __dir__
