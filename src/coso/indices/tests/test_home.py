"""The home page per role: "/" opens what needs the user today; the leader's figures from the workforce review open the
lists behind them."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine

from coso.accounts.roles import Role

pytestmark = pytest.mark.django_db


def _value(html: str, element_id: str) -> int:
    found = re.search(rf'id="{element_id}">(\d+)<', html)
    assert found, element_id
    return int(found.group(1))


def _rows(html: str, table_id: str) -> int:
    """The people listed in a table: links to a person's page inside it."""
    table = html.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]
    return len(re.findall(r'href="/workforce/nguoi/\d+/"', table))


@pytest.mark.parametrize(
    ("who", "home"),
    [
        ("leader", "/chi-so/"),
        ("onestop", "/chi-so/viec-cua-toi/"),
        ("specialist", "/dossiers/inbox/"),
        ("province_home_affairs", "/chi-so/"),
        ("province_finance", "/chi-so/"),
        ("province_admin", "/chi-so/"),
        ("sysadmin", "/chi-so/"),
    ],
)
def test_home_opens_the_roles_own_page(users, login, who, home):
    from conftest import verify_session

    c = login(users[who])
    verify_session(c, users[who])
    r = c.get("/")
    assert r.status_code == 302 and r["Location"] == home
    assert c.get(home).status_code == 200


@pytest.mark.parametrize("who", ["citizen", "home_affairs", "finance"])
def test_other_roles_keep_the_list_of_their_pages(users, login, who):
    r = login(users[who]).get("/")
    assert r.status_code == 200 and 'class="tile"' in r.content.decode()


def test_anonymous_visitor_and_a_leader_without_a_commune_get_the_front_page(client, make_user, login):
    assert client.get("/").status_code == 200
    r = login(make_user("leader_nowhere", Role.COMMUNE_LEADER)).get("/")
    assert r.status_code == 200 and 'class="tile"' in r.content.decode()


def test_signing_in_lands_a_leader_on_their_home_page(client, users):
    r = client.post("/accounts/login/", {"username": "leader", "password": "pw-Coso-2026!"}, follow=True)
    assert r.redirect_chain[-1][0] == "/chi-so/" and 'id="todo"' in r.content.decode()


@time_machine.travel(dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7))), tick=False)
def test_leader_sees_staff_gaps_and_retirements_and_opens_the_lists_behind_them(users, login, commune, other_commune):
    from coso.workforce.tests.helpers import person

    person(commune, full_name="Sắp Hưu", gender="male", birth_date=dt.date(1965, 8, 1))  # 61y6m → 02/2027: within a year
    person(commune, full_name="Quá Hưu", gender="male", birth_date=dt.date(1960, 1, 1))  # retired in 2021, still in office
    person(commune, full_name="Còn Trẻ", birth_date=dt.date(1995, 1, 1))
    person(commune, full_name="Chưa Học", birth_date=dt.date(1990, 1, 1), degree_level="trung_cap", it="")
    person(other_commune, full_name="Xã Khác", gender="male", birth_date=dt.date(1960, 1, 1))  # another commune: never counted

    c = login(users["leader"])
    html = c.get("/", follow=True).content.decode()
    retiring, retired, below = _value(html, "todo-retiring"), _value(html, "todo-retired"), _value(html, "todo-below-standard")
    assert (retiring, retired, below) == (2, 1, 1)  # the coming retirement and the overdue one; one below the standards
    assert "trên 4 người đang công tác" in html

    links = {key: re.search(rf'href="([^"]+)" id="todo-{key}"', html).group(1).replace("&amp;", "&")  # type: ignore[union-attr]
             for key in ("retiring", "retired", "below-standard")}
    assert links["retiring"] == f"/workforce/?commune={commune.code}&retiring=1"
    assert _rows(c.get(links["retiring"]).content.decode(), "people-list") == retiring
    review = c.get(links["below-standard"]).content.decode()
    assert _rows(review, "people-table") == below
    assert "Chưa Học" in review.split('id="people-table"', 1)[1].split("</table>", 1)[0]  # below the degree of the position
    assert links["retired"] == links["below-standard"] + "#retired-table"
    assert _rows(review, "retired-table") == retired


def test_leader_of_a_commune_without_staff_sees_no_staff_figures(users, login):
    html = login(users["leader"]).get("/chi-so/").content.decode()
    assert 'id="todo-mine"' in html and 'id="todo-retiring"' not in html and 'id="todo-below-standard"' not in html


def test_leader_sees_the_tasks_overdue_and_in_term_and_opens_their_lists(users, login, commune, other_commune):
    from coso.tasks import services as task_services
    from coso.tasks.models import Task
    from coso.tasks.tests.test_services import _bulk

    with time_machine.travel(dt.datetime(2017, 1, 3, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7))), tick=False):
        d = task_services.directive_create(actor=users["province_admin"], number="3/BC", issued_on=dt.date(2017, 1, 2), issuer="UBND tỉnh",
                                           level="province", summary="Kế hoạch")
    Task.objects.bulk_create(
        _bulk(d, commune.code, 2, state="open", due=dt.date(2020, 6, 30))  # overdue
        + _bulk(d, commune.code, 1, state="open", due=dt.date(2099, 6, 30))  # in its term
        + _bulk(d, commune.code, 1, state="completed", due=dt.date(2020, 6, 30), completed=dt.date(2020, 6, 1))
        + _bulk(d, other_commune.code, 3, state="open", due=dt.date(2020, 6, 30))  # another commune's: never counted
    )
    c = login(users["leader"])
    html = c.get("/chi-so/").content.decode()
    assert (_value(html, "todo-tasks-overdue"), _value(html, "todo-tasks-in-term")) == (2, 1)
    for element_id, n in (("todo-tasks-overdue", 2), ("todo-tasks-in-term", 1)):
        url = re.search(rf'href="([^"]+)" id="{element_id}"', html).group(1).replace("&amp;", "&")  # type: ignore[union-attr]
        listed = c.get(url).content.decode().split('id="task-table"', 1)[1].split("</table>", 1)[0]
        assert listed.count("data-commune=") == n, url
