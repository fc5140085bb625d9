"""The patient-flow event core: a lean next-event loop over light patient records.

Patients are rows in column lists, not Mesa agents: a year of a multi-ED system has
hundreds of thousands of episodes and several events each, which Mesa's event objects
cannot carry at the speed the model needs. The Mesa model owns time and the deciding
agents; it advances this core to each of its own events (`advance_to`), so both share one
timeline. Event handlers are private; levers are read from `Department` attributes that
the deciding agents set each period.
"""

from __future__ import annotations

import heapq
import math
from collections import deque

import numpy as np

from sim.hospital.arrivals import MINUTES_PER_DAY, ArrivalBatch
from sim.hospital.params import EDParams, HospitalParams

# event kinds
_ARRIVE, _FORCE_HANDOVER, _TREAT_END, _BED_FREE, _TRANSFER, _RENEGE, _DECIDE = range(7)

# patient states
OUTSIDE, WAITING, TREATING, BOARDING, MOVED, GONE, REVIEW = range(7)

# dispositions
IN_DEPARTMENT, DISCHARGED, ADMITTED, LEFT_UNSEEN = range(4)
DISPOSITIONS = ("still in department", "discharged", "admitted", "left without being seen")

# moved-to places for boarders
NOT_MOVED, CORRIDOR, ASSESSMENT = range(3)

# bit flags of the gaming acts applied to a patient
HELD, TRANSFERRED, EARLY_DISCHARGE, MISRECORDED, LATE_REGISTRATION, LATE_DECISION = (
    1, 2, 4, 8, 16, 32
)

NAN = math.nan
_GOLDEN = 0.6180339887498949  # patient number x golden ratio, mod 1: an even spread of shares


class Department:
    """State of one ED and its beds; lever attributes are set by the deciding agents."""

    __slots__ = (
        "amb_inside",
        "amb_outside",
        "assessment_used",
        "bed_queue",
        "beds_free",
        "breach_priority",
        "busy",
        "clinician_early_discharge",
        "clinician_pace",
        "clock_stop_transfer",
        "corridor_care",
        "corridor_used",
        "curate_survey",
        "delay_decision",
        "delay_registration",
        "free_cubicles",
        "front_door",
        "hold_ambulances",
        "index",
        "los_factor",
        "misrecord",
        "on_duty",
        "params",
        "period",
        "queue",
        "redesign_factor",
        "surge_beds",
        "surge_closing",
        "threshold",
    )

    def __init__(self, index: int, params: EDParams, clinician_agents: int) -> None:
        """Create an empty ED with all levers at 0."""
        self.index = index
        self.params = params
        self.queue: list[tuple[float, int, int]] = []
        self.free_cubicles = params.cubicles
        self.on_duty = 0
        self.busy = 0
        self.amb_outside: deque[int] = deque()
        self.amb_inside = 0
        self.beds_free = params.beds
        self.bed_queue: deque[int] = deque()
        self.corridor_used = 0
        self.assessment_used = 0
        self.breach_priority = 0.0
        self.hold_ambulances = 0.0
        self.clock_stop_transfer = 0.0
        self.corridor_care = 0.0
        self.misrecord = 0.0
        self.curate_survey = 0.0
        self.delay_registration = 0.0
        self.delay_decision = 0.0
        self.clinician_early_discharge = [0.0] * clinician_agents
        self.clinician_pace = [0.0] * clinician_agents  # pace capability of each clinician
        self.los_factor = 1.0  # inpatient stays of new admissions, from the discharge drive
        self.redesign_factor = 1.0  # treatment time kept after successful redesigns
        self.front_door = 0.0  # share of arrivals a senior assesses at the front door
        self.surge_beds = 0  # escalation beds funded and open
        self.surge_closing = 0  # escalation beds to close as their patients leave
        self.period: list[int] = []
        self.threshold: float | None = None  # the clock point the regime rewards beating


