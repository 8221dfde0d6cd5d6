"""GET /api/v1/dossiers/{id}, the whole answer pinned for representative dossiers, readers and languages, so that work on
how the read is done (its queries, the columns it loads, the checks' order) cannot change what it answers: a dossier
moved on through its steps with a file, one whose clock is paused for a supplement, one finished, one submitted online
(read by its citizen, by the commune's staff, by a delegate), an old commune's dossier read by its successor, and the
404 of another unit's, another citizen's and another holder's of a code given again."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest
import time_machine

from coso.accounts import services as accounts
from coso.dossiers import services
from coso.dossiers.tests.conftest import act, pdf_upload
from coso.units.tests.helpers import old_commune_merged_into

pytestmark = pytest.mark.django_db

TZ = dt.timezone(dt.timedelta(hours=7))
NOW = dt.datetime(2026, 3, 4, 10, 0, tzinfo=TZ)  # a Wednesday


@pytest.fixture
def world(users, commune, other_commune, receive):  # type: ignore[no-untyped-def]
    from coso.dossiers.models import Dossier

    old_commune_merged_into(commune.code, other_commune)
    with time_machine.travel(dt.datetime(2026, 3, 2, 8, 30, tzinfo=TZ), tick=False) as t:
        moving = receive(name="Nguyễn Văn Đức", files=[("Tờ khai đăng ký khai sinh", pdf_upload())])
        paused = receive(name="Trần Thị Lan", phone="0912345678", citizen_id="079090005678")
        done = receive(name="Lê Văn Xong", phone="0987654321", citizen_id="")
        t.shift(dt.timedelta(hours=1))
        act(moving, users["onestop"], "forward")
        act(paused, users["onestop"], "forward")
        act(done, users["onestop"], "forward")
        t.shift(dt.timedelta(hours=1))
        act(paused, users["specialist"], "request_supplement", reason="Thiếu bản sao giấy chứng sinh", data={"documents": ["Giấy chứng sinh"]})
        act(done, users["specialist"], "forward")
        act(done, users["leader"], "approve")
        act(done, users["specialist"], "result_ready")
        online = services.submit_online(actor=users["citizen"], commune=commune, applicant=services.Applicant(name="Phạm Thị Hoa", phone="0909000111"),
                                         procedure_version=moving.procedure_version, files=[("Tờ khai đăng ký khai sinh", pdf_upload("hoa.pdf"))])
        old = receive(name="Trần Thị Bột", phone="0909888777", citizen_id="")
        Dossier.objects.filter(pk=old.pk).update(submitted_at=dt.datetime(2025, 6, 2, 9, tzinfo=TZ), received_at=dt.datetime(2025, 6, 2, 9, tzinfo=TZ))
        accounts.delegation_create(actor=users["leader"], delegate=users["specialist"], kind="tuq", actions=["dossier_approve"],
                                   procedure_codes=["1.001193"], starts_on=dt.date(2026, 3, 2), ends_on=dt.date(2026, 3, 31),
                                   delegate_title="Chánh Văn phòng", decision_number="5/GUQ-UBND")
    return {"moving": moving, "paused": paused, "done": done, "online": online, "old": old}


READS = [  # (dossier, reader, language)
    ("moving", "onestop", "vi"), ("moving", "specialist", "vi"), ("moving", "leader", "vi"), ("moving", "specialist", "en"),
    ("moving", "province_home_affairs", "vi"), ("paused", "onestop", "vi"), ("paused", "specialist", "vi"), ("done", "onestop", "vi"),
    ("online", "citizen", "vi"), ("online", "onestop", "vi"), ("online", "onestop", "en"), ("old", "other_onestop", "vi"),
]
NOT_FOUND = [("moving", "other_onestop"), ("moving", "citizen"), ("online", "citizen2"), ("online", "other_leader"), ("old", "onestop")]


def _normalised(body: Any, world: dict[str, Any], users: dict[str, Any]) -> Any:
    """The answer with the ids of this database named: the dossier's and the users'."""
    names = {d.pk: name for name, d in world.items()}
    people = {u.pk: key for key, u in users.items()}
    out = dict(body)
    out["id"] = names[out["id"]]
    out["assignee_id"] = people.get(out["assignee_id"], out["assignee_id"])
    return out


def _read(login: Any, users: dict[str, Any], reader: str, pk: int, language: str = "vi") -> Any:
    client = login(users[reader])
    client.cookies["django_language"] = language
    with time_machine.travel(NOW, tick=False):
        return client.get(f"/api/v1/dossiers/{pk}")


PINNED = Path(__file__).with_name("detail_read_pinned.json")


def test_the_read_answers_exactly_as_pinned(world, users, login):  # type: ignore[no-untyped-def]
    got = {}
    for name, reader, language in READS:
        r = _read(login, users, reader, world[name].pk, language)
        assert r.status_code == 200, (name, reader, r.content)
        got[f"{name} by {reader} ({language})"] = _normalised(r.json(), world, users)
    assert got == json.loads(PINNED.read_text())


def test_other_units_and_other_citizens_dossiers_answer_404(world, users, login):  # type: ignore[no-untyped-def]
    for name, reader in NOT_FOUND:
        r = _read(login, users, reader, world[name].pk)
        assert r.status_code == 404, (name, reader, r.content)
        assert r.json()["code"] == "not-found"
    assert _read(login, users, "onestop", 10**9).status_code == 404


# Columns of a dossier (and of its procedure version) that the detail answer neither shows nor checks.
UNREAD = ('"applicant_citizen_id"', '"applicant_address"', '"applicant_email"', '"applicant_name_folded"', '"note"', '"near_date"',
          '"legal_basis"', '"required_documents"', '"fee_note"', '"name_folded"', '"actor_role"', '"from_step"')


def test_the_read_loads_the_columns_of_its_answer_only_and_each_row_once(world, users, login):  # type: ignore[no-untyped-def]
    """Every pinned read (test_detail_read_pinned.py) reads the dossier (with its procedure) in one query and its events
    in another, loading neither the applicant's other personal data nor the columns the answer leaves out: nothing loaded
    later one column at a time."""
    for name, reader, language in READS:
        client = login(users[reader])
        client.cookies["django_language"] = language
        with time_machine.travel(NOW, tick=False), CaptureQueriesContext(connection) as q:
            assert client.get(f"/api/v1/dossiers/{world[name].pk}").status_code == 200
        dossier = [x["sql"] for x in q.captured_queries if 'FROM "dossiers_dossier"' in x["sql"]]
        events = [x["sql"] for x in q.captured_queries if 'FROM "dossiers_dossierevent"' in x["sql"]]
        assert len(dossier) == (2 if name == "old" else 1) and len(events) == 1, (name, reader, dossier, events)
        assert not [c for c in UNREAD for s in dossier + events if c in s], (name, reader)
        assert not [x for x in q.captured_queries if 'FROM "procedures_' in x["sql"]], (name, reader)
