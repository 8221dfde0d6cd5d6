"""The dossier page shows the actions this user may take now, the usual one first and open, the others folded;
it asks before an action that ends the dossier; the public lookup says what the citizen must bring (issue 13, item 24)."""

from __future__ import annotations

import re

import pytest

from coso.dossiers.constants import Status
from coso.dossiers.models import Dossier

from .conftest import act

pytestmark = pytest.mark.django_db


def _actions(html: str) -> tuple[list[str], list[str]]:
    """(open forms, folded actions) in page order."""
    section = html[html.index('id="actions"') :]
    section = section[: section.index("</section>")]
    opened = [m for m in re.findall(r'<form [^>]*id="form-(\w+)"', re.sub(r"<details.*?</details>", "", section, flags=re.S))]
    folded = re.findall(r'<details class="action-more[^"]*" id="more-(\w+)"', section)
    return opened, folded


def test_leader_sees_approval_first_and_refusal_folded_last(login, users, receive):
    d = receive()
    act(d, users["onestop"], "forward")
    act(d, users["specialist"], "forward")
    html = login(users["leader"]).get(f"/dossiers/{d.pk}/").content.decode()
    opened, folded = _actions(html)
    assert opened == ["approve"], (opened, folded)  # one open form: the usual next step
    assert "refuse" in folded and "stop" in folded
    assert folded.index("refuse") > max(folded.index(a) for a in folded if a not in ("refuse", "stop", "withdraw"))
    assert html.index('id="act-approve"') < html.index('id="act-refuse"')


def test_each_role_sees_its_usual_action_first(login, users, receive):
    d = receive()
    opened, folded = _actions(login(users["onestop"]).get(f"/dossiers/{d.pk}/").content.decode())
    assert opened == ["forward"] and "refuse" in folded and "withdraw" in folded
    act(d, users["onestop"], "request_supplement", reason="Thiếu giấy", data={"documents": ["Giấy chứng sinh"]})
    opened, folded = _actions(login(users["onestop"]).get(f"/dossiers/{d.pk}/").content.decode())
    assert opened == ["receive_supplement"]
    # a citizen on their own dossier: only withdrawal, and it asks first
    d.refresh_from_db()
    Dossier.objects.filter(pk=d.pk).update(owner=users["citizen"])
    html = login(users["citizen"]).get(f"/dossiers/{d.pk}/").content.decode()
    opened, folded = _actions(html)
    assert opened == ["withdraw"] and folded == []
    assert 'id="confirm-withdraw"' in html and "required" in html[html.index('id="confirm-withdraw"') - 80 : html.index('id="confirm-withdraw"') + 80]


def test_ending_actions_ask_for_a_tick_and_nothing_changes_without_it(login, users, receive):
    d = receive()
    c = login(users["onestop"])
    html = c.get(f"/dossiers/{d.pk}/").content.decode()
    for code in ("refuse", "withdraw"):
        form = html[html.index(f'id="form-{code}"') :]
        form = form[: form.index("</form>")]
        assert f'id="confirm-{code}"' in form and 'name="confirm_required"' in form
    forward = html[html.index('id="form-forward"') :]
    assert 'name="confirm"' not in forward[: forward.index("</form>")]
    r = c.post(f"/dossiers/{d.pk}/act/refuse/", {"version": d.version, "reason": "Không đủ điều kiện", "confirm_required": "1"})
    assert r.status_code == 400 and "Hãy đánh dấu xác nhận" in r.content.decode()
    assert 'id="more-refuse" open' in r.content.decode()  # the form that failed is unfolded
    assert Dossier.objects.get(pk=d.pk).status == Status.RECEIVED
    r = c.post(f"/dossiers/{d.pk}/act/refuse/", {"version": d.version, "reason": "Không đủ điều kiện", "confirm_required": "1", "confirm": "1"})
    assert r.status_code == 302 and Dossier.objects.get(pk=d.pk).status == Status.REFUSED


