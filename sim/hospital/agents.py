"""The A&E decision-makers: ED managers and clinicians, each a Mesa agent."""

from __future__ import annotations

import mesa

from sim.behaviour import BehaviourSettings, DecisionMaker, Lever, MotivationType
from sim.hospital.flow import Department

CLOCK = ("share_within", "mean_wait_min")  # the measures read off the arrival clock

MANAGER_LEVERS = (
    Lever("breach_priority", "gaming",
          "Order the queue by time to breach instead of clinical acuity.", moves=CLOCK),
    Lever("hold_ambulances", "gaming",
          "When the ED is full, keep ambulance patients outside, clock not started.",
          moves=CLOCK),
    Lever("clock_stop_transfer", "gaming",
          "Move patients awaiting a bed to the assessment area or a corridor just before "
          "the clock threshold, which stops the measured clock.", moves=CLOCK),
    Lever("corridor_care", "care",
          "When the ED is full, move patients awaiting a bed to a corridor to free a "
          "cubicle; the clock keeps running."),
    Lever("delay_registration", "gaming",
          "When the ED is full, register some walk-in patients late: their clock starts at "
          "registration, not arrival.", moves=CLOCK),
    Lever("delay_decision", "gaming",
          "Record a patient's decision to admit only once a bed is in sight, which keeps "
          "waits counted from the decision to admit (trolley waits) short.",
          moves=("trolley_waits_12h",)),
    Lever("misrecord", "fraud",
          "Record a departure time just inside the threshold for a patient who breached.",
          moves=CLOCK),
    Lever("curate_survey", "gaming",
          "Steer the patient-experience survey toward patients with short stays.",
          moves=("patient_experience",)),
    Lever("surge", "improvement",
          "Open the escalation beds the funder pays for (the share given by the intensity), "
          "with the extra shifts they need: more beds, more burnout."),
    Lever("redesign", "improvement",
          "Redesign a step of care: each week of effort may cut treatment time for good "
          "(a lasting gain), or fail and be effort lost.", experiment=True),
    Lever("front_door", "improvement",
          "Put a senior clinician at the front door: a share of arrivals is assessed on "
          "arrival and decided sooner, at the cost of a clinician taken from treatment."),
    Lever("discharge_drive", "improvement",
          "Drive ward discharges: inpatient stays of ED admissions shortened a little, so "
          "beds free sooner and exit block eases."),
)  # fmt: skip
CLINICIAN_LEVERS = (
    Lever("early_discharge", "gaming",
          "Discharge a patient just before the clock threshold, treatment unfinished.",
          moves=CLOCK),
    Lever("pace", "improvement",
          "Treat faster and more intensively: treatment time falls, and past a point care is "
          "left unfinished."),
)  # fmt: skip
ALL_LEVERS = MANAGER_LEVERS + CLINICIAN_LEVERS
LEVER_KINDS = {lever.name: lever.kind for lever in ALL_LEVERS}


class EDManager(DecisionMaker):
    """Runs one ED: sets its department-wide policies."""

    role = "manager"

    def __init__(
        self,
        model: mesa.Model,
        department: Department,
        motivation: MotivationType,
        settings: BehaviourSettings,
    ) -> None:
        """Create the manager of `department`."""
        super().__init__(
            model, MANAGER_LEVERS, motivation, settings, model.improvement,
            aims=model.params.aim_points_min,
        )  # fmt: skip
        self.department = department
        self.unit = department.params.name

    def apply(self) -> None:
        """Put this period's settings into effect in the department."""
        dept = self.department
        dept.threshold = self.learner.aim  # the clock point the levers act at, learned
        dept.breach_priority = self.level("breach_priority")
        dept.hold_ambulances = self.level("hold_ambulances")
        dept.clock_stop_transfer = self.level("clock_stop_transfer")
        dept.corridor_care = self.level("corridor_care")
        dept.misrecord = self.level("misrecord")
        dept.delay_registration = self.level("delay_registration")
        dept.delay_decision = self.level("delay_decision")
        dept.curate_survey = self.level("curate_survey")
        funded = self.model.funds[dept.index] if self.model.funds else 0.0
        self.model.flow.set_surge(dept, round(self.level("surge") * funded))
        dept.redesign_factor = self.capability.redesign_factor
        dept.front_door = self.capability.stock.get("front_door", 0.0)
        cut = self.model.params.discharge_drive_los_cut
        dept.los_factor = 1.0 - cut * self.capability.stock.get("discharge_drive", 0.0)


class Clinician(DecisionMaker):
    """A senior clinician in one ED who decides when a patient's treatment ends."""

    role = "clinician"

    def __init__(
        self,
        model: mesa.Model,
        department: Department,
        slot: int,
        motivation: MotivationType,
        settings: BehaviourSettings,
    ) -> None:
        """Create clinician number `slot` of `department`."""
        super().__init__(model, CLINICIAN_LEVERS, motivation, settings, model.improvement)
        self.department = department
        self.slot = slot
        self.unit = f"{department.params.name}/clinician-{slot}"

    def apply(self) -> None:
        """Put this period's setting into effect for this clinician's patients."""
        self.department.clinician_early_discharge[self.slot] = self.level("early_discharge")
        self.department.clinician_pace[self.slot] = self.capability.stock.get("pace", 0.0)
