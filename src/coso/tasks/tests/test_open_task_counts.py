"""The leader's home page counts of open tasks: overdue and within their term, read in two queries."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest

from coso.tasks.selectors import open_task_counts, task_list

pytestmark = pytest.mark.django_db


def test_counts_match_the_list_filters_and_read_the_provinces_once(users, two_tasks, today):
    leader = users["leader"]
    with CaptureQueriesContext(connection) as q:
        counts = open_task_counts(fetched_by=leader, on=today + dt.timedelta(days=11))
    assert counts == {"overdue": 1, "in_term": 0}
    provinces_read = [x["sql"] for x in q.captured_queries if 'SELECT DISTINCT "tasks_task"."province_code"' in x["sql"]]
    assert len(provinces_read) == 1
    assert len(task_list(fetched_by=leader, status="overdue", on=today + dt.timedelta(days=11))) == 1
    assert open_task_counts(fetched_by=leader, on=today) == {"overdue": 0, "in_term": 1}
