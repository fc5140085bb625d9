"""The case-flow core: receipts, plea hearings, listing, trials and verdicts, day by day.

Cases are rows of numpy columns (a case table), not Mesa agents: a system of centres
handles tens of thousands of cases a year and the daily steps act on whole groups of
cases at once. Every chance a case meets (plea, crack, vacated or ineffective listing,
verdict, appeal, discontinuance) is decided by a uniform drawn for that case on receipt
(rotated by the golden ratio at each relisting, and for discontinuance by one draw per
centre at each prosecutors' review), and the victim's withdrawal day is drawn on receipt
from a hazard that rises with delay, so the same seed gives the same cases and the same
luck under every regime.
"""

from __future__ import annotations

import math

import numpy as np

from sim.columns import ColumnTable
from sim.courts.params import CentreParams, CourtParams

# states
PRE_PTPH, WAITING, IN_TRIAL, DONE = range(4)
# outcomes
OPEN, GUILTY_PLEA, CONVICTED, ACQUITTED, DISCONTINUED, WITHDREW = range(6)
OUTCOMES = ("still open", "guilty plea", "convicted", "acquitted", "discontinued",
            "victim withdrew")  # fmt: skip
_GOLDEN = 0.6180339887498949  # rotates a case's uniform for each relisting
WEEKDAYS_PER_YEAR = 365.0 * 5.0 / 7.0  # sitting days are spread over weekdays

_FLOAT = ("received_day", "evidence", "trial_days_needed", "u_plea", "u_crack", "u_vacate",
          "u_ineffective", "u_verdict", "u_appeal", "u_discontinue", "withdrawal_day",
          "ptph_day", "first_listed_day", "trial_start_day", "trial_end_day", "completed_day",
          "trial_days_given", "sentence_full_days", "sentence_days")  # fmt: skip
_INT = ("centre", "offence", "state", "outcome", "listings", "vacated", "ineffective", "judge")
DAYS_PER_MONTH = 365.0 / 12.0
#: Daily counts kept by the flow: listing outcomes (trials listed that day that were
#: effective, cracked, ineffective or vacated) and the cases awaiting trial at listing time.
DAILY = ("effective", "cracked", "ineffective", "vacated", "backlog")
_BOOL = ("custody", "victim", "true_guilty", "wrong_verdict", "ctl_breach", "cracked",
         "late_plea", "appeal_allowed")  # fmt: skip


def _ranks(order: np.ndarray) -> np.ndarray:
    """Rank of each element given the order that sorts them (0 = first)."""
    ranks = np.empty(len(order))
    ranks[order] = np.arange(len(order))
    return ranks


class CaseTable(ColumnTable):
    """Growable columns of case attributes and timestamps."""

    def __init__(self, capacity: int = 4096) -> None:
        """Allocate empty columns."""
        super().__init__(_FLOAT, _INT, _BOOL, capacity)


def withdrawal_day(
    received: np.ndarray, victim: np.ndarray, hazard: float, growth: float, e: np.ndarray
) -> np.ndarray:
    """Day a victim withdraws (never without a victim).

    The withdrawal hazard per year is hazard x (1 + growth x t), t in years since receipt;
    the victim withdraws when its integral reaches the exponential draw `e` (inverse
    transform sampling).
    """
    if hazard <= 0:
        return np.full(len(received), np.inf)
    if growth <= 0:
        years = e / hazard
    else:  # hazard (t + growth t^2 / 2) = e
        years = (-1.0 + np.sqrt(1.0 + 2.0 * growth * e / hazard)) / growth
    return np.where(victim, received + 365.0 * years, np.inf)


def verdict_day(start: int, sitting_days: float) -> float:
    """Day after the last of `sitting_days` weekdays from weekday `start` (skipping weekends).

    The verdict is recorded, and the courtroom is free, from that day.
    """
    last = start + sitting_days - 1
    weekends = (start % 7 + sitting_days - 1) // 5
    return last + 2 * weekends + 1


