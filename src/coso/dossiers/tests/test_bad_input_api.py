"""Bad input to the one-stop shop's API and pages, found by exploratory testing: each is refused in the one JSON
error shape (or on the form) and leaves nothing behind."""

from __future__ import annotations

from django.utils import timezone

import pytest

from coso.core.models import AuditLog
from coso.dossiers.models import Dossier, DossierEvent

pytestmark = pytest.mark.django_db

DEEP = b"[" * 1000 + b"]" * 1000  # nested deeper than Python's json recurses


def _nothing_written() -> None:
    assert Dossier.objects.count() == 0 and DossierEvent.objects.count() == 0
    assert not AuditLog.objects.filter(verb__startswith="dossier-").exists()


@pytest.mark.parametrize(("who", "path"), [("onestop", "/api/v1/dossiers/intake"), ("citizen", "/api/v1/dossiers/online")])
def test_a_json_body_nested_too_deeply_is_refused_as_invalid_json(login, users, version, who, path):
    r = login(users[who]).post(path, DEEP, content_type="application/json")
    assert r.status_code == 400, r.content
    assert r.json()["code"] == "invalid-json" and r.json()["message"] == "Nội dung gửi lên không phải JSON hợp lệ."
    _nothing_written()


# ---------------------------------------------------------------- CCCD and phone: ASCII digits only
def _intake(version, **kw) -> dict:  # type: ignore[no-untyped-def]
    return {"procedure_code": version.procedure.code, "applicant_name": "Phạm Minh Tuấn", "applicant_phone": "0912345678",
            "documents": ["Tờ khai đăng ký khai sinh"], **kw}


@pytest.mark.parametrize(("field", "value"), [
    ("applicant_citizen_id", "０７４２０１００１２３４"),  # full-width
    ("applicant_citizen_id", "٠٧٤٢٠١٠٠١٢٣٤"),  # Arabic-Indic
    ("applicant_citizen_id", "۰۷۴۲۰۱۰۰۱۲۳۴"),  # Extended Arabic-Indic (Persian)
    ("applicant_phone", "0９１２３４５６７８"),
    ("applicant_phone", "+84९१२३४५६७८"),  # Devanagari
])
def test_intake_refuses_a_cccd_or_phone_written_with_other_digits_than_ascii(login, users, version, field, value):
    c = login(users["onestop"])
    r = c.post("/api/v1/dossiers/intake", _intake(version, **{field: value}), content_type="application/json")
    assert r.status_code == 400, r.content
    assert r.json()["code"] == "invalid-applicant" and field in r.json()["details"]["fields"]
    _nothing_written()
    ok = c.post("/api/v1/dossiers/intake", _intake(version, applicant_citizen_id="074201001234", applicant_phone="0912 345 678"),
                content_type="application/json")
    assert ok.status_code == 201, ok.content
    assert Dossier.objects.get().applicant_citizen_id == "074201001234"


def test_the_intake_page_refuses_a_full_width_cccd(login, users, version):
    r = login(users["onestop"]).post(f"/dossiers/intake/?procedure={version.procedure.code}", {
        "procedure": version.procedure.code, "applicant_name": "Lê Văn An", "applicant_phone": "0909000111", "channel": "counter", "doc_0": "on",
        "applicant_citizen_id": "０７４２０１００１２３４",
    })
    assert r.status_code == 400
    assert "Số CCCD phải gồm đúng 12 chữ số." in r.content.decode()
    _nothing_written()


