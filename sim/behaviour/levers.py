"""Levers: the named, bounded intensities a domain lets its decision-makers set."""

from __future__ import annotations

from dataclasses import dataclass

#: Every kind of lever, and the kinds that cost a motivated professional something morally.
KINDS = ("gaming", "fraud", "care", "improvement")
DISHONEST = frozenset({"gaming", "fraud"})


@dataclass(frozen=True)
class Lever:
    """A lever a decision-maker can set between 0 (unused) and 1 (full intensity).

    Attributes:
        name: identifier used in tables and scenario files.
        kind: "gaming" (distorts what is measured or whom is served), "fraud" (falsifies a
            record), "care" (a legitimate professional choice) or "improvement" (changes
            what the service can do, slowly and at a cost: see `Capability`). Motivation
            types forbid levers by kind; only gaming and fraud carry a moral cost.
        description: what the lever does, in words.
        experiment: an improvement lever that works as an experiment: each period it is
            used, it succeeds with a chance (a lasting gain) or fails (`Capability.redesign`).
        moves: for a gaming or fraud lever, the measures (catalogue names) it can move; it
            is considered only when the dashboard watches one of them. Empty: any measure.

    """

    name: str
    kind: str
    description: str = ""
    experiment: bool = False
    moves: tuple[str, ...] = ()

    def moves_any(self, measures: frozenset[str]) -> bool:
        """Whether this lever can move one of `measures` (the dashboard's measures)."""
        return bool(measures) and (not self.moves or not measures.isdisjoint(self.moves))

    def __post_init__(self) -> None:
        """Refuse an unknown kind."""
        if self.kind not in KINDS:
            raise ValueError(f"lever '{self.name}': unknown kind '{self.kind}'; allowed: {KINDS}")
        if self.experiment and self.kind != "improvement":
            raise ValueError(f"lever '{self.name}': only an improvement lever is an experiment")
