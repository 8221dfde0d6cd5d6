"""The read-replica router with a real second database ("replica": a second test database on
PostgreSQL, a second SQLite database on SQLite). Nothing copies rows between them here, so where a
page read from shows in what it displays."""

from __future__ import annotations

import datetime as dt

from django.db import connections
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import timezone

import pytest

from coso.core.dbrouter import ReplicaMiddleware, reads_from_replica
from coso.core.tests.pages import run_in_replica_request

pytestmark = pytest.mark.django_db(databases=["default", "replica"])


def _copy_reference(db: str, commune) -> None:  # type: ignore[no-untyped-def]
    """The rows a feedback item points at, with the same primary keys in the replica."""
    from coso.feedback.models import FeedbackCategory

    commune.parent.save(using=db)
    commune.save(using=db)
    for cat in FeedbackCategory.objects.using("default").all():
        cat.save(using=db)


def _published(db: str, commune, title: str):  # type: ignore[no-untyped-def]
    from coso.feedback.models import Feedback, FeedbackCategory

    today = timezone.localdate()
    now = timezone.now()
    return Feedback.objects.using(db).create(
        code=f"PA-{db[:3].upper()}-1", category=FeedbackCategory.objects.using(db).order_by("pk").first(), title=title, text=f"{title}: nội dung đủ dài để công khai.",
        submitted_at=now, start_date=today, reject_due=today, info_due=today, answer_due=today + dt.timedelta(days=10),
        is_public=True, published_at=now, status=Feedback.Status.PROCESSING, province_code=commune.province_code, commune_code=commune.code)


@pytest.fixture
def two_copies(commune):  # type: ignore[no-untyped-def]
    _copy_reference("replica", commune)
    _published("default", commune, "Bản ghi trên máy chính")
    _published("replica", commune, "Bản ghi trên bản sao")


def test_public_pages_read_from_the_replica_when_it_is_on(client, settings, two_copies):
    settings.COSO_READ_REPLICA = False
    assert "máy chính" in client.get("/feedback/").content.decode()
    settings.COSO_READ_REPLICA = True
    html = client.get("/feedback/").content.decode()
    assert "bản sao" in html and "máy chính" not in html
    body = client.get("/open311/v2/requests.json").json()
    assert len(body) == 1 and "bản sao" in body[0]["description"]
    settings.COSO_READ_REPLICA = False
    assert "máy chính" in client.get("/open311/v2/requests.json").json()[0]["description"]


def test_pages_not_listed_read_the_primary(client, settings, two_copies, users, login):
    settings.COSO_READ_REPLICA = True
    c = login(users["leader"])
    html = c.get("/feedback/moderation/?tab=processing").content.decode()
    assert "bản sao" not in html


def test_logged_in_dashboard_works_with_sessions_and_accounts_on_the_primary(settings, users, login, two_copies):
    settings.COSO_READ_REPLICA = True
    # The replica has no users and no sessions: the page still knows who is logged in.
    r = login(users["leader"]).get("/dossiers/stats/")
    assert r.status_code == 200 and "leader" in r.content.decode()


def test_a_write_sends_the_rest_of_the_request_to_the_primary(settings, two_copies):
    from coso.feedback.models import Feedback
    from coso.jobs.models import JobRun

    settings.COSO_READ_REPLICA = True
    seen: list[tuple[bool, str]] = []

    def view(request):  # type: ignore[no-untyped-def]
        seen.append((reads_from_replica(), Feedback.objects.all().db))
        JobRun.objects.create(name="x", started_at=timezone.now())
        seen.append((reads_from_replica(), Feedback.objects.all().db))
        assert Feedback.objects.select_for_update().db == "default"
        return HttpResponse("ok")

    run_in_replica_request(view)
    assert seen == [(True, "replica"), (False, "default")]
    # Outside a request (jobs, commands) everything is on the primary.
    assert Feedback.objects.all().db == "default" and not reads_from_replica()


def test_post_requests_never_use_the_replica(settings, two_copies):
    from coso.feedback.models import Feedback

    settings.COSO_READ_REPLICA = True
    seen = []

    def view(request):  # type: ignore[no-untyped-def]
        seen.append(Feedback.objects.all().db)
        return HttpResponse("ok")

    request = RequestFactory().post("/feedback/")
    request.resolver_match = type("M", (), {"view_name": "feedback:public_list"})()
    mw = ReplicaMiddleware(view)

    def get_response(req):  # type: ignore[no-untyped-def]
        mw.process_view(req, view, (), {})
        return view(req)

    ReplicaMiddleware(get_response)(request)
    assert seen == ["default"]


def test_the_replica_is_a_separate_database():
    a, b = connections["default"].settings_dict, connections["replica"].settings_dict
    assert (a["NAME"], a.get("HOST")) != (b["NAME"], b.get("HOST"))


def test_the_workforce_dashboard_counts_what_the_replica_holds(settings, users, login, commune):
    import re

    from coso.workforce.models import Person

    commune.parent.save(using="replica")
    commune.save(using="replica")
    for n in range(3):  # three people in the replica only
        Person.objects.using("replica").create(full_name=f"Người Bản Sao {n}", birth_date=dt.date(1980, 1, 1), gender="male", kind="civil_servant",
                                               province_code=commune.province_code, commune_code=commune.code)

    def staff(html: str) -> str:
        return re.search(r'Số người</div><div class="value">(\d+)<', html).group(1)

    c = login(users["province_home_affairs"])
    settings.COSO_READ_REPLICA = False
    assert staff(c.get("/workforce/ra-soat/").content.decode()) == "0"
    settings.COSO_READ_REPLICA = True
    assert staff(c.get("/workforce/ra-soat/").content.decode()) == "3"


def test_a_search_of_several_words_reads_the_replicas_full_text_index(client, settings, two_copies, commune):
    """The stand-in replica has the full-text index a real one copies from the primary: a search of several words on a
    page that reads from it answers from the replica's documents (and of one word, from its word index)."""
    from coso.core.models import SearchEntry
    from coso.core.search import search_document, search_entries
    from coso.feedback.models import Feedback
    from coso.feedback.services import SEARCH_KIND

    for db in ("default", "replica"):
        fb = Feedback.objects.using(db).get()
        texts = [fb.title, fb.text]
        unit = {"province_code": fb.province_code, "commune_code": fb.commune_code}
        search_document(kind=SEARCH_KIND, object_id=fb.pk, texts=texts, **unit).save(using=db)
        SearchEntry.objects.using(db).bulk_create(search_entries(kind=SEARCH_KIND, object_id=fb.pk, texts=texts, **unit))
    settings.COSO_READ_REPLICA = True
    for query in ("ban sao", "ban ghi tren", "sao"):
        html = client.get("/feedback/", {"q": query}).content.decode()
        assert "Bản ghi trên bản sao" in html and "máy chính" not in html, query
    assert "Bản ghi" not in client.get("/feedback/", {"q": "may chinh"}).content.decode()
    settings.COSO_READ_REPLICA = False
    assert "Bản ghi trên máy chính" in client.get("/feedback/", {"q": "may chinh"}).content.decode()
