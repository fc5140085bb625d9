"""The crime-flow core: crimes, reports, recording, investigation and outcomes, day by day.

Crimes are rows of numpy columns (a crime table), not Mesa agents: a system of forces sees
hundreds of thousands of crimes a year, and each day acts on whole groups at once. Every
potential crime of the run is drawn when the flow is built, with a uniform for each chance
it meets (prevented, reported, recorded in error or left unrecorded, downgraded, a
suspect found, charged, the victim contacted, a repeat crime), so the same seed gives the
same crimes and the same luck under every regime. A repeat crime against the same victim
takes its origin's uniforms rotated by the golden ratio.
"""

from __future__ import annotations

import math

import numpy as np

from sim.columns import ColumnTable
from sim.police.params import CRIME_TYPES, ForceParams, PoliceParams

# outcomes of a recorded crime
OPEN, CHARGED, OUT_OF_COURT, NO_ACTION, FILED = range(5)
OUTCOMES = ("open", "charged", "out of court", "no further action", "filed uninvestigated")
_GOLDEN = 0.6180339887498949

_UNIFORMS = ("u_prevent", "u_report", "u_error", "u_discretion", "u_downgrade", "u_suspect",
             "u_charge", "u_contact", "u_satisfy", "u_repeat")  # fmt: skip
_FLOAT = ("day", *_UNIFORMS, "repeat_delay", "hours_left", "outcome_day")
_INT = ("force", "type", "outcome", "origin")
_BOOL = ("serious", "occurred", "reported", "recorded", "gamed", "downgraded", "contacted",
         "repeat", "repeated")  # fmt: skip
#: Daily counts per force kept by the flow.
DAILY = ("crimes", "reports", "recorded", "gamed", "charged", "out_of_court", "write_offs",
         "filed", "no_action")  # fmt: skip


class CrimeTable(ColumnTable):
    """Growable columns of crime attributes and timestamps."""

    def __init__(self, capacity: int = 4096) -> None:
        """Allocate empty columns."""
        super().__init__(_FLOAT, _INT, _BOOL, capacity)


class Force:
    """The investigation hours, queue and levers of one police force."""

    def __init__(self, index: int, params: ForceParams) -> None:
        """Create a force with every lever at 0 and an empty queue."""
        self.index = index
        self.params = params
        self.under_record = 0.0
        self.downgrade = 0.0
        self.victim_contact = 0.0
        self.easy_detections = 0.0
        self.write_offs = 0.0
        self.prevention = 0.0  # share of potential crime prevented
        self.quality = 0.0  # relative rise in the charge chance
        self.queue = np.zeros(0, dtype=np.int64)  # recorded crimes awaiting investigation
        self.write_off_carry = 0.0


