"""The police decision-makers: each force's crime registrar and its investigators (Mesa agents)."""

from __future__ import annotations

import mesa

from sim.behaviour import BehaviourSettings, DecisionMaker, Lever, MotivationType
from sim.police.flow import Force

REGISTRAR_LEVERS = (
    Lever("under_record", "gaming",
          "Leave a report unrecorded or 'no-crime' it, more easily for the types where an "
          "account can be doubted (violence, sexual offences).",
          moves=("recorded_crime", "victim_satisfaction", "serious_charge_rate")),
    Lever("downgrade", "gaming",
          "Record a serious crime with no suspect as a minor one.",
          moves=("serious_charge_rate",)),
    Lever("victim_contact", "care", "Contact victims of recorded crime (officer time from "
          "investigation): they are better informed, more satisfied and less often victims "
          "again."),
    Lever("problem_solving", "improvement",
          "Problem-oriented work with partners on the places and people behind repeat "
          "crime: true crime falls, slowly, while the effort is kept up."),
)  # fmt: skip
INVESTIGATOR_LEVERS = (
    Lever("easy_detections", "gaming",
          "Spend a share of hours on the crimes that give most detections per hour (a "
          "named suspect, a quick case) and dispose of minor offences out of court rather "
          "than charge them: quick disposals instead of investigating serious crime.",
          moves=("detections",)),
    Lever("write_offs", "fraud",
          "Claim detections with no investigation behind them (prison write-offs, offences "
          "'taken into consideration').", moves=("detections",)),
    Lever("investigation_quality", "improvement",
          "Train and supervise investigators: a finished investigation more often ends in "
          "a charge."),
)  # fmt: skip
ALL_LEVERS = REGISTRAR_LEVERS + INVESTIGATOR_LEVERS


class Registrar(DecisionMaker):
    """Decides how a force records reports, contacts victims and works on prevention."""

    role = "registrar"

    def __init__(self, model: mesa.Model, force: Force, motivation: MotivationType,
                 settings: BehaviourSettings) -> None:  # fmt: skip
        """Create the registrar of `force` (its lead: judged on the whole force)."""
        super().__init__(model, REGISTRAR_LEVERS, motivation, settings, model.improvement)
        self.force = force
        self.unit = force.params.name

    def apply(self) -> None:
        """Put this period's settings into effect."""
        self.force.under_record = self.level("under_record")
        self.force.downgrade = self.level("downgrade")
        self.force.victim_contact = self.level("victim_contact")
        stock = self.capability.stock.get("problem_solving", 0.0)
        self.force.prevention = self.model.params.prevention_max * stock


class Investigator(DecisionMaker):
    """One of a force's investigators: what to spend hours on, and what to claim."""

    role = "investigator"

    def __init__(self, model: mesa.Model, force: Force, slot: int, motivation: MotivationType,
                 settings: BehaviourSettings) -> None:  # fmt: skip
        """Create investigator number `slot` of `force` (judged on the force's results)."""
        super().__init__(model, INVESTIGATOR_LEVERS, motivation, settings, model.improvement)
        self.force = force
        self.slot = slot
        self.unit = force.params.name

    def apply(self) -> None:
        """The force's settings are the means over its investigators (see the model)."""
        self.model.pool_investigators(self.force)
