"""A province gives one task to many communes, often with the same lead unit (a department): its lists and the task page
say which commune each task is, so it can follow up the one that is late."""

from __future__ import annotations

import datetime as dt

import pytest

from coso.tasks import services
from coso.tasks.tests.conftest import TODAY

pytestmark = pytest.mark.django_db


@pytest.fixture
def dept_tasks(users, directive, commune, other_commune, today):  # type: ignore[no-untyped-def]
    return services.tasks_assign(
        actor=users["province_home_affairs"], directive=directive, title="Rà soát hồ sơ", commune_codes=[commune.code, other_commune.code],
        assigned_on=TODAY - dt.timedelta(days=5), due_on=TODAY + dt.timedelta(days=10), lead_unit="Phòng Văn hóa - Xã hội",
    )


def _cells(html: str, code: str) -> str:
    start = html.index(f'data-commune="{code}"')
    return html[start:html.index("</tr>", start)]


@pytest.mark.parametrize("url", ["/nhiem-vu/", "directive"])
def test_province_lists_name_the_commune_of_each_task(login, users, dept_tasks, commune, other_commune, directive, url):
    client = login(users["province_home_affairs"])
    html = client.get(f"/nhiem-vu/van-ban/{directive.pk}/" if url == "directive" else url).content.decode()
    assert "<th>Xã, phường</th>" in html
    assert "Phường Sài Gòn" in _cells(html, commune.code) and "Phường Tân Định" not in _cells(html, commune.code)
    assert "Phường Tân Định" in _cells(html, other_commune.code)


def test_commune_list_has_no_commune_column(login, users, dept_tasks):
    html = login(users["specialist"]).get("/nhiem-vu/").content.decode()
    assert "<th>Xã, phường</th>" not in html


def test_task_page_names_its_commune(login, users, dept_tasks, other_commune):
    task = next(t for t in dept_tasks if t.commune_code == other_commune.code)
    html = login(users["province_home_affairs"]).get(f"/nhiem-vu/{task.pk}/").content.decode()
    assert '<dt>Xã, phường</dt><dd id="task-commune">Phường Tân Định</dd>' in html
