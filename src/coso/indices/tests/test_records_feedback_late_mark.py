"""The 5.2 / 5.3 drill-down marks "quá hạn" on every item the figure counts late: flagged late by a service, still open
past its answer deadline, or answered and not published past its publishing deadline (``feedback.selectors.late_q``);
an open item within its deadline is not marked."""

from __future__ import annotations

import datetime as dt
import re

import pytest

pytestmark = pytest.mark.django_db


def _marked(html: str) -> dict[str, bool]:
    rows = re.findall(r"<tr><td><a [^>]*>(PA\d+)</a></td>(.*?)</tr>", html, flags=re.S)
    return {code: "quá hạn" in rest for code, rest in rows}


def test_the_list_marks_late_what_the_figure_counts_late(commune, users, login, make_feedback, time_machine):
    time_machine.move_to(dt.datetime(2026, 12, 20, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7))))
    flagged = make_feedback(commune, submitted=dt.date(2026, 11, 2), late=True)
    open_past = make_feedback(commune, submitted=dt.date(2026, 11, 3), status="processing")  # due 3/12: past, open
    unpublished = make_feedback(commune, submitted=dt.date(2026, 11, 4), status="answered")  # publish due 4/12: past
    in_term = make_feedback(commune, submitted=dt.date(2026, 11, 25), status="processing")  # due 25/12
    on_time = make_feedback(commune, submitted=dt.date(2026, 11, 5))  # closed, not late
    c = login(users["leader"])
    html = c.get(f"/chi-so/ho-so/?commune={commune.code}&indicator=5.2&period=2026-11&all=1").content.decode()
    marks = _marked(html)
    assert marks == {flagged.code: True, open_past.code: True, unpublished.code: True, in_term.code: False, on_time.code: False}
    # the list of the items counting against the figure holds exactly those marked
    html = c.get(f"/chi-so/ho-so/?commune={commune.code}&indicator=5.2&period=2026-11").content.decode()
    assert _marked(html) == {flagged.code: True, open_past.code: True, unpublished.code: True}
