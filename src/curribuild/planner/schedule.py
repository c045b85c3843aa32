"""Step 4 of planning: placing sessions into days.

Units are placed in order, greedily. When the next unit does not fit in what
is left of a day, a later one among the next few whose prerequisites are
already placed may take the gap (first fit with a short look-ahead), so days
do not end early; this stays linear in the number of units. Within a day:

- teaching runs between ``day_start`` and ``day_end``; online days teach at
  most the curriculum's ``online_day_minutes``;
- a break comes before any unit that would make the current block of
  consecutive sessions longer than ``max_block_minutes``;
- lunch comes near the middle of the day: once the cursor is within an hour of
  the midpoint and the next unit would run more than an hour past it, or once
  the cursor is past that hour; a day that ends before lunch has none;
- a debrief follows its sensitive session on the same day; a daily
  reflection, when the rules ask for one, closes each teaching day;
- a unit never splits across days, and the parts of a goal that is longer
  than a block (cut by the caller) stay on the same day.

Units that do not fit in the days are returned as overflow for the budget step.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from curribuild.planner.model import Rationale


@dataclass(frozen=True, slots=True)
class Unit:
    """A teaching session to place (one goal, or one part of a goal)."""

    goal: str
    title: str
    method: str
    method_name: str
    learning_type: str
    minutes: int
    sensitive: bool
    rationale: tuple[Rationale, ...]
    part: int | None = None
    parts: int | None = None
    requires: tuple[str, ...] = ()
    debrief_minutes: int = 0
    debrief_title: str = ""
    debrief_rule: str = ""


@dataclass(frozen=True, slots=True)
class DayFrame:
    """The shape of a teaching day, in minutes from midnight."""

    start: int
    end: int
    lunch: int
    max_block: int
    break_minutes: int
    teaching_cap: int
    reflection_minutes: int = 0
    reflection_title: str = ""
    reflection_rule: str = ""

    @property
    def lunch_target(self) -> int:
        return self.start + (self.end - self.start - self.lunch) // 2


@dataclass(slots=True)
class Slot:
    start: int
    end: int
    kind: str
    title: str
    unit: Unit | None = None
    rule: str = ""


@dataclass(slots=True)
class Schedule:
    days: list[list[Slot]] = field(default_factory=list)
    overflow: list[Unit] = field(default_factory=list)


LUNCH_WINDOW = 60


def hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def unit_need(unit: Unit, frame: DayFrame) -> int:
    """Minutes a unit occupies on an otherwise empty day, with its debrief."""
    need = unit.minutes
    if unit.debrief_minutes:
        if unit.minutes + unit.debrief_minutes > frame.max_block:
            need += frame.break_minutes
        need += unit.debrief_minutes
    return need


class _Day:
    def __init__(self, frame: DayFrame) -> None:
        self.frame = frame
        self.slots: list[Slot] = []
        self.cursor = frame.start
        self.block = 0
        self.teaching = 0
        self.lunch_done = frame.lunch == 0

    def _add(
        self, minutes: int, kind: str, title: str, unit: Unit | None = None, rule: str = ""
    ) -> None:
        self.slots.append(Slot(self.cursor, self.cursor + minutes, kind, title, unit, rule))
        self.cursor += minutes
        if kind in ("lunch", "break"):
            self.block = 0
        else:
            self.block += minutes

    def _breaks_before(self, minutes: int) -> int:
        return (
            self.frame.break_minutes
            if self.block and self.block + minutes > self.frame.max_block
            else 0
        )

    def _lunch_due(self, need: int) -> bool:
        if self.lunch_done:
            return False
        target = self.frame.lunch_target
        if self.cursor >= target + LUNCH_WINDOW:
            return True
        return self.cursor >= target - LUNCH_WINDOW and self.cursor + need > target + LUNCH_WINDOW

    def _tail(self, block: int) -> int:
        """Minutes to keep free at the end of the day for the reflection, after a
        block of ``block`` minutes."""
        frame = self.frame
        if not frame.reflection_minutes:
            return 0
        pause = frame.break_minutes if block + frame.reflection_minutes > frame.max_block else 0
        return frame.reflection_minutes + pause

    def try_place(self, unit: Unit) -> bool:
        frame = self.frame
        if self.teaching + unit.minutes > frame.teaching_cap:
            return False
        pause_now = self._breaks_before(unit.minutes)
        lunch = self._lunch_due(pause_now + unit_need(unit, frame))
        cursor = self.cursor + (frame.lunch if lunch else 0)
        block = 0 if lunch else self.block
        pause = frame.break_minutes if block and block + unit.minutes > frame.max_block else 0
        end = cursor + pause + unit.minutes
        block = (0 if pause else block) + unit.minutes
        if unit.debrief_minutes:
            if block + unit.debrief_minutes > frame.max_block:
                end += frame.break_minutes
                block = 0
            end += unit.debrief_minutes
            block += unit.debrief_minutes
        if end + self._tail(block) > frame.end:
            return False
        if lunch:
            self._add(frame.lunch, "lunch", "Lunch")
            self.lunch_done = True
        if self._breaks_before(unit.minutes):
            self._add(frame.break_minutes, "break", "Break")
        self._add(unit.minutes, "teaching", unit.title, unit)
        self.teaching += unit.minutes
        if unit.debrief_minutes:
            if self._breaks_before(unit.debrief_minutes):
                self._add(frame.break_minutes, "break", "Break")
            self._add(unit.debrief_minutes, "debrief", unit.debrief_title, rule=unit.debrief_rule)
        return True

    def try_place_group(self, units: list[Unit]) -> bool:
        """Place all ``units`` on this day, or none of them."""
        saved = (len(self.slots), self.cursor, self.block, self.teaching, self.lunch_done)
        for unit in units:
            if not self.try_place(unit):
                count, self.cursor, self.block, self.teaching, self.lunch_done = saved
                del self.slots[count:]
                return False
        return True

    def close(self) -> list[Slot]:
        frame = self.frame
        if frame.reflection_minutes and self.teaching:
            if self._breaks_before(frame.reflection_minutes):
                self._add(frame.break_minutes, "break", "Break")
            self._add(
                frame.reflection_minutes,
                "reflection",
                frame.reflection_title,
                rule=frame.reflection_rule,
            )
        return self.slots


def _groups(units: list[Unit]) -> list[list[Unit]]:
    """Units grouped so that the parts of one goal travel together."""
    groups: list[list[Unit]] = []
    for unit in units:
        if unit.part is not None and unit.part > 1 and groups and groups[-1][-1].goal == unit.goal:
            groups[-1].append(unit)
        else:
            groups.append([unit])
    return groups


LOOKAHEAD = 8


def schedule(units: list[Unit], frames: list[DayFrame]) -> Schedule:
    """Place ``units`` into the days described by ``frames``, in order where possible."""
    out = Schedule()
    pending = _groups(units)
    scheduled = {unit.goal for unit in units}
    placed: set[str] = set()
    for frame in frames:
        day = _Day(frame)
        while True:
            chosen = None
            for index, group in enumerate(pending[:LOOKAHEAD]):
                ready = all(r in placed or r not in scheduled for r in group[0].requires)
                if ready and day.try_place_group(group):
                    chosen = index
                    break
            if chosen is None:
                break
            placed.add(pending.pop(chosen)[0].goal)
        out.days.append(day.close())
    out.overflow = [unit for group in pending for unit in group]
    return out
