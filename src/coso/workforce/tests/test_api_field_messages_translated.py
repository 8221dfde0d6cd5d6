"""The field messages of some workforce and accounts API errors were raw Vietnamese strings ("Cần chọn tháng hoặc quý",
"Từ 0 đến 30", "Chọn mức xếp loại", "Không tồn tại", "Không có", "Không có hoặc ngoài phạm vi quản lý.", "Không hợp lệ."):
never collected for translation, an English reader got them in Vietnamese beside an English message. Each field now
carries the error's own catalogue message, which follows the reader's language."""

from __future__ import annotations

from pathlib import Path

from coso.workforce import services
from coso.workforce.models import Person, WorkItem

from .helpers import person

PAYLOAD = {"full_name": "Võ Thị Lan", "birth_date": "1991-04-05", "gender": "female", "kind": "civil_servant", "position_code": "cv_vp",
           "citizen_id": ""}




def _en(client):  # type: ignore[no-untyped-def]
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    return client


def test_workforce_field_messages_in_english(english_catalogue, users, commune, login):
    ev = services.evaluation_open(actor=users["home_affairs"], person=person(commune), year=2026)
    c = _en(login(users["home_affairs"]))
    r = c.post(f"/api/v1/workforce/evaluations/{ev.pk}/items", {"title": "Báo cáo"}, content_type="application/json")
    assert r.status_code == 400 and r.json()["details"]["fields"] == {"month": ["Choose a month or a quarter."]}, r.json()
    assert not WorkItem.objects.exists()
    r = c.post(f"/api/v1/workforce/evaluations/{ev.pk}/self", {"version": ev.version, "general_score": "40"}, content_type="application/json")
    assert r.status_code == 400 and r.json()["details"]["fields"] == {"general_score": ["The general criteria score must be from 0 to 30."]}, r.json()
    r = c.post("/api/v1/workforce/people", {**PAYLOAD, "commune_code": "99999"}, content_type="application/json")
    assert r.status_code == 400 and r.json()["details"]["fields"] == {"commune_code": ["The commune code does not exist."]}, r.json()
    r = c.post("/api/v1/workforce/people", {**PAYLOAD, "commune_code": commune.code, "position_code": "nope"}, content_type="application/json")
    assert r.status_code == 400 and r.json()["details"]["fields"] == {"position_code": ["The position code is not in the catalogue."]}, r.json()
    assert not Person.objects.exclude(pk=ev.person_id).exists()


def test_no_raw_field_message_is_left_in_the_sources():
    source = (Path(services.__file__)).read_text(encoding="utf-8")
    for raw in ('["Cần chọn tháng hoặc quý"]', '[f"Từ 0 đến', '["Chọn mức xếp loại"]'):
        assert raw not in source
    for module in ("workforce/api.py", "accounts/api.py"):
        text = (Path(services.__file__).parents[1] / module).read_text(encoding="utf-8")
        assert '["Không tồn tại"]' not in text and '["Không có"]' not in text and '["Không hợp lệ."]' not in text
        assert '["Không có hoặc ngoài phạm vi quản lý."]' not in text


def test_accounts_field_messages_in_english(english_catalogue, users, commune, foreign_commune, make_user, login):
    from coso.accounts.models import Delegation

    c = _en(login(users["province_admin"]))
    from conftest import verify_session

    verify_session(c, users["province_admin"])
    r = c.post("/api/v1/accounts/staff", {"username": "moi.mot", "full_name": "Mới Một", "role": "specialist", "unit_code": foreign_commune.code},
               content_type="application/json")
    assert r.status_code == 400, r.content
    message = r.json()["details"]["fields"]["unit_code"]
    assert message == ["Unit code unknown or outside your area of management."], message
    leader = _en(login(users["leader"]))
    r = leader.post("/api/v1/accounts/delegations", {"delegate_id": users["other_leader"].pk, "kind": "kt", "actions": [Delegation.Action.DOSSIER_APPROVE],
                                                     "starts_on": "2026-12-20", "ends_on": "2026-12-21"}, content_type="application/json")
    assert r.status_code == 400, r.content
    assert r.json()["details"]["fields"]["delegate_id"] == ["The delegate must be a serving official of the same commune."], r.json()
    assert not Delegation.objects.exists()