def test_apology_date_outside_the_calendar_is_refused_not_a_500(login, users, receive):
    """A new appointment date past the working-day calendar (31/12/9999) could not be judged a working day and
    answered 500 on the page and the API. Refused with invalid-date next to the date; nothing recorded."""
    from coso.accounts.models import ApiToken
    from coso.dossiers.models import DossierApology

    d = receive()
    c = login(users["specialist"])
    r = c.post(f"/dossiers/{d.pk}/act/apology/", {"version": d.version, "reason": "Chờ xác minh", "new_date": "9999-12-31"})
    assert r.status_code == 400 and "Ngày hẹn mới phải nằm trong lịch làm việc" in r.content.decode()
    token = ApiToken.issue(user=users["specialist"], name="t")[1]
    r = c.post(f"/api/v1/dossiers/{d.pk}/actions/apology", {"version": d.version, "reason": "Chờ xác minh", "new_date": "9999-12-31"},
               content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert r.status_code == 400 and r.json()["code"] == "invalid-date" and "new_date" in r.json()["details"]["fields"], r.content
    after = Dossier.objects.get(pk=d.pk)
    assert (after.version, after.apology_due_date) == (d.version, None) and not DossierApology.objects.exists()


def test_public_lookup_in_supplement_says_what_to_bring(client, users, receive):
    d = receive()
    act(
        d,
        users["onestop"],
        "request_supplement",
        reason="Bản sao chưa chứng thực",
        data={"documents": ["Giấy chứng sinh (bản chính)", "Giấy xác nhận cư trú"]},
    )
    body = client.get("/dossiers/lookup/", {"code": d.code, "phone": "3456"}).content.decode()
    assert 'id="lookup-supplement"' in body
    section = body[body.index('id="lookup-supplement"') :]
    assert "Giấy chứng sinh (bản chính)" in section and "Giấy xác nhận cư trú" in section and "Bản sao chưa chứng thực" in section
    act(d, users["onestop"], "receive_supplement")
    assert 'id="lookup-supplement"' not in client.get("/dossiers/lookup/", {"code": d.code, "phone": "3456"}).content.decode()


def test_public_lookup_page_and_api_give_the_last_day_to_supply_a_supplement(client, users, receive):
    """The citizen saw what to bring but not by when: the close date Mẫu 02 gives (15 calendar days from the day after
    the notice, Decree 118/2025 Art. 19(5)) is now on the look-up page and in GET /api/v1/dossiers/lookup."""
    import datetime as dt

    from django.utils import timezone

    import time_machine

    with time_machine.travel(timezone.make_aware(dt.datetime(2026, 3, 2, 9)), tick=False):
        d = receive()
        act(d, users["onestop"], "request_supplement", reason="Bản sao chưa chứng thực", data={"documents": ["Giấy chứng sinh (bản chính)"]})
    d.refresh_from_db()
    assert d.close_due_date == dt.date(2026, 3, 17)
    body = client.get("/dossiers/lookup/", {"code": d.code, "phone": "3456"}).content.decode()
    section = body[body.index('id="lookup-supplement"') :]
    assert 'id="lookup-supplement-due"' in section and "Hạn bổ sung" in section and "17/03/2026" in section
    r = client.get("/api/v1/dossiers/lookup", {"code": d.code, "phone": "3456"})
    assert r.status_code == 200 and r.json()["status"] == Status.SUPPLEMENT_REQUESTED and r.json()["supplement_due_date"] == "2026-03-17"
    with time_machine.travel(timezone.make_aware(dt.datetime(2026, 3, 5, 9)), tick=False):
        act(d, users["onestop"], "receive_supplement")
    assert "lookup-supplement-due" not in client.get("/dossiers/lookup/", {"code": d.code, "phone": "3456"}).content.decode()
    assert client.get("/api/v1/dossiers/lookup", {"code": d.code, "phone": "3456"}).json()["supplement_due_date"] is None


def test_the_api_takes_the_apologys_new_date_as_the_message_asks(login, users, commune, version):
    """The refusal asks for the new date as dd/mm/yyyy (and the page takes it so), but the API accepted only
    YYYY-MM-DD and answered a dd/mm/yyyy date with 422."""
    import datetime as dt

    from django.utils import timezone

    import time_machine

    from coso.dossiers import services

    with time_machine.travel(timezone.make_aware(dt.datetime(2026, 3, 2, 9)), tick=False):
        d = services.receive_at_counter(actor=users["onestop"], commune=commune, applicant=services.Applicant(name="Lê Văn A", phone="0909000111"),
                                        procedure_version=version, documents=["Tờ khai đăng ký khai sinh"])
    with time_machine.travel(timezone.make_aware(dt.datetime(2026, 3, 4, 9)), tick=False):
        c = login(users["specialist"])
        r = c.post(f"/api/v1/dossiers/{d.pk}/actions/apology", {"version": d.version, "reason": "Chờ xác minh", "new_date": "10/03/2026"},
                   content_type="application/json")
        assert r.status_code == 200, r.content
    assert Dossier.objects.get(pk=d.pk).apology_due_date == dt.date(2026, 3, 10)