class PatientFlow:
    """Event-driven flow of patients through arrival, treatment, boarding and beds."""

    COLUMNS = (
        "ed", "arrival_min", "handover_at_min", "ambulance", "acuity", "admit",
        "treatment_min", "patience_min", "los_min", "u_lever", "u_record", "u_reattend",
        "clinician", "clock_start_min", "treatment_start_min", "decision_min",
        "decision_recorded_min", "clock_stop_min", "left_ed_min", "disposition", "moved_to",
        "moved_min", "corridor_min", "incomplete", "reattended", "gamed", "state",
    )  # fmt: skip

    def __init__(self, params: HospitalParams, rng: np.random.Generator) -> None:
        """Create the departments; `rng` seeds the initial bed occupancy only."""
        self.params = params
        self.departments = [
            Department(i, ed, params.clinician_agents_per_ed) for i, ed in enumerate(params.eds)
        ]
        self.now = 0.0
        self._events: list[tuple[float, int, int, int]] = []
        self._seq = 0
        self._next_arrival = 0
        self.cols: dict[str, list] = {name: [] for name in self.COLUMNS}
        start, end = params.ward_discharge_hours
        self._ward_open = (start * 60.0, end * 60.0)
        for dept in self.departments:
            self._fill_beds(dept, rng)

    # ---- set-up -----------------------------------------------------------------------
    def _fill_beds(self, dept: Department, rng: np.random.Generator) -> None:
        occupied = round(dept.params.beds * dept.params.initial_bed_occupancy)
        mean_los = self.params.los_mean_days * MINUTES_PER_DAY
        for release in rng.exponential(mean_los, occupied):
            self._push(self._ward_time(float(release)), _BED_FREE, dept.index)
        dept.beds_free = dept.params.beds - occupied

    def add_day(self, batches: list[ArrivalBatch]) -> None:
        """Register one day's arrivals of every ED (batch i is ED i), in time order.

        Patients are numbered in order of arrival, so arrivals need no event-queue entry:
        the loop walks them with a pointer and merges them with the other events.
        """
        time = np.concatenate([b.time_min for b in batches])
        order = np.argsort(time, kind="stable")
        ed = np.concatenate([np.full(len(b.time_min), i) for i, b in enumerate(batches)])

        def merged(name: str) -> list:
            return np.concatenate([getattr(b, name) for b in batches])[order].tolist()

        cols = self.cols
        n = len(order)
        cols["ed"].extend(ed[order].tolist())
        cols["arrival_min"].extend(time[order].tolist())
        for name in ("ambulance", "acuity", "admit", "treatment_min", "patience_min", "los_min",
                     "u_lever", "u_record", "u_reattend", "clinician"):  # fmt: skip
            cols[name].extend(merged(name))
        for name in ("clock_start_min", "treatment_start_min", "decision_min",
                     "decision_recorded_min", "clock_stop_min", "left_ed_min", "moved_min",
                     "handover_at_min"):  # fmt: skip
            cols[name].extend([NAN] * n)
        for name in ("disposition", "moved_to", "gamed", "corridor_min", "incomplete"):
            cols[name].extend([0] * n)
        cols["reattended"].extend([False] * n)
        cols["state"].extend([OUTSIDE] * n)

    # ---- the event loop -----------------------------------------------------------------
    def _push(self, time: float, kind: int, arg: int) -> None:
        self._seq += 1
        heapq.heappush(self._events, (time, self._seq, kind, arg))

    def advance_to(self, until: float) -> None:
        """Process every event up to and including time `until`.

        Arrivals (walked in patient order) are merged with the event heap; an arrival
        goes first when both fall at the same instant.
        """
        events = self._events
        pop = heapq.heappop
        arrival_min = self.cols["arrival_min"]
        handlers = (
            self._arrive, self._force_handover, self._treat_end, self._bed_free,
            self._transfer, self._renege, self._decide,
        )  # fmt: skip
        arrive = self._arrive
        registered = len(arrival_min)  # arrivals are only added between calls
        while True:
            pid = self._next_arrival
            next_arrival = arrival_min[pid] if pid < registered else math.inf
            if events and events[0][0] < next_arrival:
                if events[0][0] > until:
                    break
                time, _, kind, arg = pop(events)
                self.now = time
                handlers[kind](arg)
            elif next_arrival <= until:
                self._next_arrival = pid + 1
                self.now = next_arrival
                arrive(pid)
            else:
                break
        self.now = until

    def set_surge(self, dept: Department, beds: int) -> None:
        """Open or close escalation beds so that `beds` are funded and staffed.

        Opening a bed frees it at once (a boarder waiting for one is admitted); a bed to
        close is taken from the free beds, or else closes when its patient leaves.
        """
        change = beds - dept.surge_beds
        dept.surge_beds = beds
        if change > 0:
            cancelled = min(change, dept.surge_closing)
            dept.surge_closing -= cancelled
            for _ in range(change - cancelled):
                self._bed_free(dept.index)
        elif change < 0:
            idle = min(-change, dept.beds_free)
            dept.beds_free -= idle
            dept.surge_closing += -change - idle

    def set_on_duty(self, dept: Department, clinicians: int) -> None:
        """Change the number of clinicians on shift and start work if any are free."""
        dept.on_duty = clinicians
        self._start_treatments(dept)

    # ---- handlers -----------------------------------------------------------------------
    def _arrive(self, pid: int) -> None:
        cols = self.cols
        dept = self.departments[cols["ed"][pid]]
        if cols["ambulance"][pid]:
            dept.amb_outside.append(pid)
            self._try_handover(dept)
            if cols["state"][pid] == OUTSIDE:
                self._push(self.now + self.params.max_handover_hold_min, _FORCE_HANDOVER, pid)
        else:
            start = self.now
            if (dept.delay_registration and dept.free_cubicles <= 0
                    and cols["u_lever"][pid] < dept.delay_registration):  # fmt: skip
                start += self.params.registration_delay_min  # registered late: clock later
                cols["gamed"][pid] |= LATE_REGISTRATION
            self._join_queue(dept, pid, start)
            patience = cols["patience_min"][pid]
            if patience != math.inf:
                self._push(self.now + patience, _RENEGE, pid)
            self._start_treatments(dept)

    def _join_queue(self, dept: Department, pid: int, clock_start: float) -> None:
        cols = self.cols
        cols["clock_start_min"][pid] = clock_start
        cols["state"][pid] = WAITING
        acuity_weight = 0.0 if dept.threshold is None else dept.breach_priority
        key = clock_start + (1.0 - acuity_weight) * self.params.acuity_priority_min * (
            cols["acuity"][pid] - 1
        )
        self._seq += 1
        heapq.heappush(dept.queue, (key, self._seq, pid))

    def _try_handover(self, dept: Department) -> None:
        """Hand over ambulance patients while bays are free, unless holding them outside."""
        if not dept.amb_outside:
            return
        bays = dept.params.handover_bays
        crowded = dept.free_cubicles <= 0
        hold = dept.hold_ambulances * self.params.hold_depth if crowded else 0.0
        cols = self.cols
        kept: deque[int] = deque()
        while dept.amb_outside and dept.amb_inside < bays:
            pid = dept.amb_outside.popleft()
            if hold > 0.0 and cols["u_lever"][pid] < hold:
                cols["gamed"][pid] |= HELD
                kept.append(pid)
                continue
            self._hand_over(dept, pid)
        if kept:
            kept.extend(dept.amb_outside)
            dept.amb_outside = kept

    def _hand_over(self, dept: Department, pid: int) -> None:
        """Take an ambulance patient in.

        The clock starts at handover or a set time after arrival, whichever is earlier -
        unless the patient was held to keep it stopped.
        """
        cols = self.cols
        dept.amb_inside += 1
        cols["handover_at_min"][pid] = self.now
        start = self.now
        if not cols["gamed"][pid] & HELD:
            start = min(start, cols["arrival_min"][pid] + self.params.ambulance_clock_start_min)
        self._join_queue(dept, pid, start)
        self._start_treatments(dept)

    def _force_handover(self, pid: int) -> None:
        cols = self.cols
        if cols["state"][pid] != OUTSIDE:
            return
        dept = self.departments[cols["ed"][pid]]
        dept.amb_outside.remove(pid)
        self._hand_over(dept, pid)

    def _start_treatments(self, dept: Department) -> None:
        cols = self.cols
        state = cols["state"]
        queue = dept.queue
        if queue and dept.free_cubicles <= 0 and dept.corridor_care > 0.0:
            self._corridor_care(dept)
        while queue and dept.free_cubicles > 0 and dept.on_duty > dept.busy:
            _, _, pid = heapq.heappop(queue)
            if state[pid] != WAITING:
                continue  # left without being seen
            now = self.now
            state[pid] = TREATING
            cols["treatment_start_min"][pid] = now
            if cols["clock_start_min"][pid] > now:  # seen before a late registration: now
                cols["clock_start_min"][pid] = now
            dept.busy += 1
            dept.free_cubicles -= 1
            if cols["ambulance"][pid]:
                dept.amb_inside -= 1
            need = cols["treatment_min"][pid] * dept.redesign_factor
            if dept.front_door and (pid * _GOLDEN) % 1.0 < dept.front_door:
                need *= 1.0 - self.params.front_door_treatment_cut  # decided at the door
            pace = dept.clinician_pace[cols["clinician"][pid]]
            if pace > 0.0:
                p = self.params
                need *= 1.0 - p.pace_max_cut * pace
                if pace > p.pace_safe:
                    cols["incomplete"][pid] = p.pace_harm * (pace - p.pace_safe)
            duration = need
            threshold = dept.threshold
            if threshold is not None and not cols["admit"][pid]:
                level = dept.clinician_early_discharge[cols["clinician"][pid]]
                if level > 0.0 and cols["u_lever"][pid] < level:
                    deadline = (
                        cols["clock_start_min"][pid] + threshold - self.params.discharge_margin_min
                    )
                    if (
                        now + need > deadline
                        and deadline - now >= self.params.min_treatment_share * need
                    ):
                        duration = deadline - now
                        cols["incomplete"][pid] = 1.0 - duration / need
                        cols["gamed"][pid] |= EARLY_DISCHARGE
            self._push(now + duration, _TREAT_END, pid)
        if dept.amb_outside:
            self._try_handover(dept)

    def _corridor_care(self, dept: Department) -> None:
        """Free a cubicle by moving a boarder to a corridor; the clock keeps running."""
        if dept.corridor_used >= dept.params.corridor_spaces or dept.on_duty <= dept.busy:
            return
        cols = self.cols
        state, u = cols["state"], cols["u_lever"]
        for pid in dept.bed_queue:
            if state[pid] == BOARDING and u[pid] < dept.corridor_care:
                dept.corridor_used += 1
                state[pid] = MOVED
                cols["moved_to"][pid] = CORRIDOR
                cols["moved_min"][pid] = self.now
                dept.free_cubicles += 1
                return

    def _treat_end(self, pid: int) -> None:
        """Treatment over: discharge, or refer to the specialty for a decision to admit.

        A referred patient keeps the cubicle while the specialty reviews; the clinician is
        free. The review takes longer the more patients already wait for a bed (specialty
        teams are on the wards); its random length reuses the patient's re-attendance
        uniform, which an admitted patient never needs.
        """
        cols = self.cols
        dept = self.departments[cols["ed"][pid]]
        now = self.now
        dept.busy -= 1
        if cols["admit"][pid]:
            p = self.params
            cols["state"][pid] = REVIEW
            crowding = 1.0 + p.review_crowding * len(dept.bed_queue) / dept.params.cubicles
            length = -math.log(1.0 - cols["u_reattend"][pid]) * p.specialty_review_min * crowding
            self._push(now + length, _DECIDE, pid)
            if dept.threshold is not None and cols["u_lever"][pid] < dept.clock_stop_transfer:
                # the policy in force at referral marks the patient to be moved out at the aim
                margin = p.transfer_margin_min
                check = cols["clock_start_min"][pid] + dept.threshold - margin
                self._push(max(now, check), _TRANSFER, pid)
        else:
            cols["decision_min"][pid] = now
            dept.free_cubicles += 1
            p = self.params
            chance = p.reattend_base + p.reattend_per_incomplete * cols["incomplete"][pid]
            cols["reattended"][pid] = cols["u_reattend"][pid] < chance
            self._leave(dept, pid, DISCHARGED)
        self._start_treatments(dept)

    def _decide(self, pid: int) -> None:
        """The specialty decides to admit: to a free bed, or to wait for one.

        A patient still in a cubicle boards there; one already moved out (a clock-stop
        transfer during the review) waits where they are.
        """
        cols = self.cols
        dept = self.departments[cols["ed"][pid]]
        cols["decision_min"][pid] = self.now
        if dept.beds_free > 0 and not dept.bed_queue:
            dept.beds_free -= 1
            self._release_place(dept, pid)
            self._to_bed(dept, pid)
            self._start_treatments(dept)  # a place has freed
        else:
            if cols["state"][pid] == REVIEW:
                cols["state"][pid] = BOARDING
            dept.bed_queue.append(pid)

    def _release_place(self, dept: Department, pid: int) -> None:
        """Free the cubicle, assessment place or corridor place of a patient leaving it."""
        cols = self.cols
        if cols["state"][pid] != MOVED:
            dept.free_cubicles += 1
        elif cols["moved_to"][pid] == CORRIDOR:
            dept.corridor_used -= 1
            cols["corridor_min"][pid] = self.now - cols["moved_min"][pid]
        else:
            dept.assessment_used -= 1

    def _transfer(self, pid: int) -> None:
        """Stop the clock of a referred patient just before the threshold.

        A patient awaiting the specialty's review or a bed in a cubicle is moved to the
        assessment area (or a corridor) and recorded as admitted; one already in a corridor
        is recorded as admitted where it is.
        """
        cols = self.cols
        state = cols["state"][pid]
        dept = self.departments[cols["ed"][pid]]
        if cols["u_lever"][pid] >= dept.clock_stop_transfer:
            return
        if state == MOVED and math.isnan(cols["clock_stop_min"][pid]):
            cols["gamed"][pid] |= TRANSFERRED
            self._stop_clock(dept, pid)
            return
        if state != BOARDING and state != REVIEW:
            return
        if dept.assessment_used < dept.params.assessment_spaces:
            dept.assessment_used += 1
            cols["moved_to"][pid] = ASSESSMENT
        elif dept.corridor_used < dept.params.corridor_spaces:
            dept.corridor_used += 1
            cols["moved_to"][pid] = CORRIDOR
        else:
            return
        cols["state"][pid] = MOVED
        cols["moved_min"][pid] = self.now
        cols["gamed"][pid] |= TRANSFERRED
        self._stop_clock(dept, pid)
        dept.free_cubicles += 1
        self._start_treatments(dept)

    def _bed_free(self, ed: int) -> None:
        dept = self.departments[ed]
        if dept.surge_closing:  # an escalation bed no longer funded closes as it empties
            dept.surge_closing -= 1
            return
        if not dept.bed_queue:
            dept.beds_free += 1
            return
        pid = dept.bed_queue.popleft()
        self._release_place(dept, pid)
        self._to_bed(dept, pid)
        self._start_treatments(dept)

    def _to_bed(self, dept: Department, pid: int) -> None:
        release = self.now + self.cols["los_min"][pid] * dept.los_factor
        self._push(self._ward_time(release), _BED_FREE, dept.index)
        self._leave(dept, pid, ADMITTED)

    def _renege(self, pid: int) -> None:
        cols = self.cols
        if cols["state"][pid] != WAITING:
            return
        dept = self.departments[cols["ed"][pid]]
        cols["incomplete"][pid] = 1.0
        self._leave(dept, pid, LEFT_UNSEEN)

    # ---- leaving --------------------------------------------------------------------------
    def _stop_clock(self, dept: Department, pid: int) -> None:
        cols = self.cols
        stop = self.now
        if cols["clock_start_min"][pid] > stop:  # left before a late registration
            cols["clock_start_min"][pid] = stop
        threshold = dept.threshold
        if threshold is not None and dept.misrecord > 0.0:
            start = cols["clock_start_min"][pid]
            if stop - start > threshold and cols["u_record"][pid] < dept.misrecord:
                stop = max(start, start + threshold - 1.0 - 9.0 * cols["u_lever"][pid])
                cols["gamed"][pid] |= MISRECORDED
        cols["clock_stop_min"][pid] = stop

    def _leave(self, dept: Department, pid: int, disposition: int) -> None:
        cols = self.cols
        if math.isnan(cols["clock_stop_min"][pid]):
            self._stop_clock(dept, pid)
        cols["state"][pid] = GONE
        cols["left_ed_min"][pid] = self.now
        cols["disposition"][pid] = disposition
        if disposition == ADMITTED:
            recorded = cols["decision_min"][pid]
            if dept.delay_decision and cols["u_lever"][pid] < dept.delay_decision:
                held = self.now - self.params.decision_record_lead_min  # once a bed is in sight
                if held > recorded:
                    recorded = held
                    cols["gamed"][pid] |= LATE_DECISION
            cols["decision_recorded_min"][pid] = recorded
        dept.period.append(pid)

    def _ward_time(self, time: float) -> float:
        """Move a bed release that falls at night into the next morning's discharge hours.

        The night is mapped linearly onto the discharge window, so releases keep their
        order and the number of beds freed per day is unchanged.
        """
        day, minute = divmod(time, MINUTES_PER_DAY)
        start, end = self._ward_open
        if start <= minute < end:
            return time
        night = MINUTES_PER_DAY - end + start
        if minute >= end:
            offset, day = minute - end, day + 1
        else:
            offset = minute + MINUTES_PER_DAY - end
        return day * MINUTES_PER_DAY + start + offset / night * (end - start)
