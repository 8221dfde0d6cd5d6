from __future__ import annotations

import datetime as dt
import html
import json

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

import pytest

from coso.feedback import services as svc
from coso.feedback.models import Feedback, FeedbackAttachment
from coso.feedback.tests.conftest import jpeg_with_gps

pytestmark = pytest.mark.django_db
API = "/api/v1/feedback"


# --------------------------------------------------------------------------- JSON API

def test_api_submit_anonymous_multipart_with_photo(client, cats, commune, media):
    r = client.post(f"{API}/", {"category": "MT", "commune": commune.code, "text": "Cống thoát nước bị tắc, nước tràn lên đường.",
                                "anonymous": "true", "attachments": SimpleUploadedFile("a.jpg", jpeg_with_gps(), content_type="image/jpeg")})
    assert r.status_code == 201, r.content
    body = r.json()
    fb = Feedback.objects.get(pk=body["id"])
    assert fb.channel == "api" and fb.anonymous and fb.attachments.count() == 1 and body["access_key"] == fb.access_key


def test_api_errors_use_standard_shape(client, cats, commune, media):
    r = client.post(f"{API}/", {"category": "MT", "commune": commune.code, "text": "Duong nay co nhieu o ga xin cac can bo xa giai quyet cho nguoi dan",
                                "anonymous": "true"})
    assert r.status_code == 400 and r.json()["code"] == "unaccented-text" and set(r.json()) == {"code", "message", "details"}
    r = client.post(f"{API}/", {"category": "MT", "commune": commune.code, "text": "Có tệp lạ.", "anonymous": "true",
                                "attachments": SimpleUploadedFile("x.jpg", b"MZ" + b"\0" * 100)})
    assert r.status_code == 400 and r.json()["code"] == "attachment-type"
    assert Feedback.objects.count() == 0
    r = client.post(f"{API}/", {"category": "NOPE", "commune": commune.code, "text": "Có nội dung.", "anonymous": "true"})
    assert r.status_code == 400 and "category" in r.json()["details"]["fields"]


def test_api_submit_refuses_a_commune_the_submit_page_does_not_offer(client, cats, commune, foreign_commune):
    """The JSON API takes the communes the submit page and Open311 offer (this province's): another province's commune
    has nobody here to moderate or answer, so it is a field error and nothing is filed."""
    from coso.feedback.forms import SubmitForm

    offered = {c.code for c in SubmitForm().fields["commune"].queryset}
    assert commune.code in offered and foreign_commune.code not in offered
    data = {"category": "MT", "text": "Cống thoát nước bị tắc, nước tràn lên đường.", "anonymous": "true"}
    r = client.post(f"{API}/", {**data, "commune": foreign_commune.code})
    assert r.status_code == 400 and "commune" in r.json()["details"]["fields"], r.content
    assert not Feedback.objects.exists()
    assert client.post(f"{API}/", {**data, "commune": commune.code}).status_code == 201