# ---------------------------------------------------------------- forms print only for the dossiers they apply to
def test_refusal_and_supplement_forms_print_only_when_they_apply_page_and_api(login, users, commune, version):
    from coso.dossiers.tests.factories import DossierFactory

    returned = DossierFactory(staff=users, commune=commune, procedure_version=version, returned=True)
    supplemented = DossierFactory(staff=users, commune=commune, procedure_version=version, supplemented=True)
    c = login(users["onestop"])
    listed = {f["kind"] for f in c.get(f"/api/v1/dossiers/{returned.pk}/forms").json()}
    assert listed == {"receipt", "control"}
    for kind in ("refusal", "supplement"):
        assert c.get(f"/dossiers/{returned.pk}/forms/{kind}.pdf").status_code == 404
        r = c.get(f"/api/v1/dossiers/{returned.pk}/forms/{kind}.pdf")
        assert r.status_code == 404 and r.json()["code"] == "not-found", (kind, r.content[:200])
    for kind in sorted(listed):
        assert c.get(f"/api/v1/dossiers/{returned.pk}/forms/{kind}.pdf").status_code == 200
    assert {f["kind"] for f in c.get(f"/api/v1/dossiers/{supplemented.pk}/forms").json()} == {"receipt", "supplement", "control"}
    assert c.get(f"/dossiers/{supplemented.pk}/forms/supplement.pdf").status_code == 200
    assert c.get(f"/api/v1/dossiers/{supplemented.pk}/forms/supplement.pdf").status_code == 200
    assert c.get(f"/api/v1/dossiers/{supplemented.pk}/forms/refusal.pdf").status_code == 404


# ---------------------------------------------------------------- register and statistics: a period in order, staff only
@pytest.mark.parametrize("fmt", ["xlsx", "pdf"])
def test_the_register_refuses_a_reversed_period_like_the_statistics(login, users, receive, fmt):
    receive()
    c = login(users["onestop"])
    stats = c.get("/api/v1/dossiers/stats", {"start": "2026-12-31", "end": "2026-01-01"})
    r = c.get(f"/api/v1/dossiers/register.{fmt}", {"start": "2026-12-31", "end": "2026-01-01"})
    assert stats.status_code == r.status_code == 400
    assert r.json()["code"] == stats.json()["code"] == "invalid-period"
    assert c.get(f"/api/v1/dossiers/register.{fmt}", {"start": "2026-01-01", "end": "2026-12-31"}).status_code == 200
    # At most three years, as the register page and the export job allow (the API had no limit).
    r = c.get(f"/api/v1/dossiers/register.{fmt}", {"start": "2020-01-01", "end": "2026-12-31"})
    assert r.status_code == 400 and r.json()["code"] == "invalid-period" and "3 năm" in r.json()["message"]


@pytest.mark.parametrize("period", [("0001-01-01", "9999-12-31"), ("2020-01-01", "2026-12-31"), ("0001-01-01", None)])
def test_the_statistics_cap_a_period_at_three_years_like_the_register(login, users, receive, period):
    receive()
    c = login(users["leader"])
    start, end = period
    query = {"start": start, **({"end": end} if end else {})}
    r = c.get("/api/v1/dossiers/stats", query)
    assert r.status_code == 400, r.content[:300]
    assert r.json()["code"] == "invalid-period" and "3 năm" in r.json()["message"]
    assert r.json()["details"]["fields"] == {"start": ["Khoảng thời gian tối đa 3 năm."]}
    # the same answer as the register's; the statistics page refuses it on its start field (a day outside 1900-2200 already
    # as out of range, a period within them as too long)
    register = c.get("/api/v1/dossiers/register.xlsx", {"start": start, "end": end or timezone.localdate().isoformat()})
    assert register.status_code == 400 and register.json()["code"] == r.json()["code"]
    page = c.get("/dossiers/stats/", query)
    assert page.status_code == 200 and "start" in page.context["form"].errors
    if start == "2020-01-01":
        assert "Khoảng thời gian tối đa 3 năm." in page.content.decode()
    # three years exactly is answered
    ok = c.get("/api/v1/dossiers/stats", {"start": "2023-01-01", "end": "2025-12-31"})
    assert ok.status_code == 200 and (ok.json()["start"], ok.json()["end"]) == ("2023-01-01", "2025-12-31")


@pytest.mark.parametrize("path", ["/api/v1/dossiers/register.xlsx", "/api/v1/dossiers/register.pdf", "/api/v1/dossiers/stats"])
def test_a_citizen_may_not_read_the_register_nor_the_statistics(login, users, receive, path):
    receive()
    r = login(users["citizen"]).get(path, {"start": "2026-01-01", "end": "2026-12-31"})
    assert r.status_code == 403, r.content[:200]
    assert r.json()["code"] == "forbidden"
    assert login(users["leader"]).get(path, {"start": "2026-01-01", "end": "2026-12-31"}).status_code == 200


