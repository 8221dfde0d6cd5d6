"""A signed-in request reads its session and its account in one query (the session engine joins the account), and
everything Django checks on that account still holds: a deactivated account, a changed password, an ended session and
a signed-out browser are refused exactly as before."""

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

import pytest

from coso.accounts.models import User
from coso.accounts.sessions import loaded_account

pytestmark = pytest.mark.django_db
PASSWORD = "pw-Coso-2026!"


def _signed_in(user: User) -> Client:
    c = Client()
    r = c.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert r.status_code == 302 and "/accounts/login/" not in r["Location"]
    return c


def _account_reads(queries: list[dict]) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].lstrip().startswith("SELECT") and 'FROM "accounts_user"' in q["sql"]]


def test_a_signed_in_request_reads_its_account_with_its_session(users):
    c = _signed_in(users["citizen"])
    with CaptureQueriesContext(connection) as q:
        r = c.get("/api/v1/core/me")
    assert r.status_code == 200 and r.json()["username"] == users["citizen"].username
    sessions = [s["sql"] for s in q.captured_queries if 'FROM "accounts_session"' in s["sql"]]
    assert len(sessions) == 1 and '"accounts_user"' in sessions[0]  # one query: the session joined to its account
    assert _account_reads(q.captured_queries) == []
    assert loaded_account(users["citizen"].pk) is None  # served that request only


def test_a_deactivated_account_is_signed_out_at_its_next_request(users):
    c = _signed_in(users["citizen"])
    User.objects.filter(pk=users["citizen"].pk).update(is_active=False)
    assert c.get("/api/v1/core/me").status_code == 401


def test_a_changed_password_signs_other_browsers_out(users):
    c = _signed_in(users["citizen"])
    account = User.objects.get(pk=users["citizen"].pk)
    account.set_password("another-Coso-2026!")
    account.save()
    assert c.get("/api/v1/core/me").status_code == 401


def test_an_anonymous_request_after_a_signed_in_one_stays_anonymous(users):
    c = _signed_in(users["citizen"])
    assert c.get("/api/v1/core/me").status_code == 200
    assert Client().get("/api/v1/core/me").status_code == 401
    c.post("/accounts/logout/")
    assert c.get("/api/v1/core/me").status_code == 401


def test_the_session_data_decides_whose_request_it_is(users):
    c = _signed_in(users["citizen"])
    from coso.accounts.models import SignInSession

    # The column disagrees with the session's own data (it is only a copy): the account is read by the data's id.
    SignInSession.objects.filter(session_key=c.session.session_key).update(user_id=users["citizen2"].pk)
    with CaptureQueriesContext(connection) as q:
        r = c.get("/api/v1/core/me")
    assert r.status_code == 200 and r.json()["username"] == users["citizen"].username
    assert len(_account_reads(q.captured_queries)) == 1
