"""The Crown Court decision-makers: listing officers, judges and prosecutors (Mesa agents)."""

from __future__ import annotations

import mesa

from sim.behaviour import BehaviourSettings, DecisionMaker, Lever, MotivationType
from sim.courts.flow import Centre

LISTING_LEVERS = (
    Lever("quick_first", "gaming", "List the quickest trials first instead of the oldest."),
    Lever("over_listing", "care", "List more trials than courtrooms, expecting some to crack."),
    Lever("case_progression", "improvement",
          "Check witnesses, disclosure and pleas are ready before listing: fewer trials "
          "ineffective or cracking on the day."),
    Lever("extra_sittings", "improvement",
          "Sit the extra days the funder pays for (the share given by the intensity): more "
          "trials heard, more judges' and staff time."),
)
JUDGE_LEVERS = (
    Lever("rush", "gaming", "Allow less trial time than the case needs."),
    Lever("case_management", "improvement",
          "Manage cases firmly: agreed facts shorten trials without the errors of rushing."),
)
PROSECUTOR_LEVERS = (
    Lever("plea_pressure", "gaming", "Press defendants to plead guilty at the first hearing."),
    Lever("discontinue_old", "gaming", "Discontinue old cases with weak evidence."),
)
ALL_LEVERS = LISTING_LEVERS + JUDGE_LEVERS + PROSECUTOR_LEVERS
LEVER_KINDS = {lever.name: lever.kind for lever in ALL_LEVERS}


class _CentreAgent(DecisionMaker):
    role = ""

    def __init__(self, model, centre: Centre, levers, motivation, settings, unit: str) -> None:
        super().__init__(model, levers, motivation, settings, model.improvement)
        self.centre = centre
        self.unit = unit


class ListingOfficer(_CentreAgent):
    """Decides the order in which a centre's trials are listed, and how many."""

    role = "listing_officer"

    def __init__(self, model: mesa.Model, centre: Centre, motivation: MotivationType,
                 settings: BehaviourSettings) -> None:  # fmt: skip
        """Create the listing officer of `centre`."""
        super().__init__(model, centre, LISTING_LEVERS, motivation, settings, centre.params.name)

    def apply(self) -> None:
        """Put this period's settings into effect."""
        self.centre.quick_first = self.level("quick_first")
        self.centre.over_listing = self.level("over_listing")
        self.centre.progression = self.capability.stock.get("case_progression", 0.0)
        funded = self.model.funds[self.centre.index] if self.model.funds else 0.0
        self.centre.extra_sitting_days = self.level("extra_sittings") * funded


class Judge(_CentreAgent):
    """Hears trials at one centre and decides how much time each is allowed."""

    role = "judge"

    def __init__(self, model: mesa.Model, centre: Centre, slot: int, motivation: MotivationType,
                 settings: BehaviourSettings) -> None:  # fmt: skip
        """Create judge number `slot` of `centre`."""
        unit = f"{centre.params.name}/judge-{slot}"
        super().__init__(model, centre, JUDGE_LEVERS, motivation, settings, unit)
        self.slot = slot

    def apply(self) -> None:
        """Put this period's setting into effect for this judge's trials."""
        self.centre.judge_rush[self.slot] = self.level("rush")
        self.centre.judge_management[self.slot] = self.capability.stock.get("case_management",
                                                                            0.0)


class Prosecutor(_CentreAgent):
    """Reviews a centre's cases: pressure to plead, and discontinuing old, weak cases."""

    role = "prosecutor"

    def __init__(self, model: mesa.Model, centre: Centre, motivation: MotivationType,
                 settings: BehaviourSettings) -> None:  # fmt: skip
        """Create the prosecutor of `centre`."""
        super().__init__(model, centre, PROSECUTOR_LEVERS, motivation, settings,
                         centre.params.name)  # fmt: skip

    def apply(self) -> None:
        """Put this period's settings into effect."""
        self.centre.plea_pressure = self.level("plea_pressure")
        self.centre.discontinue_old = self.level("discontinue_old")