# ---------------------------------------------------------------- free text: at most 4,000 characters
def test_an_intake_note_longer_than_4000_characters_is_refused_api_and_page(login, users, version):
    c = login(users["onestop"])
    for note in ("x" * 4001, "x" * 12_000_000):  # just past the limit, and 12 MB
        r = c.post("/api/v1/dossiers/intake", _intake(version, note=note), content_type="application/json")
        assert r.status_code == 400, r.content[:300]
        assert r.json()["code"] == "too-long" and r.json()["message"] == "Ghi chú dài quá 4.000 ký tự."
        assert r.json()["details"]["fields"] == {"note": ["Ghi chú dài quá 4.000 ký tự."]}
        _nothing_written()
    page = c.post(f"/dossiers/intake/?procedure={version.procedure.code}", {
        "procedure": version.procedure.code, "applicant_name": "Lê Văn An", "applicant_phone": "0909000111", "channel": "counter", "doc_0": "on",
        "note": "x" * 200_000,
    })
    html = page.content.decode()
    assert page.status_code == 400 and 'maxlength="4000"' in html
    assert "Giá trị này chỉ có tối đa 4000 kí tự (hiện có 200000)" in html
    _nothing_written()
    assert c.post("/api/v1/dossiers/intake", _intake(version, note="x" * 4000), content_type="application/json").status_code == 201