def test_api_moderation_answer_rating_listing(client, login, cats, users, submit):
    fb = submit(actor=users["citizen"], text="Đèn chiếu sáng hẻm 5 bị hỏng nhiều tuần.")
    assert client.get(f"{API}/{fb.pk}").status_code == 401
    c = login(users["other_onestop"])
    assert c.get(f"{API}/{fb.pk}").status_code == 404
    assert c.post(f"{API}/{fb.pk}/moderate", {"action": "publish"}, content_type="application/json").status_code == 404
    c = login(users["onestop"])
    r = c.post(f"{API}/{fb.pk}/moderate", {"action": "publish", "title": "Đèn hẻm 5 hỏng", "text": "Đèn chiếu sáng hẻm 5 bị hỏng."},
               content_type="application/json")
    assert r.status_code == 200 and r.json()["is_public"] and r.json()["title"] == "Đèn hẻm 5 hỏng"
    assert c.post(f"{API}/{fb.pk}/moderate", {"action": "fly"}, content_type="application/json").json()["code"] == "invalid-action"
    items = c.get(f"{API}/", {"tab": "handling"}).json()
    assert items["count"] == 1
    r = c.post(f"{API}/{fb.pk}/answer", {"text": "Đã thay bóng đèn."}, content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "closed"
    c = login(users["citizen"])
    r = c.post(f"{API}/{fb.pk}/rate", {"rating": "useful", "officer_rating": 5}, content_type="application/json")
    assert r.status_code == 200
    assert c.post(f"{API}/{fb.pk}/rate", {"rating": "useful"}, content_type="application/json").status_code == 409
    pub = client.get(f"{API}/public", {"q": "den hem"}).json()
    assert pub["count"] == 1 and pub["items"][0]["answer_text"] == "Đã thay bóng đèn."
    stats = client.get(f"{API}/stats").json()
    assert stats[0]["on_time_rate"] == 100.0 and stats[0]["satisfaction_rate"] == 100.0
    assert client.get(f"{API}/categories").status_code == 200


def test_api_report_auto_hide_needs_distinct_addresses(client, cats, users, submit):
    from django.test import Client

    fb = svc.feedback_publish(feedback=submit(actor=users["citizen"]), actor=users["onestop"])
    for i in range(3):
        r = Client(REMOTE_ADDR=f"203.0.113.{i + 1}").post(f"{API}/{fb.pk}/report", {"reason": "xúc phạm"}, content_type="application/json")
        assert r.status_code == 200
    fb.refresh_from_db()
    assert fb.hidden and fb.report_count == 3
    assert not fb.reports.filter(address_hash__contains="203.0.113").exists()  # a hash is stored, not the address
    assert client.get(f"{API}/public/{fb.pk}").status_code == 404


def test_api_report_new_session_is_not_a_new_reporter(client, cats, users, submit):
    """Cookie-less calls from one address (a new session each) are one reporter: the item stays published."""
    from django.test import Client

    fb = svc.feedback_publish(feedback=submit(actor=users["citizen"]), actor=users["onestop"])
    assert Client().post(f"{API}/{fb.pk}/report", {"reason": "spam"}, content_type="application/json").status_code == 200
    fb.refresh_from_db()
    version = fb.version
    for _ in range(3):
        r = Client().post(f"{API}/{fb.pk}/report", {"reason": "spam"}, content_type="application/json")
        assert r.status_code == 409 and r.json()["code"] == "already-reported"
    fb.refresh_from_db()
    assert not fb.hidden and fb.report_count == 1 and fb.version == version and fb.reports.count() == 1
    assert fb.events.filter(kind="report").count() == 1
    assert client.get(f"{API}/public/{fb.pk}").status_code == 200


def test_api_report_signed_in_user_once_per_item_and_one_address_cannot_hide(client, login, cats, users, submit):
    """A signed-in user reports once per item, whatever the address; reports of several users behind one address count
    once towards automatic hiding."""
    fb = svc.feedback_publish(feedback=submit(actor=users["citizen"]), actor=users["onestop"])
    c = login(users["citizen"])
    c.defaults["REMOTE_ADDR"] = "203.0.113.7"
    assert c.post(f"{API}/{fb.pk}/report", {}, content_type="application/json").status_code == 200
    c.defaults["REMOTE_ADDR"] = "203.0.113.8"
    assert c.post(f"{API}/{fb.pk}/report", {}, content_type="application/json").status_code == 409
    for name in ("onestop", "leader"):
        c = login(users[name])
        c.defaults["REMOTE_ADDR"] = "203.0.113.7"
        assert c.post(f"{API}/{fb.pk}/report", {}, content_type="application/json").status_code == 200
    fb.refresh_from_db()
    assert fb.report_count == 3 and not fb.hidden


def test_api_report_rate_limited_per_address(client, cats, users, submit, settings):
    from django.test import Client

    settings.BEHIND_PROXY = True  # the address is the proxy's last entry of X-Forwarded-For, not what the client wrote
    items = [svc.feedback_publish(feedback=submit(actor=users["citizen"]), actor=users["onestop"])
             for _ in range(svc.REPORTS_PER_ADDRESS + 1)]
    for i, fb in enumerate(items[:-1]):
        r = Client(HTTP_X_FORWARDED_FOR=f"10.9.9.{i}, 198.51.100.4").post(f"{API}/{fb.pk}/report", {}, content_type="application/json")
        assert r.status_code == 200
    last = items[-1]
    r = Client(HTTP_X_FORWARDED_FOR="10.9.9.99, 198.51.100.4").post(f"{API}/{last.pk}/report", {}, content_type="application/json")
    assert r.status_code == 429 and r.json()["code"] == "too-many-reports" and "quá nhiều lần" in r.json()["message"]
    assert r["Retry-After"] == str(svc.REPORT_WINDOW_SECONDS)
    last.refresh_from_db()
    assert last.report_count == 0 and not last.reports.exists() and not last.events.filter(kind="report").exists()
    r = Client(HTTP_X_FORWARDED_FOR="198.51.100.5").post(f"{API}/{last.pk}/report", {}, content_type="application/json")
    assert r.status_code == 200  # another address is not limited


def test_report_page_fresh_sessions_from_one_address_do_not_hide(cats, users, submit):
    from django.test import Client

    fb = svc.feedback_publish(feedback=submit(actor=users["citizen"]), actor=users["onestop"])
    url = reverse("feedback:report", args=[fb.pk])
    for _ in range(3):
        assert Client().post(url, {"reason": "spam"}).status_code == 302
    fb.refresh_from_db()
    assert not fb.hidden and fb.report_count == 1
    assert Client().get(reverse("feedback:detail", args=[fb.pk])).status_code == 200


def test_report_page_rate_limited_answers_429(cats, users, submit, monkeypatch):
    from django.test import Client

    monkeypatch.setattr(svc, "REPORTS_PER_ADDRESS", 1)
    a = svc.feedback_publish(feedback=submit(actor=users["citizen"]), actor=users["onestop"])
    b = svc.feedback_publish(feedback=submit(actor=users["citizen"]), actor=users["onestop"])
    assert Client().post(reverse("feedback:report", args=[a.pk])).status_code == 302
    r = Client().post(reverse("feedback:report", args=[b.pk]))
    assert r.status_code == 429 and "Bạn đã báo vi phạm quá nhiều lần" in r.content.decode()
    b.refresh_from_db()
    assert b.report_count == 0 and not b.reports.exists()



def _report_audits(fb):  # type: ignore[no-untyped-def]
    from coso.core.models import AuditLog

    return AuditLog.objects.filter(object_type="feedback.Feedback", object_id=str(fb.pk), verb="feedback_report").order_by("pk")


def test_api_report_is_audited_without_the_reporters_address_or_reason(client, login, cats, users, submit):
    """Every write is audited: a public report names the item, the signed-in reporter or "anonymous" as an anonymous
    submission does, the report count it changed; never the client's address, its hash or the free-text reason."""
    from django.test import Client

    fb = svc.feedback_publish(feedback=submit(actor=users["citizen"]), actor=users["onestop"])
    r = Client(REMOTE_ADDR="203.0.113.41").post(f"{API}/{fb.pk}/report", {"reason": "xúc phạm, gọi 0912345678"},
                                                content_type="application/json")
    assert r.status_code == 200
    [entry] = _report_audits(fb)
    assert entry.actor_id is None and entry.actor_name == "anonymous" and entry.ip is None
    assert entry.object_repr.startswith(fb.code) and (entry.province_code, entry.commune_code) == (fb.province_code, fb.commune_code)
    assert entry.action == "action" and entry.before["report_count"] == 0 and entry.after["report_count"] == 1
    kept = json.dumps([entry.before, entry.after, entry.reason, entry.object_repr], ensure_ascii=False)
    report = fb.reports.get()
    assert "203.0.113.41" not in kept and report.address_hash not in kept and report.reporter_key not in kept
    assert "0912345678" not in kept and "xúc phạm" not in kept

    c = login(users["citizen2"])
    c.defaults["REMOTE_ADDR"] = "203.0.113.42"
    assert c.post(f"{API}/{fb.pk}/report", {}, content_type="application/json").status_code == 200
    assert [(e.actor_id, e.after["report_count"]) for e in _report_audits(fb)] == [(None, 1), (users["citizen2"].pk, 2)]
    # A refused report (already reported) writes nothing, so it audits nothing.
    assert c.post(f"{API}/{fb.pk}/report", {}, content_type="application/json").status_code == 409
    assert _report_audits(fb).count() == 2


def test_report_reaching_the_threshold_audits_the_report_and_the_automatic_hiding(cats, users, submit):
    from django.test import Client

    from coso.core.models import AuditLog

    fb = svc.feedback_publish(feedback=submit(actor=users["citizen"]), actor=users["onestop"])
    for i in range(3):
        assert Client(REMOTE_ADDR=f"203.0.113.{i + 1}").post(f"{API}/{fb.pk}/report", {}, content_type="application/json").status_code == 200
    entries = list(_report_audits(fb))
    assert [e.after["report_count"] for e in entries] == [1, 2, 3]
    assert entries[-1].after["hidden"] is True and "hidden" not in entries[0].after
    assert AuditLog.objects.filter(object_id=str(fb.pk), verb="feedback_auto_hide").count() == 1


def test_report_page_button_is_audited_and_shown_on_the_audit_page(login, cats, users, submit):
    from django.test import Client

    fb = svc.feedback_publish(feedback=submit(actor=users["citizen"]), actor=users["onestop"])
    assert Client(REMOTE_ADDR="203.0.113.51").post(reverse("feedback:report", args=[fb.pk]), {"reason": "spam"}).status_code == 302
    [entry] = _report_audits(fb)
    assert entry.actor_id is None and entry.object_repr.startswith(fb.code) and entry.after["report_count"] == 1
    html = login(users["province_admin"]).get("/audit/", {"object_type": "feedback.Feedback"}).content.decode()
    assert "Báo vi phạm phản ánh" in html and fb.code in html and "203.0.113.51" not in html


def test_api_rating_comment_is_not_published(client, login, cats, users, submit):
    """The sender's comment reaches no public page, API or Open311 answer (no moderator reads it first); staff see it."""
    from django.test import Client

    fb = svc.feedback_publish(feedback=submit(actor=users["citizen"]), actor=users["onestop"])
    svc.feedback_answer(feedback=fb, actor=users["onestop"], text="Đã thu gom rác.")
    comment = "Gọi tôi 0987654321, Trần Thị B, đồ ngu"
    r = Client().post(f"{API}/{fb.pk}/rate", {"rating": "not_useful", "comment": comment, "access_key": fb.access_key},
                      content_type="application/json")
    assert r.status_code == 200, r.content
    responses = [Client().get(reverse("feedback:detail", args=[fb.pk])), Client().get(f"{API}/public/{fb.pk}"),
                 Client().get(f"/open311/v2/requests/{fb.pk}.json", {"extensions": "true"})]
    assert [x.status_code for x in responses] == [200, 200, 200]
    public = [responses[0].content.decode()] + [json.dumps(x.json(), ensure_ascii=False) for x in responses[1:]]
    assert "Người gửi đánh giá" in public[0] and "Người gửi đánh giá" in public[2]
    for page in public:
        assert "0987654321" not in page and "Trần Thị B" not in page and "đồ ngu" not in page
    staff = login(users["onestop"]).get(reverse("feedback:manage", args=[fb.pk])).content.decode()
    assert "Trần Thị B" in staff


# --------------------------------------------------------------------------- pages

def test_submit_page_diacritics_prompt_then_confirm(client, cats, commune, media):
    url = reverse("feedback:submit")
    assert client.get(url).status_code == 200
    data = {"category": cats["MT"].pk, "commune": commune.code, "text": "Rac thai o dau hem khong ai thu gom, xin xa giai quyet cho nguoi dan",
            "anonymous": "on"}
    r = client.post(url, data)
    assert r.status_code == 200 and "Tôi vẫn muốn gửi" in r.content.decode()
    assert Feedback.objects.count() == 0
    r = client.post(url, {**data, "confirm_unaccented": "on"})
    assert r.status_code == 302 and Feedback.objects.count() == 1


def test_submit_page_refuses_disguised_file_with_message(client, cats, commune, media):
    r = client.post(reverse("feedback:submit"), {"category": cats["MT"].pk, "commune": commune.code, "text": "Có ảnh hiện trường.",
                                                 "anonymous": "on", "attachments": [SimpleUploadedFile("anh.jpg", b"MZ" + b"\0" * 64)]})
    assert r.status_code == 200 and "không thuộc loại được nhận" in r.content.decode()
    assert Feedback.objects.count() == 0


def test_attachment_access_is_checked(client, login, users, submit, media):
    fb = submit(actor=users["citizen"], files=[SimpleUploadedFile("a.jpg", jpeg_with_gps())])
    att = FeedbackAttachment.objects.get()
    url = reverse("feedback:attachment", args=[att.pk])
    assert client.get(url).status_code == 404  # not published yet
    assert client.get(url, {"key": fb.access_key}).status_code == 200
    assert login(users["other_onestop"]).get(url).status_code == 404
    r = login(users["onestop"]).get(url)
    assert r.status_code == 200 and r["Content-Type"] == "image/jpeg" and r["X-Content-Type-Options"] == "nosniff"
    svc.feedback_publish(feedback=fb, actor=users["onestop"])
    client.logout()
    assert client.get(url).status_code == 200
    svc.feedback_redact(feedback=fb, actor=users["onestop"], attachment_ids=[att.pk])
    assert client.get(url).status_code == 404


def test_moderation_pages_scoped(client, login, users, submit, cats):
    fb = submit(actor=users["citizen"], text="Lấn chiếm vỉa hè trước chợ, mất dạy quá.")
    assert client.get(reverse("feedback:moderation")).status_code == 302
    assert login(users["citizen"]).get(reverse("feedback:moderation")).status_code == 403
    c = login(users["onestop"])
    page = c.get(reverse("feedback:moderation")).content.decode()
    assert fb.code in page
    r = c.get(reverse("feedback:manage", args=[fb.pk]))
    assert r.status_code == 200 and "mất dạy" in r.content.decode()
    r = c.post(reverse("feedback:action", args=[fb.pk, "publish"]), {"title": "Lấn chiếm vỉa hè", "text": "Lấn chiếm vỉa hè trước chợ.",
                                                                     "version": fb.version})
    assert r.status_code == 302
    fb.refresh_from_db()
    assert fb.is_public and fb.text == "Lấn chiếm vỉa hè trước chợ."
    assert login(users["other_onestop"]).get(reverse("feedback:manage", args=[fb.pk])).status_code == 404
    r = login(users["onestop"]).post(reverse("feedback:action", args=[fb.pk, "reject"]), {"reason": ""}, follow=True)
    assert "lý do" in r.content.decode()
    fb.refresh_from_db()
    assert fb.status == Feedback.Status.PROCESSING


def test_public_list_and_detail(client, users, submit, cats):
    fb = svc.feedback_publish(feedback=submit(actor=users["citizen"], title="Cây đổ chắn đường", text="Cây xanh đổ chắn ngang đường Đức Thắng."),
                              actor=users["onestop"])
    svc.feedback_answer(feedback=fb, actor=users["specialist"], text="Đã cưa dọn cây đổ.")
    r = client.get(reverse("feedback:public_list"), {"q": "duc thang"})
    page = r.content.decode()
    assert r.status_code == 200 and "Cây đổ chắn đường" in page and "Đã cưa dọn" in page and "100,0 %" in page
    assert "Cây đổ" not in client.get(reverse("feedback:public_list"), {"q": "khong co"}).content.decode()
    r = client.get(reverse("feedback:detail", args=[fb.pk]))
    assert r.status_code == 200 and "0909123456" not in r.content.decode()
    assert client.get(reverse("feedback:public_list"), {"date_from": "không phải ngày"}).status_code == 200


def test_public_list_invalid_filter_keeps_the_search_and_the_valid_filters(client, users, submit, cats):
    """One invalid filter shows its error, and the list is still the one of the search and of the other filters, never
    every item under a search box that says otherwise."""
    hit = svc.feedback_publish(feedback=submit(actor=users["citizen"], title="Đèn đường Yersin hỏng", text="Đèn đường Yersin hỏng nhiều ngày."),
                               actor=users["onestop"])
    svc.feedback_publish(feedback=submit(actor=users["citizen"], title="Cây đổ chắn đường", text="Cây xanh đổ chắn ngang đường Đức Thắng."),
                         actor=users["onestop"])
    for bad in ({"date_from": "30/02/2026"}, {"status": "bogus"}, {"category": "NOPE"}):
        r = client.get(reverse("feedback:public_list"), {"q": "yersin", **bad})
        assert r.status_code == 200 and list(r.context["form"].errors) == list(bad), bad
        assert [x.pk for x in r.context["page"]] == [hit.pk], bad
        assert "Cây đổ chắn đường" not in r.content.decode(), bad
    r = client.get(reverse("feedback:public_list"), {"q": "yersin", "date_from": "30/02/2026", "status": "answered"})
    assert [x.pk for x in r.context["page"]] == []  # the valid status filter applies too


def test_public_filter_accepts_the_first_and_last_representable_days(client, users, submit, cats):
    """A date filter takes 01/01/0001 to 31/12/9999: the day after the last one (the end of the range) does not
    exist and the start of the first one is before year 1 in UTC. Both pages and the API answer with every item
    instead of a 500 (page) or a refusal (API)."""
    fb = svc.feedback_publish(feedback=submit(actor=users["citizen"], title="Cây đổ chắn đường", text="Cây xanh đổ chắn ngang đường Đức Thắng."),
                              actor=users["onestop"])
    for dates in ({"date_to": "31/12/9999"}, {"date_from": "01/01/0001"}, {"date_from": "0001-01-01", "date_to": "9999-12-31"}):
        r = client.get(reverse("feedback:public_list"), dates)
        assert r.status_code == 200 and r.context["form"].is_valid(), dates
        assert [f.pk for f in r.context["page"]] == [fb.pk], dates
    for path in ("public", "stats"):
        r = client.get(f"{API}/{path}", {"date_from": "0001-01-01", "date_to": "9999-12-31"})
        assert r.status_code == 200, r.content
    assert client.get(f"{API}/public", {"date_to": "9999-12-31"}).json()["count"] == 1
    assert client.get(f"{API}/public", {"date_from": "9999-12-31"}).json()["count"] == 0


@pytest.mark.parametrize("probed", [False, True])
def test_public_search_counts_up_to_a_cap(client, users, submit, monkeypatch, probed):
    """A text query counts at most COUNT_CAP published items ("Hơn 2 phản ánh"), still paging through all of them;
    the same when its words count as common and dense, and the list is walked in its order and probed (coso.core.search),
    for one word and for several (else gathered from the full-text index)."""
    from coso.core import search
    from coso.feedback import views

    monkeypatch.setattr(views, "COUNT_CAP", 2)
    if probed:
        monkeypatch.setattr(search, "COMMON_WORD", 0)
        monkeypatch.setattr(search, "COMMON_SHARE", 0.0)
        monkeypatch.setattr(search, "WALK_DENSITY", -1.0)
    for i in range(25):  # two pages of 20
        svc.feedback_publish(feedback=submit(actor=users["citizen"], title=f"Đèn đường hỏng số {i}"), actor=users["onestop"])
    if probed:
        search.search_stats_refresh(kind="feedback")  # the counts that tell the words common
    for q in ("den duong", "duong"):
        page1 = client.get(reverse("feedback:public_list"), {"q": q})
        body = page1.content.decode()
        assert page1.status_code == 200 and "Hơn 20 phản ánh" in body and "Trang 1/hơn 1" in body
        page2 = client.get(reverse("feedback:public_list"), {"q": q, "page": 2})
        assert "Trang 2/2" in page2.content.decode()
        assert len(page1.context["page"]) + len(page2.context["page"]) == 25
    assert "25 phản ánh" in client.get(reverse("feedback:public_list")).content.decode()  # no text query: exact


def test_assign_from_manage_page(login, users, submit):
    fb = submit(actor=users["citizen"])
    c = login(users["leader"])
    assert "specialist" in c.get(reverse("feedback:manage", args=[fb.pk])).content.decode()
    c.post(reverse("feedback:action", args=[fb.pk, "assign"]), {"assignee": users["onestop"].pk})
    fb.refresh_from_db()
    assert fb.assigned_to == users["onestop"]
    c.post(reverse("feedback:action", args=[fb.pk, "assign"]), {"assignee": "x"})
    fb.refresh_from_db()
    assert fb.assigned_to == users["onestop"]


# --------------------------------------------------------------------------- length limits and rating messages

def _closed(users, submit):  # type: ignore[no-untyped-def]
    fb = svc.feedback_publish(feedback=submit(actor=users["citizen"]), actor=users["onestop"])
    return svc.feedback_answer(feedback=fb, actor=users["onestop"], text="Đã thu gom rác.")


@pytest.mark.parametrize(("data", "message"), [
    ({"rating": "useful", "officer_rating": "9"}, "Điểm cán bộ từ 1 đến 5."),
    ({"rating": "useful", "officer_rating": "٥"}, "Điểm cán bộ từ 1 đến 5."),  # Arabic-Indic five
    ({"rating": "useful", "comment": "a" * 501}, "Ý kiến thêm tối đa 500 ký tự."),
    ({"rating": "bogus"}, "Vui lòng chọn mức đánh giá."),
])
def test_rate_page_says_what_is_wrong(client, users, submit, cats, data, message):
    fb = _closed(users, submit)
    version = fb.version
    r = client.post(reverse("feedback:rate", args=[fb.pk]), {**data, "key": fb.access_key}, follow=True)
    page = r.content.decode()
    assert message in page
    if message != "Vui lòng chọn mức đánh giá.":
        assert "Vui lòng chọn mức đánh giá." not in page
    fb.refresh_from_db()
    assert fb.rating == "" and fb.officer_rating is None and fb.version == version and not fb.events.filter(kind="rate").exists()


def test_api_refuses_texts_over_the_forms_limits(client, login, cats, commune, users, submit):
    """The API is held to the pages' limits (one constant each): over them a 400 naming the limit, nothing written or cut."""
    fb = svc.feedback_publish(feedback=submit(actor=users["citizen"]), actor=users["onestop"])
    c = login(users["onestop"])
    cases = [
        (f"{API}/{fb.pk}/answer", {"text": "a" * (svc.ANSWER_MAX + 1)}, "4.000"),
        (f"{API}/{fb.pk}/moderate", {"action": "request_info", "reason": "a" * (svc.INFO_REQUEST_MAX + 1)}, "2.000"),
        (f"{API}/{fb.pk}/moderate", {"action": "reject", "reason": "a" * 5000}, "2.000"),
        (f"{API}/{fb.pk}/moderate", {"action": "hide", "reason": "a" * (svc.HIDE_REASON_MAX + 1)}, "300"),
        (f"{API}/{fb.pk}/moderate", {"action": "edit", "title": "a" * (svc.TITLE_MAX + 1), "text": fb.text}, "200"),
        (f"{API}/{fb.pk}/moderate", {"action": "forward", "target": "external", "target_name": "Sở Y tế",
                                     "reason": "a" * (svc.REASON_MAX + 1)}, "2.000"),
    ]
    for url, payload, limit in cases:
        before = Feedback.objects.filter(pk=fb.pk).values().get()
        events = fb.events.count()
        r = c.post(url, payload, content_type="application/json")
        assert r.status_code == 400 and r.json()["code"] == "validation-error" and limit in r.json()["message"], (payload, r.content)
        assert Feedback.objects.filter(pk=fb.pk).values().get() == before and fb.events.count() == events, payload
    assert c.post(f"{API}/{fb.pk}/moderate", {"action": "hide", "reason": "a" * svc.HIDE_REASON_MAX},
                  content_type="application/json").status_code == 200  # at the limit: taken whole
    fb.refresh_from_db()
    assert fb.hidden_reason == "a" * svc.HIDE_REASON_MAX

    count = Feedback.objects.count()
    r = client.post(f"{API}/", {"category": "MT", "commune": commune.code, "title": "Tiêu đề " * 40, "text": "Cống thoát nước bị tắc.",
                                "anonymous": "true"})
    assert r.status_code == 400 and "title" in r.json()["details"]["fields"] and "200" in r.json()["message"]
    assert Feedback.objects.count() == count

    closed = _closed(users, submit)
    version = closed.version
    r = client.post(f"{API}/{closed.pk}/rate", {"rating": "useful", "comment": "a" * (svc.RATE_COMMENT_MAX + 1),
                                                "access_key": closed.access_key}, content_type="application/json")
    assert r.status_code == 400 and "500" in r.json()["message"]
    closed.refresh_from_db()
    assert closed.rating == "" and closed.version == version


def test_api_report_reason_over_limit_refused_not_cut(client, cats, users, submit):
    """A report's reason longer than the page's field (300 characters) is refused on its field, never stored cut: nothing
    is recorded (no report, no count, no history, no audit entry, no hit on the address's hourly allowance)."""
    from django.test import Client

    from coso.core.models import AuditLog

    fb = svc.feedback_publish(feedback=submit(actor=users["citizen"]), actor=users["onestop"])
    version, audits = fb.version, AuditLog.objects.count()
    c = Client(REMOTE_ADDR="203.0.113.21")
    r = c.post(f"{API}/{fb.pk}/report", {"reason": "x" * (svc.REPORT_REASON_MAX + 1)}, content_type="application/json")
    assert r.status_code == 400
    body = r.json()
    assert body["code"] == "validation-error" and "300" in body["message"] and "reason" in body["details"]["fields"]
    fb.refresh_from_db()
    assert fb.report_count == 0 and fb.version == version and not fb.reports.exists()
    assert not fb.events.filter(kind="report").exists() and AuditLog.objects.count() == audits
    for _ in range(svc.REPORTS_PER_ADDRESS):  # the refused call took nothing from the allowance
        other = svc.feedback_publish(feedback=submit(actor=users["citizen"]), actor=users["onestop"])
        assert c.post(f"{API}/{other.pk}/report", {}, content_type="application/json").status_code == 200
    r = c.post(f"{API}/{fb.pk}/report", {"reason": "x" * svc.REPORT_REASON_MAX}, content_type="application/json")
    assert r.status_code == 429  # the allowance is spent by the ten accepted reports, not the refused one


def test_api_rate_an_item_the_caller_cannot_see_is_404(login, cats, users, submit):
    """POST /{id}/rate on an item that is not public (awaiting moderation, rejected, hidden) answers a caller who may not see
    it (no access key or a wrong one, another citizen, another commune's officer) as for an id that does not exist: 404,
    not the 403 "only the sender" that told them the item exists; its sender still rates it."""
    from django.test import Client

    pending = submit(actor=users["citizen"])
    rejected = svc.feedback_reject(feedback=submit(actor=users["citizen"]), actor=users["onestop"], reason="Trùng lặp.")
    hidden = svc.feedback_publish(feedback=submit(actor=users["citizen"]), actor=users["onestop"])
    svc.feedback_answer(feedback=hidden, actor=users["onestop"], text="Đã thu gom rác.")
    hidden = svc.feedback_hide(feedback=hidden, actor=users["onestop"], reason="Lộ thông tin cá nhân.")
    missing = Feedback.objects.order_by("-pk").values_list("pk", flat=True).first() + 1000
    body = {"rating": "useful"}
    assert Client().post(f"{API}/{missing}/rate", body, content_type="application/json").status_code == 404
    for fb in (pending, rejected, hidden):
        versions = fb.version
        callers = [Client(), Client(), login(users["citizen2"]), Client()]
        callers[-1].force_login(users["other_onestop"])
        keys = ["", "wrong-key", "", ""]
        for caller, key in zip(callers, keys, strict=True):
            r = caller.post(f"{API}/{fb.pk}/rate", {**body, "access_key": key}, content_type="application/json")
            assert r.status_code == 404, (fb.status, key, r.content)
        fb.refresh_from_db()
        assert fb.rating == "" and fb.version == versions
    r = Client().post(f"{API}/{hidden.pk}/rate", {**body, "access_key": hidden.access_key}, content_type="application/json")
    assert r.status_code == 200, r.content  # the sender, by the access key
    r = Client().post(f"{API}/{pending.pk}/rate", {**body, "access_key": pending.access_key}, content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "not-answered"  # the sender is told why, as before


def test_public_filters_refuse_a_start_date_after_the_end_date(client, users, submit, cats):
    """date_from after date_to (typed the wrong way round) was silently answered with no item and a 766 table of zeros,
    as if nothing had been published; the API (/public, /stats) refuses it on the date_from field, the public page shows
    the error on the field and leaves that date out (as for any invalid filter)."""
    fb = svc.feedback_publish(feedback=submit(actor=users["citizen"], title="Cây đổ chắn đường", text="Cây xanh đổ chắn ngang đường Đức Thắng."),
                              actor=users["onestop"])
    today = fb.published_at.date()
    later, earlier = (today + dt.timedelta(days=5)).isoformat(), (today - dt.timedelta(days=5)).isoformat()
    for path in (f"{API}/public", f"{API}/stats"):
        r = client.get(path, {"date_from": later, "date_to": earlier})
        assert r.status_code == 400, (path, r.content)
        body = r.json()
        assert body["code"] == "invalid-period" and "Từ ngày" in body["message"] and list(body["details"]["fields"]) == ["date_from"]
        assert client.get(path, {"date_from": earlier, "date_to": later}).status_code == 200
        assert client.get(path, {"date_from": today.isoformat(), "date_to": today.isoformat()}).status_code == 200  # one day
    assert client.get(f"{API}/public", {"date_from": earlier, "date_to": later}).json()["count"] == 1
    r = client.get(reverse("feedback:public_list"), {"date_from": f"{today + dt.timedelta(days=5):%d/%m/%Y}",
                                                      "date_to": f"{today - dt.timedelta(days=5):%d/%m/%Y}"})
    assert r.status_code == 200 and list(r.context["form"].errors) == ["date_from"]
    assert "“Từ ngày” phải trước hoặc bằng “Đến ngày”." in html.unescape(r.content.decode())


def test_api_public_list_refuses_an_unknown_status(client, users, submit, cats):
    """GET /public?status=bogus (or the internal "closed", a typo) answered every published item as if no status were
    asked; it is now refused on the status field, and each public status still filters."""
    fb = svc.feedback_publish(feedback=submit(actor=users["citizen"]), actor=users["onestop"])
    for bad in ("bogus", "closed", "Answered"):
        r = client.get(f"{API}/public", {"status": bad})
        assert r.status_code == 400, (bad, r.content)
        body = r.json()
        assert body["code"] == "validation-error" and body["message"] == "Tình trạng không hợp lệ."
        assert list(body["details"]["fields"]) == ["status"]
    assert [x["id"] for x in client.get(f"{API}/public", {"status": "processing"}).json()["items"]] == [fb.pk]
    assert client.get(f"{API}/public", {"status": "answered"}).json()["count"] == 0
    assert client.get(f"{API}/public", {"status": ""}).json()["count"] == 1


def test_api_staff_list_refuses_an_unknown_tab(login, users, submit):
    """GET /api/v1/feedback/?tab=bogus (a typo, a removed tab) ignored the tab and listed every item of the scope as
    "all" does; it is now refused on the tab field with the allowed tabs, and the queue page opens its default tab."""
    from coso.feedback import selectors as sel
    from coso.feedback.views import TABS

    pending = submit(actor=users["citizen"])
    handling = svc.feedback_publish(feedback=submit(actor=users["citizen"]), actor=users["onestop"])
    c = login(users["onestop"])
    for bad in ("bogus", "Pending", "tất cả"):
        r = c.get(f"{API}/", {"tab": bad})
        assert r.status_code == 400, (bad, r.content)
        body = r.json()
        assert body["code"] == "validation-error" and body["message"] == "Mục danh sách không hợp lệ."
        assert list(body["details"]["fields"]) == ["tab"] and body["details"]["allowed"] == list(sel.STAFF_TABS)
    assert [k for k, _ in TABS] == list(sel.STAFF_TABS)
    assert [x["id"] for x in c.get(f"{API}/", {"tab": "pending"}).json()["items"]] == [pending.pk]
    assert {x["id"] for x in c.get(f"{API}/").json()["items"]} == {pending.pk, handling.pk}
    r = c.get(reverse("feedback:moderation"), {"tab": "bogus"})
    assert r.status_code == 200 and r.context["tab"] == "pending" and [fb.pk for fb in r.context["page"]] == [pending.pk]
