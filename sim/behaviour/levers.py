"""Levers: the named, bounded intensities a domain lets its decision-makers set."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Lever:
    """A lever a decision-maker can set between 0 (unused) and 1 (full intensity).

    Attributes:
        name: identifier used in tables and scenario files.
        kind: "gaming" (distorts what is measured or whom is served), "fraud" (falsifies a
            record) or "care" (a legitimate professional choice). Motivation types forbid
            levers by kind.
        description: what the lever does, in words.

    """

    name: str
    kind: str
    description: str = ""