def test_a_reason_or_a_rating_comment_longer_than_4000_characters_is_refused(login, users, commune, version):
    from coso.dossiers.models import DossierRating
    from coso.dossiers.tests.factories import DossierFactory

    open_one = DossierFactory(staff=users, commune=commune, procedure_version=version)
    c = login(users["onestop"])
    r = c.post(f"/api/v1/dossiers/{open_one.pk}/actions/request_supplement", {"version": open_one.version, "reason": "Thiếu giấy " * 500},
               content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "too-long" and "reason" in r.json()["details"]["fields"]
    page = c.post(f"/dossiers/{open_one.pk}/act/request_supplement/", {"version": open_one.version, "reason": "x" * 4001})
    assert page.status_code == 400 and "tối đa 4000 kí tự" in page.content.decode()
    fresh = Dossier.objects.get(pk=open_one.pk)
    assert (fresh.version, fresh.status, fresh.events.count()) == (open_one.version, open_one.status, open_one.events.count())

    returned = DossierFactory(staff=users, commune=commune, procedure_version=version, returned=True)
    r = c.post(f"/api/v1/dossiers/{returned.pk}/rating", {"level": "satisfied", "comment": "y" * 100_000}, content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "too-long" and r.json()["details"]["fields"] == {"comment": ["Ý kiến dài quá 4.000 ký tự."]}
    assert not DossierRating.objects.exists()
    r = c.post(f"/api/v1/dossiers/{returned.pk}/rating", {"level": "satisfied", "comment": "y" * 4000}, content_type="application/json")
    assert r.status_code == 201 and len(DossierRating.objects.get().comment) == 4000


# ---------------------------------------------------------------- applicant fields longer than their columns
LONG_EMAIL = "a" * 64 + "@" + ("b" * 63 + ".") * 3 + "vn"  # a valid address of 259 characters: the column holds 254


def _online(version, commune, **kw) -> dict:  # type: ignore[no-untyped-def]
    import base64

    from coso.dossiers.tests.conftest import PDF_BYTES

    return {"procedure_code": version.procedure.code, "commune_code": commune.code, "applicant_name": "Nguyễn Thị Hoa",
            "applicant_phone": "0909123456", **kw,
            "files": [{"document_name": "Tờ khai đăng ký khai sinh", "filename": "tk.pdf", "content_base64": base64.b64encode(PDF_BYTES).decode()}]}


@pytest.mark.parametrize(("field", "value"), [("applicant_address", "Đ" * 301), ("applicant_email", LONG_EMAIL), ("applicant_name", "   ")])
def test_online_api_refuses_an_applicant_field_its_column_cannot_hold_instead_of_cutting_it(login, users, version, commune, field, value):
    c = login(users["citizen"])
    r = c.post("/api/v1/dossiers/online", _online(version, commune, **{field: value}), content_type="application/json")
    assert r.status_code == 400, r.content
    assert r.json()["code"] == "invalid-applicant" and field in r.json()["details"]["fields"]
    _nothing_written()
    ok = c.post("/api/v1/dossiers/online", _online(version, commune, applicant_address="Đ" * 300), content_type="application/json")
    assert ok.status_code == 201, ok.content
    assert Dossier.objects.get().applicant_address == "Đ" * 300


@pytest.mark.parametrize(("field", "value", "message"), [
    ("applicant_email", LONG_EMAIL, "Địa chỉ thư điện tử không hợp lệ."),
    ("applicant_address", "Đ" * 301, "300"),  # the form's own length check
])
def test_the_online_submit_page_refuses_an_overlong_applicant_field_on_the_form(login, users, version, commune, field, value, message):
    from coso.dossiers.tests.conftest import pdf_upload

    c = login(users["citizen"])
    r = c.post(f"/dossiers/submit/?procedure={version.procedure.code}", {
        "procedure": version.procedure.code, "commune": commune.pk, "applicant_name": "Nguyễn Thị Hoa", "applicant_phone": "0909123456",
        "file_0": pdf_upload(), field: value,
    })
    assert r.status_code == 400 and message in r.content.decode()
    _nothing_written()


# ---------------------------------------------------------------- a document name longer than its column (500, the catalogue's)
def test_online_api_refuses_a_document_name_its_column_cannot_hold_instead_of_cutting_it(login, users, version, commune):
    c = login(users["citizen"])
    body = _online(version, commune)
    body["files"].append({**body["files"][0], "document_name": "Đ" * 501})
    r = c.post("/api/v1/dossiers/online", body, content_type="application/json")
    assert r.status_code == 400, r.content
    assert r.json()["code"] == "too-long" and r.json()["details"]["fields"] == {"document_name": ["Tên giấy tờ dài quá 500 ký tự."]}
    _nothing_written()
    body["files"][1]["document_name"] = "Đ" * 500
    ok = c.post("/api/v1/dossiers/online", body, content_type="application/json")
    assert ok.status_code == 201, ok.content
    assert Dossier.objects.get().attachments.filter(document_name="Đ" * 500).exists()


def test_intake_api_multipart_refuses_an_overlong_document_name(login, users, version):
    from coso.dossiers.tests.conftest import PDF_BYTES
    from coso.dossiers.tests.test_hardening import multipart

    body, ctype = multipart(_intake(version, document_names=["Tờ khai " + "x" * 500]), [("files", "tk.pdf", PDF_BYTES)])
    r = login(users["onestop"]).post("/api/v1/dossiers/intake", body, content_type=ctype)
    assert r.status_code == 400, r.content
    assert r.json()["code"] == "too-long" and "document_name" in r.json()["details"]["fields"]
    _nothing_written()


def test_the_online_submit_page_refuses_an_overlong_document_name_at_its_file(login, users, commune):
    from coso.dossiers.tests.conftest import make_procedure, pdf_upload

    version = make_procedure(docs=[{"name": "Giấy tờ " + "x" * 500, "copies": 1, "required": True}])
    r = login(users["citizen"]).post(f"/dossiers/submit/?procedure={version.procedure.code}", {
        "procedure": version.procedure.code, "commune": commune.pk, "applicant_name": "Nguyễn Thị Hoa", "applicant_phone": "0909123456",
        "file_0": pdf_upload(),
    })
    assert r.status_code == 400 and "Tên giấy tờ dài quá 500 ký tự." in r.content.decode()
    assert "file_0" in r.context["form"].errors
    _nothing_written()


def test_a_catalogue_document_name_over_300_characters_is_kept_whole(login, users, commune):
    """A quarter of the national portal's document names are longer than 300 characters (up to the catalogue's 500). The
    attachment's column held 300: they were cut, then refused; a citizen could not send such a paper. The column holds
    the catalogue's names; the catalogue refuses a longer one."""
    from coso.dossiers.tests.conftest import make_procedure, pdf_upload
    from coso.procedures.services import DOCUMENT_NAME_MAX, parse_documents

    name = "Bản chính hoặc bản sao có chứng thực giấy tờ chứng minh quan hệ " * 7
    assert 300 < len(name.strip()) <= DOCUMENT_NAME_MAX
    version = make_procedure(docs=[{"name": name.strip(), "copies": 1, "required": True}])
    r = login(users["citizen"]).post(f"/dossiers/submit/?procedure={version.procedure.code}", {
        "procedure": version.procedure.code, "commune": commune.pk, "applicant_name": "Nguyễn Thị Hoa", "applicant_phone": "0909123456",
        "file_0": pdf_upload(),
    })
    assert r.status_code == 302, r.content.decode()[:500]
    assert Dossier.objects.get().attachments.get().document_name == name.strip()
    with pytest.raises(ValueError, match="Tên giấy tờ dài quá 500 ký tự"):
        parse_documents("x" * 501)


def test_an_action_on_another_communes_dossier_is_a_404_even_without_the_required_reason(login, users, commune, other_commune, version):
    from coso.dossiers.tests.factories import DossierFactory

    theirs = DossierFactory(staff=users, commune=commune, procedure_version=version)
    c = login(users["other_onestop"])
    for action, body in [("refuse", {"version": theirs.version, "reason": ""}), ("request_supplement", {"version": theirs.version}),
                         ("no_such_action", {"version": theirs.version})]:
        r = c.post(f"/api/v1/dossiers/{theirs.pk}/actions/{action}", body, content_type="application/json")
        assert r.status_code == 404, (action, r.content)
        assert r.json()["code"] == login(users["other_onestop"]).post(
            "/api/v1/dossiers/999999/actions/refuse", {"version": 1, "reason": ""}, content_type="application/json").json()["code"]
    fresh = Dossier.objects.get(pk=theirs.pk)
    assert (fresh.version, fresh.status, fresh.events.count()) == (theirs.version, theirs.status, theirs.events.count())
    # the commune's own officer still gets the reason error
    r = login(users["onestop"]).post(f"/api/v1/dossiers/{theirs.pk}/actions/refuse", {"version": theirs.version, "reason": ""},
                                     content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "reason-required"


@pytest.mark.parametrize(("query", "field"), [({"end": "0001-01-01"}, "end"), ({"end": "9999-12-31"}, "end"),
                                               ({"start": "0001-01-01", "end": "0001-01-02"}, "start"),
                                               ({"start": "2200-12-31", "end": "2201-01-01"}, "end")])
def test_a_day_outside_the_calendar_is_refused_on_its_field_api_like_the_page(login, users, receive, query, field):
    """end=0001-01-01 with no start answered a generic 400 (the default start, a year earlier, ran off datetime.date)
    without naming the field; a period of year 1 or 9999 was answered as an empty one the page refuses."""
    receive()
    c = login(users["leader"])
    expected = {field: ["Ngày phải trong khoảng 01/01/1900–31/12/2200."]}
    for path in ("/api/v1/dossiers/stats", "/api/v1/dossiers/register.xlsx"):
        if "register" in path and "start" not in query:
            continue  # the register's period has no default
        r = c.get(path, query)
        assert r.status_code == 400, (path, r.content[:300])
        assert r.json()["code"] == "invalid-date" and r.json()["details"]["fields"] == expected, r.json()
    page = c.get("/dossiers/stats/", query)
    assert page.status_code == 200 and field in page.context["form"].errors


@pytest.mark.parametrize(("params", "field", "message"), [
    ({"start": "0001-01-01", "end": "2026-03-31"}, "start", "Ngày phải trong khoảng 01/01/1900–31/12/2200."),
    ({"start": "2026-01-01", "end": "31/12/9999"}, "end", "Ngày phải trong khoảng 01/01/1900–31/12/2200."),
    ({"start": "2026-01-01", "end": "hôm qua"}, "end", "Ngày không hợp lệ: hôm qua."),
    ({"start": "", "end": "2026-03-31"}, "start", "Ngày không hợp lệ: (trống)."),
])
def test_the_register_export_job_names_a_bad_day_in_the_error_shape(login, users, params, field, message):
    """The register export refused a bad day with details {"field": "start"}, not the one error shape's
    {"fields": {"start": [message]}} that clients and forms read a field's error from."""
    from coso.jobs.models import ExportJob

    r = login(users["onestop"]).post("/api/v1/jobs/exports", {"kind": "dossiers.register", "params": {"format": "xlsx", **params}},
                                     content_type="application/json")
    assert r.status_code == 400, r.content[:300]
    assert r.json()["code"] == "invalid-date" and r.json()["details"]["fields"] == {field: [message]}, r.json()
    assert not ExportJob.objects.exists()
