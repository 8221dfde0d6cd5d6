"""Official status vocabulary and the government's rates (pure functions, no database).

Status of a task on a date ``on`` (Báo cáo 1270/BC-TCTTTg vocabulary):
- completed on time / completed late (đã hoàn thành đúng hạn / quá hạn);
- not completed within term / not completed overdue (chưa hoàn thành trong hạn / quá hạn);
- stopped or cancelled (dừng, hủy): outside every rate.

The deadline a task is judged against is its deadline after approved extensions when the rule
``tasks.extension.counts_on_time`` says so, else the deadline first given.

Rates use the government's denominator: tasks due = completed + not completed overdue.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

ON_TIME = "completed_on_time"
LATE = "completed_late"
IN_TERM = "open_in_term"
OVERDUE = "open_overdue"
STOPPED = "stopped"
NOT_YET = "not_assigned"  # assigned after the date looked at

STATUSES = (ON_TIME, LATE, IN_TERM, OVERDUE, STOPPED)
LABELS = {
    ON_TIME: _("Đã hoàn thành đúng hạn"),
    LATE: _("Đã hoàn thành quá hạn"),
    IN_TERM: _("Chưa hoàn thành, trong hạn"),
    OVERDUE: _("Chưa hoàn thành, quá hạn"),
    STOPPED: _("Dừng/hủy"),
}
CSS = {ON_TIME: "ok", LATE: "late", IN_TERM: "ontime", OVERDUE: "overdue", STOPPED: ""}


def judged_due(due_on: dt.date, effective_due: dt.date, *, extension_counts: bool) -> dt.date:
    return effective_due if extension_counts else due_on


def official_status(
    *,
    state: str,
    assigned_on: dt.date,
    due_on: dt.date,
    effective_due: dt.date,
    completed_on: dt.date | None,
    cancelled_on: dt.date | None,
    on: dt.date,
    extension_counts: bool,
) -> str:
    """The status of a task on ``on``; ``state`` is the stored base state (open/completed/cancelled)."""
    if assigned_on > on:
        return NOT_YET
    if state == "cancelled" and (cancelled_on is None or cancelled_on <= on):
        return STOPPED
    deadline = judged_due(due_on, effective_due, extension_counts=extension_counts)
    if state == "completed" and completed_on is not None and completed_on <= on:
        return ON_TIME if completed_on <= deadline else LATE
    return OVERDUE if on > deadline else IN_TERM


def days_overdue(*, status: str, due: dt.date, completed_on: dt.date | None, on: dt.date) -> int:
    if status == LATE and completed_on is not None:
        return (completed_on - due).days
    if status == OVERDUE:
        return (on - due).days
    return 0


TWO = Decimal("0.01")


def rates(completed: int, overdue_open: int, *, method: str = "truncate_complement") -> tuple[Decimal | None, Decimal | None]:
    """(completion rate, overdue rate) in percent over tasks due = completed + overdue not completed; None when nothing is due."""
    due = completed + overdue_open
    if due <= 0:
        return None, None
    done = Decimal(completed) * 100 / Decimal(due)
    if method == "round_half_up":
        late = Decimal(overdue_open) * 100 / Decimal(due)
        return done.quantize(TWO, rounding=ROUND_HALF_UP), late.quantize(TWO, rounding=ROUND_HALF_UP)
    done = done.quantize(TWO, rounding=ROUND_DOWN)
    return done, Decimal(100) - done


@dataclass
class Figures:
    """Counts per official status and the rates; add tasks with ``add(status)``."""

    label: str = ""
    code: str = ""
    completed_on_time: int = 0
    completed_late: int = 0
    open_in_term: int = 0
    open_overdue: int = 0
    stopped: int = 0
    days_overdue_total: int = 0
    method: str = "truncate_complement"
    extra: dict[str, Any] = field(default_factory=dict)

    def add(self, status: str, n: int = 1) -> None:
        if status in STATUSES:
            setattr(self, status, getattr(self, status) + n)

    def merge(self, other: Figures) -> None:
        for s in STATUSES:
            self.add(s, getattr(other, s))
        self.days_overdue_total += other.days_overdue_total

    @property
    def total(self) -> int:
        return self.completed + self.not_completed + self.stopped

    @property
    def completed(self) -> int:
        return self.completed_on_time + self.completed_late

    @property
    def not_completed(self) -> int:
        return self.open_in_term + self.open_overdue

    @property
    def due(self) -> int:
        return self.completed + self.open_overdue

    @property
    def completion_rate(self) -> Decimal | None:
        return rates(self.completed, self.open_overdue, method=self.method)[0]

    @property
    def overdue_rate(self) -> Decimal | None:
        return rates(self.completed, self.open_overdue, method=self.method)[1]

    @property
    def on_time_share(self) -> Decimal | None:
        """Completed on time among completed tasks (percent, rounded half up)."""
        if not self.completed:
            return None
        return (Decimal(self.completed_on_time) * 100 / Decimal(self.completed)).quantize(TWO, rounding=ROUND_HALF_UP)

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d.pop("method")
        d.pop("extra")
        d.update(
            total=self.total,
            completed=self.completed,
            not_completed=self.not_completed,
            due=self.due,
            completion_rate=self.completion_rate,
            overdue_rate=self.overdue_rate,
            on_time_share=self.on_time_share,
        )
        return d