class Centre:
    """Courtrooms, the sitting-day budget and the levers of one Crown Court centre."""

    def __init__(self, index: int, params: CentreParams, judges: int) -> None:
        """Create a centre with all levers at 0."""
        self.index = index
        self.params = params
        self.room_free_day = np.zeros(params.courtrooms)
        self.sitting_carry = 0.0
        self.quick_first = 0.0
        self.over_listing = 0.0
        self.plea_pressure = 0.0
        self.discontinue_old = 0.0
        self.judge_rush = [0.0] * judges
        self.judge_management = [0.0] * judges  # each judge's case-management capability
        self.progression = 0.0  # the listing officer's case-progression capability
        self.extra_sitting_days = 0.0  # funded sitting days per year the centre sits


class CourtFlow:
    """Daily flow of cases through every centre."""

    def __init__(self, params: CourtParams, rng: np.random.Generator, days: int) -> None:
        """Create the centres and draw every case of a `days`-long run (common random numbers)."""
        self.params = params
        self.rng = rng
        self.cases = CaseTable()
        self.centres = [
            Centre(i, c, params.judges_per_centre) for i, c in enumerate(params.centres)
        ]
        self.day = 0
        self.daily = {name: np.zeros(days + 1, dtype=np.int64) for name in DAILY}
        self.extra_sittings = np.zeros(days + 1)  # funded sitting days added, day by day
        self._draw_backlog()
        counts = rng.poisson(
            [c.receipts_per_day for c in params.centres], (days, len(self.centres))
        )
        day_of = np.repeat(np.arange(days), counts.sum(axis=1))
        centre_of = np.concatenate([np.repeat(np.arange(len(self.centres)), row) for row in counts])
        self._receipts = self._draw(centre_of, day_of + rng.random(len(day_of)), False)
        self._day_starts = np.searchsorted(day_of, np.arange(days + 1))

    # ---- receipts ------------------------------------------------------------------------
    def receive_day(self, day: int) -> None:
        """Register the day's receipts at every centre (drawn for the whole run at the start)."""
        start, end = self._day_starts[day], self._day_starts[day + 1]
        if end > start:
            self.cases.add({name: column[start:end] for name, column in self._receipts.items()})

    def _draw_backlog(self) -> None:
        """Cases awaiting trial at time zero: past their plea hearing, victim still engaged.

        Ages are uniform up to `backlog_max_age_days`. Candidates are drawn as
        ordinary receipts and kept only if they would not have pleaded guilty at the plea
        hearing (without pressure) and their victim has not withdrawn by day 0, so the
        backlog holds the same kind of cases as the queue the run builds.
        """
        wanted = np.array([c.initial_backlog for c in self.params.centres])
        kept: list[dict] = []
        for _ in range(100):
            if wanted.sum() == 0:
                break
            centre = np.repeat(np.arange(len(wanted)), 4 * wanted)
            age = self.params.backlog_max_age_days * self.rng.random(len(centre))
            draw = self._draw(centre, -age, True)
            chance = self.plea_chance(draw["evidence"], draw["true_guilty"], 0.0)
            alive = (draw["u_plea"] >= chance) & (draw["withdrawal_day"] > 0.0)
            for k in np.flatnonzero(wanted):
                take = np.flatnonzero(alive & (centre == k))[: wanted[k]]
                kept.append({name: column[take] for name, column in draw.items()})
                wanted[k] -= len(take)
        else:
            raise ValueError(
                "centres.initial_backlog: no case survives the plea hearing to await trial; "
                "allowed: plea_base, plea_evidence and plea_innocent_factor that leave some "
                "defendants pleading not guilty"
            )
        if kept:
            self.cases.add({name: np.concatenate([d[name] for d in kept]) for name in kept[0]})

    def plea_chance(self, evidence: np.ndarray, guilty: np.ndarray, pressure) -> np.ndarray:
        """Chance of a guilty plea at the plea hearing.

        Rises with the strength of evidence, the early-plea credit above the guideline
        third and the prosecutor's pressure; an innocent defendant's is a fraction of a
        guilty one's.
        """
        p = self.params
        chance = (p.plea_base + p.plea_evidence * (evidence - 0.5)
                  + p.plea_credit_effect * (p.early_plea_credit - 1 / 3))  # fmt: skip
        chance = np.where(guilty, chance, chance * p.plea_innocent_factor)
        return np.clip(chance + p.plea_pressure_effect * pressure, 0.0, 1.0)

    def _draw(self, centre: np.ndarray, received: np.ndarray, backlog: bool) -> dict:
        """Attributes and luck of cases received at `centre` on `received` days."""
        p, rng = self.params, self.rng
        count = len(centre)
        offence = np.searchsorted(np.cumsum(p.offence_mix), rng.random(count) * sum(p.offence_mix))
        offence = np.minimum(offence, 3)
        custody = rng.random(count) < np.asarray(p.custody_prob)[offence]
        victim = rng.random(count) < np.asarray(p.victim_prob)[offence]
        evidence = rng.beta(3.0, 2.0, count)
        guilty = rng.random(count) < p.guilt_base + p.guilt_evidence * evidence
        mean_days = np.asarray(p.trial_days_mean)[offence]
        needed = np.maximum(1.0, np.round(rng.gamma(2.0, mean_days / 2.0)))
        draws = rng.random((7, count))
        exits = rng.exponential(1.0, count)
        sentence_mean = np.asarray(p.sentence_months_mean)[offence] * DAYS_PER_MONTH
        return {
            "centre": centre, "received_day": received,
            "offence": offence, "custody": custody, "victim": victim, "evidence": evidence,
            "true_guilty": guilty, "trial_days_needed": needed, "u_plea": draws[0],
            "u_crack": draws[1], "u_ineffective": draws[2], "u_verdict": draws[3],
            "u_appeal": draws[4], "u_discontinue": draws[5], "u_vacate": draws[6],
            "sentence_full_days": rng.gamma(2.0, sentence_mean / 2.0),
            "withdrawal_day": withdrawal_day(received, victim, p.withdrawal_hazard_per_year,
                                             p.withdrawal_growth_per_year, exits),
            "ptph_day": received if backlog else received + p.ptph_delay_days,
            "state": np.full(count, WAITING if backlog else PRE_PTPH),
            "judge": rng.integers(0, p.judges_per_centre, count),
        }  # fmt: skip

    # ---- one day ---------------------------------------------------------------------------
    def step(self, day: int) -> None:
        """Advance every centre through day `day`."""
        self.day = day
        c = self.cases
        state, centre_of = c["state"], c["centre"]
        self._withdrawals(day)
        self._plea_hearings(day)
        self._verdicts(day)
        open_custody = (state == WAITING) & c["custody"] & ~c["ctl_breach"]
        breach = open_custody & (day - c["received_day"] > self.params.custody_time_limit_days)
        c["ctl_breach"][breach] = True
        waiting = np.flatnonzero(state == WAITING)
        self.daily["backlog"][day] = len(waiting)
        if day % 7 >= 5:  # no trials at weekends
            return
        for centre in self.centres:
            self._list_trials(centre, day, waiting[centre_of[waiting] == centre.index])

    def _finish(self, index: np.ndarray, outcome: int, day: float) -> None:
        c = self.cases
        c["state"][index] = DONE
        c["outcome"][index] = outcome
        c["completed_day"][index] = day

    def _sentence(self, index: np.ndarray, credit: float) -> None:
        """Sentence convicted cases, reduced by the plea credit earned."""
        c = self.cases
        c["sentence_days"][index] = c["sentence_full_days"][index] * (1.0 - credit)

    def _withdrawals(self, day: int) -> None:
        c = self.cases
        pending = (c["state"] == PRE_PTPH) | (c["state"] == WAITING)
        self._finish(np.flatnonzero(pending & (c["withdrawal_day"] <= day)), WITHDREW, day)

    def _plea_hearings(self, day: int) -> None:
        c, p = self.cases, self.params
        due = np.flatnonzero((c["state"] == PRE_PTPH) & (c["ptph_day"] <= day))
        if len(due) == 0:
            return
        pressure = np.array([self.centres[k].plea_pressure for k in c["centre"][due]])
        chance = self.plea_chance(c["evidence"][due], c["true_guilty"][due], pressure)
        pleads = c["u_plea"][due] < chance
        self._finish(due[pleads], GUILTY_PLEA, day)
        c["wrong_verdict"][due[pleads]] = ~c["true_guilty"][due[pleads]]
        self._sentence(due[pleads], p.early_plea_credit)
        c["state"][due[~pleads]] = WAITING

    def _verdicts(self, day: int) -> None:
        c, p = self.cases, self.params
        ending = np.flatnonzero((c["state"] == IN_TRIAL) & (c["trial_end_day"] <= day))
        if len(ending) == 0:
            return
        guilty, evidence = c["true_guilty"][ending], c["evidence"][ending]
        chance = np.where(
            guilty,
            p.convict_guilty_base + p.convict_guilty_evidence * evidence,
            p.convict_innocent_base + p.convict_innocent_evidence * evidence,
        )
        rushed = 1.0 - c["trial_days_given"][ending] / c["trial_days_needed"][ending]
        chance = chance + np.minimum(p.rush_error * rushed, 1.0) * (0.5 - chance)
        convicted = c["u_verdict"][ending] < chance
        self._finish(ending[convicted], CONVICTED, day)
        self._sentence(ending[convicted], 0.0)
        self._finish(ending[~convicted], ACQUITTED, day)
        wrong = convicted != guilty
        c["wrong_verdict"][ending] = wrong
        wrongful = convicted & ~guilty
        allowed = c["u_appeal"][ending] < p.appeal_prob_wrongful * p.appeal_allowed_wrongful
        c["appeal_allowed"][ending] = wrongful & allowed

    def sitting_factor(self, day: float) -> float:
        """The multiplier on sitting days in force on `day`."""
        factor = 1.0
        for change in self.params.sitting_day_changes:
            if day >= change.day:
                factor = change.factor
        return factor

    def sitting_rooms(self, centre: Centre, day: int) -> int:
        """Courtrooms sitting today under the sitting-day budget (carrying fractions)."""
        factor = self.sitting_factor(day)
        centre.sitting_carry += centre.params.sitting_days_per_year * factor / WEEKDAYS_PER_YEAR
        if centre.extra_sitting_days:
            extra = centre.extra_sitting_days / WEEKDAYS_PER_YEAR
            centre.sitting_carry += extra
            self.extra_sittings[day] += extra
        rooms = min(int(centre.sitting_carry), centre.params.courtrooms)
        centre.sitting_carry -= rooms
        return rooms

    def _list_trials(self, centre: Centre, day: int, waiting: np.ndarray) -> None:
        c, p = self.cases, self.params
        free_rooms = np.flatnonzero(centre.room_free_day <= day)
        sitting = self.sitting_rooms(centre, day)
        rooms = free_rooms[: max(0, sitting - int(np.sum(centre.room_free_day > day)))]
        if len(rooms) == 0 or len(waiting) == 0:
            return
        listed = round(len(rooms) * (1.0 + centre.over_listing * p.overlisting_max))
        received = c["received_day"][waiting]
        if p.custody_first:  # custody cases first (custody time limits), each oldest first
            by_age = np.lexsort((received, ~c["custody"][waiting]))
        else:
            by_age = np.argsort(received, kind="stable")
        if centre.quick_first == 0.0:  # oldest first
            order = waiting[by_age]
        else:  # a mix of the age rank and the trial-length rank
            score = (1.0 - centre.quick_first) * _ranks(by_age)
            by_length = np.argsort(c["trial_days_needed"][waiting], kind="stable")
            score += centre.quick_first * _ranks(by_length)
            order = waiting[np.argsort(score, kind="stable")]
        # a crack that case progression brings before the trial day frees its listing
        early = p.crack_prob * p.progression_crack_cut * centre.progression
        room = 0
        slots = 0
        daily = self.daily
        for case in order:
            if slots == listed:
                break
            turn = c["listings"][case] * _GOLDEN
            if early and (c["u_crack"][case] + turn) % 1.0 < early:
                self._crack(case, day, on_the_day=False)
                continue
            slots += 1
            c["listings"][case] += 1
            if math.isnan(c["first_listed_day"][case]):
                c["first_listed_day"][case] = day
            if (c["u_vacate"][case] + turn) % 1.0 < p.vacate_prob:
                c["vacated"][case] += 1  # taken out of the list before the day
                daily["vacated"][day] += 1
                continue
            if (c["u_crack"][case] + turn) % 1.0 < p.crack_prob:
                self._crack(case, day, on_the_day=True)
                continue
            years = (day - c["received_day"][case]) / 365.0
            chance = p.ineffective_base + p.ineffective_per_year * years
            if centre.progression:
                chance *= 1.0 - p.progression_ineffective_cut * centre.progression
            if (c["u_ineffective"][case] + turn) % 1.0 < chance or room >= len(rooms):
                c["ineffective"][case] += 1  # witnesses absent, or no court free (over-listed)
                daily["ineffective"][day] += 1
                continue
            daily["effective"][day] += 1
            rush = centre.judge_rush[c["judge"][case]]
            managed = centre.judge_management[c["judge"][case]]
            if managed:  # agreed facts: the trial needs less time, and nothing is rushed
                c["trial_days_needed"][case] *= 1.0 - p.case_management_cut * managed
            given = max(1.0, round(c["trial_days_needed"][case] * (1.0 - rush * p.rush_max_cut)))
            c["state"][case] = IN_TRIAL
            c["trial_start_day"][case] = day
            c["trial_days_given"][case] = given
            c["trial_end_day"][case] = verdict_day(day, given)
            centre.room_free_day[rooms[room]] = c["trial_end_day"][case]
            room += 1

    def _crack(self, case: int, day: int, on_the_day: bool) -> None:
        """A late guilty plea or an offer of no evidence ends a listed case without trial.

        `on_the_day`: it cracks on the trial day (a cracked trial, its listing wasted);
        otherwise case progression brought it forward to a readiness check before the day.
        """
        c, p = self.cases, self.params
        if on_the_day:
            c["cracked"][case] = True
            self.daily["cracked"][day] += 1
        late_plea = c["true_guilty"][case] or c["u_plea"][case] < 0.2
        c["late_plea"][case] = late_plea
        self._finish(np.array([case]), GUILTY_PLEA if late_plea else DISCONTINUED, day)
        c["wrong_verdict"][case] = late_plea and not c["true_guilty"][case]
        if late_plea:
            self._sentence(np.array([case]), p.trial_door_credit)

    # ---- prosecutors' periodic review ---------------------------------------------------------
    def discontinue(self, centre: Centre, day: int, draw: float) -> None:
        """Discontinue a share of the centre's old, weak cases awaiting trial."""
        c, p = self.cases, self.params
        share = centre.discontinue_old * p.discontinue_max
        if share <= 0:
            return
        old_weak = (
            (c["state"] == WAITING) & (c["centre"] == centre.index)
            & (day - c["received_day"] > p.old_case_days) & (c["evidence"] < p.weak_evidence)
        )  # fmt: skip
        chosen = old_weak & ((c["u_discontinue"] + draw) % 1.0 < share)
        self._finish(np.flatnonzero(chosen), DISCONTINUED, day)
