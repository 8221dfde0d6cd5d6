"""Pages of the indices app on bad input: a clear error, never a 500."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", ["leader", "province_home_affairs", "sysadmin"])
@pytest.mark.parametrize("query", ["period=2014", "period=2000-05", "period=1901"])
def test_a_period_before_the_task_rules_has_no_task_figure_not_a_500(users, login, commune, role, query):
    """The strength index counted tasks against the extension rule, which starts on 10/9/2014: earlier periods answered 500."""
    c = login(users[role])
    assert c.get(f"/chi-so/?{query}").status_code == 200
    if role != "leader":
        assert c.get(f"/chi-so/?{query}&commune={commune.code}").status_code == 200