class PoliceFlow:
    """Daily flow of crimes through every force."""

    def __init__(self, params: PoliceParams, rng: np.random.Generator, days: int) -> None:
        """Create the forces and draw every potential crime of a `days`-long run."""
        self.params = params
        self.days = days
        self.forces = [Force(i, f) for i, f in enumerate(params.forces)]
        p = params
        self.report_prob = np.asarray(p.report_prob)
        self.discretion = np.asarray(p.recording_discretion)
        self.suspect_prob = np.asarray(p.suspect_prob)
        self.charge_prob = np.asarray(p.charge_prob)
        self.hours = np.asarray(p.investigation_hours)
        rates = np.array([f.crimes_per_day for f in p.forces])
        base = rng.poisson(rates, size=(days, len(rates)))
        earlier = rng.poisson(np.outer(self.earlier_repeats(days), rates))
        cells = (base + earlier).ravel()  # day-major: every force's crimes of day 0, ...
        total = int(cells.sum())
        self.day_start = np.concatenate([[0], np.cumsum((base + earlier).sum(axis=1))])
        cell = np.repeat(np.arange(len(cells)), cells)
        offset = np.arange(total) - np.repeat(np.cumsum(cells) - cells, cells)
        u = rng.random((len(_UNIFORMS) + 2, total))
        kind = np.minimum(np.searchsorted(np.cumsum(p.crime_mix), u[0], side="right"),
                          len(CRIME_TYPES) - 1)  # fmt: skip
        repeat = offset >= base.ravel()[cell]  # a repeat of a crime before the run
        self.crimes = CrimeTable(int(total * (1.0 + p.repeat_prob)) + 16)
        self.crimes.add({
            "day": (cell // len(rates)).astype(float), "force": cell % len(rates),
            "type": kind, "serious": u[1] < np.asarray(p.serious_share)[kind],
            **{name: u[2 + k] for k, name in enumerate(_UNIFORMS)},
            "repeat_delay": rng.exponential(p.repeat_delay_days, total), "repeat": repeat,
            "origin": np.full(total, -1), "outcome": np.full(total, OPEN),
        })  # fmt: skip
        self.crimes["u_repeat"][repeat] = 1.0  # a repeat is not followed by another
        self.daily = {name: np.zeros((days, len(rates)), dtype=np.int64) for name in DAILY}
        self.pending: dict[int, list[np.ndarray]] = {}  # day -> origins of candidate repeats

    # ---- one day ------------------------------------------------------------------------
    def step(self, day: int) -> None:
        """Crimes of `day` happen, are reported and recorded; each force investigates."""
        c = self.crimes
        rows = np.arange(self.day_start[day], self.day_start[day + 1])
        rows = np.concatenate([rows, self._repeats(day)])
        prevented = c["u_prevent"][rows] < self._force_values("prevention")[c["force"][rows]]
        rows = rows[~prevented]
        c["occurred"][rows] = True
        self._record(rows)
        chance = c["u_repeat"][rows] < self.params.repeat_prob
        first = rows[chance & ~c["repeat"][rows]]
        due = day + np.ceil(c["repeat_delay"][first]).astype(int)
        for when in np.unique(due[due < self.days]):
            self.pending.setdefault(int(when), []).append(first[due == when])
        forces = c["force"][rows]
        n = len(self.forces)
        daily = self.daily
        daily["crimes"][day] += np.bincount(forces, minlength=n)
        daily["reports"][day] += np.bincount(forces[c["reported"][rows]], minlength=n)
        daily["recorded"][day] += np.bincount(forces[c["recorded"][rows]], minlength=n)
        daily["gamed"][day] += np.bincount(forces[c["gamed"][rows]], minlength=n)
        for force in self.forces:
            mine = rows[forces == force.index]
            recorded = mine[c["recorded"][mine]]
            force.queue = np.concatenate([force.queue, recorded])
            contacted = int(np.sum(c["contacted"][recorded]))
            hours = max(0.0, force.params.investigator_hours_per_day
                        - contacted * self.params.contact_hours)  # fmt: skip
            self._investigate(force, day, hours)
            self._write_off(force, day, int(np.sum(c["reported"][mine])))

    def earlier_repeats(self, days: int) -> np.ndarray:
        """Expected repeat crimes on each day, per crime a day, of crimes before the run.

        So a run starts in the steady state of repeat victimisation rather than with none:
        crimes at a steady rate before day 0, each repeated with `repeat_prob`, less the
        share an outcome protects (the full-investigation outcome rate, with no victim
        contact), after an exponential delay, land on day d with density
        mean x (exp(-d / mean) - exp(-(d + 1) / mean)).
        """
        p = self.params
        outcome = float(np.sum(np.asarray(p.crime_mix) * self.report_prob
                               * (1.0 - p.recording_error) * self.suspect_prob
                               * self.charge_prob))  # fmt: skip
        chance = p.repeat_prob * (1.0 - p.repeat_protection * outcome)
        mean = p.repeat_delay_days
        d = np.arange(days)
        return chance * mean * (np.exp(-d / mean) - np.exp(-(d + 1) / mean))

    def _force_values(self, name: str) -> np.ndarray:
        return np.array([getattr(force, name) for force in self.forces])

    def _repeats(self, day: int) -> np.ndarray:
        """Repeat crimes due today: rows added for the victims not protected in time."""
        origins = self.pending.pop(day, [])
        if not origins:
            return np.zeros(0, dtype=np.int64)
        c, p = self.crimes, self.params
        origin = np.concatenate(origins)
        done = (c["outcome"][origin] == CHARGED) | (c["outcome"][origin] == OUT_OF_COURT)
        protected = c["contacted"][origin] | (done & (c["outcome_day"][origin] <= day))
        chance = p.repeat_prob * np.where(protected, 1.0 - p.repeat_protection, 1.0)
        origin = origin[c["u_repeat"][origin] < chance]
        c["repeated"][origin] = True
        values = {name: (c[name][origin] + _GOLDEN) % 1.0 for name in _UNIFORMS}
        values["u_repeat"] = np.ones(len(origin))  # a repeat is not followed by another
        return c.add({
            **values, "day": np.full(len(origin), float(day)), "force": c["force"][origin],
            "type": c["type"][origin], "serious": c["serious"][origin],
            "repeat_delay": c["repeat_delay"][origin], "repeat": np.ones(len(origin), bool),
            "origin": origin, "outcome": np.full(len(origin), OPEN),
        })  # fmt: skip

    def _record(self, rows: np.ndarray) -> None:
        """Reporting and the recording decision (both ledgers), victim contact, hours."""
        c, p = self.crimes, self.params
        kind, force = c["type"][rows], c["force"][rows]
        reported = c["u_report"][rows] < self.report_prob[kind]
        error = c["u_error"][rows] < p.recording_error
        discretion = self.discretion[kind]
        gamed = reported & ~error & (
            c["u_discretion"][rows] < self._force_values("under_record")[force] * discretion)
        recorded = reported & ~error & ~gamed
        suspect = c["u_suspect"][rows] < self.suspect_prob[kind]
        downgraded = recorded & c["serious"][rows] & ~suspect & (
            c["u_downgrade"][rows] < self._force_values("downgrade")[force] * discretion)
        contacted = recorded & (c["u_contact"][rows] < self._force_values("victim_contact")[force])
        c["reported"][rows] = reported
        c["gamed"][rows] = gamed
        c["recorded"][rows] = recorded
        c["downgraded"][rows] = downgraded
        c["contacted"][rows] = contacted
        factor = np.where(c["serious"][rows], p.serious_hours_factor, 1.0)
        c["hours_left"][rows] = self.hours[kind] * factor

    def _investigate(self, force: Force, day: int, hours: float) -> None:
        """Investigate the force's queue with the day's hours: easy detections, then the rest.

        Crimes waiting longer than `file_after_days` are filed first. The share of hours
        given to easy detections goes to crimes in order of detections per hour: those
        with a suspect named at report first, then the quickest; the other hours go in
        the honest order: crimes recorded as serious, then those with a named suspect
        (screening by solvability), then the oldest. A full investigation finds a suspect
        with `suspect_prob` (named ones are known before it starts). A minor offence with
        the evidence to charge is disposed of out of court with `caution_share`, and the
        more often the more the quickest route is sought (the easy-detections level).
        """
        c, p = self.crimes, self.params
        queue = force.queue
        old = day - c["day"][queue] > p.file_after_days
        self._close(queue[old], FILED, day, force)
        queue = queue[~old]
        kind = c["type"][queue]
        serious_recorded = c["serious"][queue] & ~c["downgraded"][queue]
        suspect = c["u_suspect"][queue] < self.suspect_prob[kind]
        named = c["u_suspect"][queue] < self.suspect_prob[kind] * p.named_suspect_share
        honest = np.lexsort((c["day"][queue], ~named, ~serious_recorded))
        easy = np.lexsort((c["day"][queue], c["hours_left"][queue], ~named))  # yield first
        finished, used = self._allocate(queue, easy, force.easy_detections * hours)
        rest = np.ones(len(queue), dtype=bool)
        rest[finished] = False
        more, _ = self._allocate(queue, honest[rest[honest]], hours - used)
        finished = np.concatenate([finished, more])
        charge = np.minimum(1.0, self.charge_prob[kind[finished]] * (1.0 + p.quality_max
                                                                      * force.quality))
        u = c["u_charge"][queue[finished]]
        charged = suspect[finished] & (u < charge)
        # a minor offence that would be charged is disposed of out of court instead with
        # `caution_share`, or more often when the quickest route is sought (the charge
        # uniform, below `charge`, read as a fresh uniform of its own)
        share = p.caution_share + (1.0 - p.caution_share) * force.easy_detections
        cautioned = charged & ~serious_recorded[finished] & (u < charge * share)
        self._close(queue[finished[charged & ~cautioned]], CHARGED, day, force)
        self._close(queue[finished[cautioned]], OUT_OF_COURT, day, force)
        self._close(queue[finished[~charged]], NO_ACTION, day, force)
        left = np.ones(len(queue), dtype=bool)
        left[finished] = False
        force.queue = queue[left]

    def _allocate(self, queue: np.ndarray, order: np.ndarray,
                  hours: float) -> tuple[np.ndarray, float]:  # fmt: skip
        """Spend `hours` on the crimes `queue[order]` in turn; return those finished, hours used.

        The hours left after the last finished crime go to the next one (part-finished).
        """
        c = self.crimes
        if hours <= 0 or not len(order):
            return np.zeros(0, dtype=np.int64), 0.0
        spent = np.cumsum(c["hours_left"][queue[order]])
        finished = order[spent <= hours + 1e-9]
        if len(finished) == len(order):
            return finished, float(spent[-1])
        before = spent[len(finished) - 1] if len(finished) else 0.0
        c["hours_left"][queue[order[len(finished)]]] -= max(0.0, hours - before)
        return finished, hours

    def _close(self, rows: np.ndarray, outcome: int, day: int, force: Force) -> None:
        c = self.crimes
        c["outcome"][rows] = outcome
        c["outcome_day"][rows] = float(day)
        name = {CHARGED: "charged", OUT_OF_COURT: "out_of_court", NO_ACTION: "no_action",
                FILED: "filed"}[outcome]  # fmt: skip
        self.daily[name][day, force.index] += len(rows)

    def _write_off(self, force: Force, day: int, reports: int) -> None:
        """Detections claimed with no investigation behind them (no draws: a running total)."""
        force.write_off_carry += (force.write_offs * self.params.write_offs_per_100_reports
                                  * reports / 100.0)  # fmt: skip
        claimed = math.floor(force.write_off_carry)
        force.write_off_carry -= claimed
        self.daily["write_offs"][day, force.index] += claimed
