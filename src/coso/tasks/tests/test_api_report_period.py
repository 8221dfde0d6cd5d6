"""API period report: a year or period number 0 is refused, not read as "the current period"."""

from __future__ import annotations

import pytest

from coso.tasks.tests.conftest import TODAY

pytestmark = pytest.mark.django_db
API = "/api/v1/tasks"


@pytest.mark.parametrize("query", ["year=0", "number=0", "year=0&number=0", "year=2026&number=0"])
def test_api_report_refuses_year_or_number_zero_instead_of_answering_another_period(login, users, today, query):
    r = login(users["province_home_affairs"]).get(f"{API}/report?kind=month&{query}")
    assert r.status_code == 400, r.content
    assert r.json()["code"] == "invalid-period"


def test_api_report_without_year_and_number_is_the_current_period(login, users, today):
    r = login(users["province_home_affairs"]).get(f"{API}/report?kind=month")
    assert r.status_code == 200
    assert r.json()["end"] == f"{TODAY.year}-03-14"
