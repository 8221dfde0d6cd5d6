"""Register: import all-or-nothing, export, search and sort, masking and read log, scoping, review."""

import datetime as dt

import pytest
import time_machine
from openpyxl import load_workbook

from coso.core.exceptions import ApplicationError
from coso.core.models import AuditLog
from coso.workforce import selectors, services
from coso.workforce.models import Person, PositionHolding

from .helpers import person, row, xlsx

pytestmark = pytest.mark.django_db


def test_import_valid_file_creates_everyone(users, commune, other_commune):
    data = xlsx([row(), row(full_name="Lê Thị Hoa", citizen_id="079190005678", gender="Nữ", commune_code="26737", birth_date="02/12/1990"),
                 row(full_name="Phạm Đức", citizen_id="079080000001", kind="Cán bộ", position_code="ct_ubnd", degree_field="Hành chính")])
    n = services.import_people(actor=users["province_home_affairs"], data=data)
    assert n == 3
    hoa = Person.objects.get(citizen_id="079190005678")
    assert hoa.commune_code == "26737" and hoa.gender == "female" and hoa.birth_date == dt.date(1990, 12, 2)
    assert PositionHolding.objects.filter(person=hoa, position_code="cv_vp").exists()
    assert Person.objects.get(citizen_id="079080000001").kind == "cadre"
    assert AuditLog.objects.filter(object_type="workforce.Person", verb="import").count() == 1


def test_import_bad_file_changes_nothing_and_lists_every_error(users, commune):
    person(commune, citizen_id="079099999999")
    data = xlsx([
        row(),                                                       # fine
        row(full_name="", citizen_id="079085001235"),                # missing name
        row(citizen_id="079085001234", full_name="Trùng CCCD"),      # duplicate in the file (row 2)
        row(citizen_id="12345", birth_date="1985-03-15"),            # bad CCCD, bad date format
        row(citizen_id="079099999999"),                              # already in the database
        row(citizen_id="079085001236", position_code="xyz", degree_level="tiến sĩ giả"),  # unknown codes
        row(citizen_id="079085001237", commune_code="00004"),        # unknown commune (not loaded)
        row(citizen_id="079085001238", birth_date="31/02/1985"),     # impossible date
    ])
    with pytest.raises(ApplicationError) as exc:
        services.import_people(actor=users["province_home_affairs"], data=data)
    assert exc.value.code == "import-invalid"
    got = {(e["row"], e["column"]) for e in exc.value.details["rows"]}
    assert got >= {(3, "Họ và tên"), (4, "Số CCCD"), (5, "Số CCCD"), (5, "Ngày sinh"), (6, "Số CCCD"), (7, "Chức vụ"), (7, "Chuyên môn"),
                   (8, "Mã xã"), (9, "Ngày sinh")}
    assert (2, "Họ và tên") not in got
    assert Person.objects.count() == 1  # nothing imported


def test_import_whose_cccd_is_taken_meanwhile_changes_nothing_and_names_the_row(users, commune, monkeypatch):
    """A person added by hand with a CCCD of the file, after the file was checked and before its rows are written (the
    import of a large file takes a while): the import is refused with the row's error, not a database error, and
    writes nothing."""
    real = services.validate_rows

    def checked_then_taken(records, *, actor):  # type: ignore[no-untyped-def]
        out = real(records, actor=actor)
        person(commune, citizen_id="079190005678")
        return out

    monkeypatch.setattr(services, "validate_rows", checked_then_taken)
    before = Person.objects.count()
    with pytest.raises(ApplicationError) as exc:
        services.import_people(actor=users["province_home_affairs"], data=xlsx([row(), row(full_name="Lê Thị Hoa", citizen_id="079190005678")]))
    assert exc.value.code == "import-invalid"
    assert [(e["row"], e["column"], e["value"]) for e in exc.value.details["rows"]] == [(3, "Số CCCD", "079190005678")]
    assert Person.objects.count() == before  # nothing imported (the hand-made person was in the same test transaction)


def test_import_refuses_other_commune_for_commune_officer(users, commune, other_commune):
    with pytest.raises(ApplicationError) as exc:
        services.import_people(actor=users["home_affairs"], data=xlsx([row(commune_code="26737")]))
    assert exc.value.details["rows"][0]["reason"] == "Xã ngoài phạm vi quản lý của bạn"
    assert services.import_people(actor=users["home_affairs"], data=xlsx([row(commune_code="")])) == 1
    assert Person.objects.get().commune_code == "26734"
    # Number cells lose leading zeros; they are restored for CCCD and commune codes.
    assert services.import_people(actor=users["home_affairs"], data=xlsx([row(commune_code=26734, citizen_id=79085007777)])) == 1
    assert Person.objects.filter(citizen_id="079085007777").exists()


def test_import_rejects_non_excel_and_missing_columns(users, commune):
    with pytest.raises(ApplicationError) as exc:
        services.import_people(actor=users["home_affairs"], data=b"not a workbook")
    assert exc.value.code == "invalid-excel"


def test_template_reimports_and_export_roundtrip(users, commune, login):
    template = load_workbook(__import__("io").BytesIO(services.template_bytes()))
    assert template.sheetnames == ["Danh sách", "Danh mục", "Hướng dẫn"]
    services.import_people(actor=users["home_affairs"], data=services.template_bytes())
    client = login(users["home_affairs"])
    resp = client.get("/workforce/?format=xlsx&q=nguyen+van")
    assert resp.status_code == 200
    ws = load_workbook(__import__("io").BytesIO(resp.content)).active
    assert ws.cell(2, 1).value == "Nguyễn Văn An"
    # The export reimports cleanly once the person is gone (same columns as the template).
    Person.objects.all().delete()
    assert services.import_people(actor=users["home_affairs"], data=resp.content) == 1


def test_search_accent_insensitive_and_vietnamese_sort(users, commune):
    for i, name in enumerate(["Nguyễn Văn Đức", "Trần Thị Ánh", "Lê Văn Dũng", "Phạm Thị An", "Nguyễn Thị Anh"]):
        services.person_create(actor=users["home_affairs"], full_name=name, birth_date=dt.date(1985, 1, 1), gender="male", kind="civil_servant",
                               position_code="cv_vp", citizen_id=f"0790850000{i:02d}", province_code="79", commune_code="26734")
    found = selectors.person_list(fetched_by=users["home_affairs"], q="nguyen van duc")
    assert [p.full_name for p in found] == ["Nguyễn Văn Đức"]
    names = [p.full_name for p in selectors.person_list(fetched_by=users["home_affairs"])]
    assert names == ["Phạm Thị An", "Nguyễn Thị Anh", "Trần Thị Ánh", "Lê Văn Dũng", "Nguyễn Văn Đức"]


def test_masking_and_personal_read_log(users, commune, login):
    p = person(commune, citizen_id="079188001122")
    resp = login(users["leader"]).get(f"/workforce/nguoi/{p.pk}/")
    assert "079188001122" in resp.content.decode()
    assert AuditLog.objects.filter(action="view", object_id=str(p.pk), actor=users["leader"]).count() == 1
    resp = login(users["province_admin"]).get(f"/workforce/nguoi/{p.pk}/")
    body = resp.content.decode()
    assert resp.status_code == 200 and "079188001122" not in body and "*********122" in body
    assert AuditLog.objects.filter(action="view", object_id=str(p.pk)).count() == 2


def test_scoping_other_commune_is_404(users, commune, other_commune, login):
    p = person(other_commune)
    assert login(users["leader"]).get(f"/workforce/nguoi/{p.pk}/").status_code == 404
    assert login(users["province_home_affairs"]).get(f"/workforce/nguoi/{p.pk}/").status_code == 200
    assert login(users["onestop"]).get("/workforce/").status_code == 404
    assert login(users["citizen"]).get(f"/api/v1/workforce/people/{p.pk}").status_code == 404
    assert login(users["leader"]).get(f"/api/v1/workforce/people/{p.pk}").json()["code"] == "not-found"


def test_retiring_filter(users, commune):
    person(commune, full_name="Sắp Hưu", gender="male", birth_date=dt.date(1965, 8, 1))  # 61y6m in 2026 → 02/2027
    person(commune, full_name="Còn Trẻ", birth_date=dt.date(1995, 1, 1))
    on = dt.date(2026, 6, 1)
    assert [p.full_name for p in selectors.person_list(fetched_by=users["home_affairs"], retiring_within=1, on=on)] == ["Sắp Hưu"]


def test_review_rates_quota_and_drilldown(users, commune, other_commune):
    on = dt.date(2026, 6, 1)
    ok = person(commune, full_name="Đạt Chuẩn", degree_field="hanh_chinh")
    weak = person(commune, full_name="Thiếu Bằng", degree_level="trung_cap", political_theory="none", position_code="cv_kinh_te", degree_field="kinh_te")
    person(commune, full_name="Phó Chủ Tịch", kind="cadre", position_code="pct_ubnd", political_theory="trung_cap", state_management="chuyen_vien",
           ethnicity="Khmer", gender="male", birth_date=dt.date(1965, 8, 1))
    person(other_commune, full_name="Xã Khác")
    r = selectors.review(fetched_by=users["province_home_affairs"], on=on)
    saigon = next(c for c in r["communes"] if c["code"] == "26734")
    assert saigon["staff"] == 3 and saigon["compliant"] == 2 and saigon["compliance_rate"] == round(2 / 3, 4)
    assert saigon["by_standard"]["degree_level"] == {"checked": 3, "met": 2, "rate": round(2 / 3, 4)}
    assert saigon["women"] == 2 and saigon["minority"] == 1 and saigon["retire"] == {"1": 1, "3": 1, "5": 1}
    office = {line["office"]: line for line in saigon["quota"]["lines"]}
    assert office["Văn phòng HĐND và UBND"]["quota"] == 8 and office["Văn phòng HĐND và UBND"]["staff"] == 1
    assert r["total"]["staff"] == 4
    drill = selectors.review(fetched_by=users["province_home_affairs"], on=on, commune="26734", standard="degree_level")
    assert [p["full_name"] for p in drill["people"]] == ["Thiếu Bằng"]
    assert drill["people"][0]["gaps"][0]["text"] == "Trình độ chuyên môn: cần Đại học, hiện có Trung cấp"
    # A commune leader sees only the commune.
    assert [c["code"] for c in selectors.review(fetched_by=users["leader"], on=on)["communes"]] == ["26734"]
    assert ok.pk and weak.pk


def test_review_past_date_uses_decree33_and_position_held(users, commune):
    p = person(commune, position_code="cv_tu_phap", degree_level="trung_cap", degree_field="luat", it="none")
    PositionHolding.objects.create(person=p, position_code="tp_ht", started_on=dt.date(2020, 1, 1), ended_on=dt.date(2025, 6, 30),
                                   province_code="79", commune_code="26734")
    r = selectors.review(fetched_by=users["province_home_affairs"], on=dt.date(2024, 6, 1))
    saigon = r["communes"][0]
    assert saigon["compliance_rate"] == 1.0 and saigon["quota"]["rule"] == "decree33"
    assert set(saigon["regimes"]) == {"nd33"}
    assert saigon["quota"]["lines"][0]["quota"] == 23 + 12  # phường loại I, 50,000 people: +1 per full 3,500 (1/2 of 7,000) over 7,000
    # On 1/6/2026 the same person is judged by the job-position standard (trung cấp luật, Luật Hộ tịch 2014 Art. 72(2)).
    r = selectors.review(fetched_by=users["province_home_affairs"], on=dt.date(2026, 6, 1))
    assert r["communes"][0]["regimes"]["job_position"]["staff"] == 1 and r["communes"][0]["compliance_rate"] == 1.0


def test_review_pages_excel_pdf(users, commune, login):
    person(commune, degree_level="trung_cap")
    client = login(users["province_home_affairs"])
    assert client.get("/workforce/ra-soat/").status_code == 200
    resp = client.get("/workforce/ra-soat/?commune=26734&standard=degree_level")
    assert "Trình độ chuyên môn: cần Đại học" in resp.content.decode()
    assert client.get("/workforce/ra-soat/?commune=99999").status_code == 404
    assert client.get("/workforce/ra-soat/bao-cao.xlsx?commune=26734").status_code == 200
    pdf = client.get("/workforce/ra-soat/bao-cao.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert client.get("/workforce/ra-soat/?on=99/99/9999").status_code == 200


def test_review_date_past_the_years_coso_works_with_is_refused_not_a_500(users, commune, login):
    """A review counts retirements up to five years after its date: 31/12/9999 (a valid date) has no such years and
    answered 500 on the page, its exports and the API. The page now says so and reviews today; the API refuses it."""
    from coso.accounts.models import ApiToken

    person(commune)
    client = login(users["province_home_affairs"])
    for on in ("31/12/9999", "31/12/2201", "31/12/1899"):
        resp = client.get("/workforce/ra-soat/", {"on": on})
        assert resp.status_code == 200, on
        assert resp.context["on"] == dt.date.today() and "Ngày rà soát phải từ 01/01/1900 đến 31/12/2200" in resp.content.decode()
    assert client.get("/workforce/ra-soat/bao-cao.xlsx", {"on": "31/12/9999"}).status_code == 200
    assert client.get("/workforce/ra-soat/bao-cao.pdf", {"on": "31/12/9999"}).status_code == 200
    token = ApiToken.issue(user=users["province_home_affairs"], name="t")[1]
    for on in ("9999-12-31", "0001-01-01"):
        resp = client.get("/api/v1/workforce/review", {"on": on}, HTTP_AUTHORIZATION=f"Bearer {token}")
        assert resp.status_code == 400 and resp.json()["code"] == "invalid-date" and "on" in resp.json()["details"]["fields"], resp.content
    assert client.get("/api/v1/workforce/review", {"on": "2200-12-31"}, HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200
    with pytest.raises(ApplicationError):
        selectors.review(fetched_by=users["province_home_affairs"], on=dt.date.max)


def test_import_page_lists_errors(users, commune, login):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = login(users["home_affairs"])
    bad = SimpleUploadedFile("ds.xlsx", xlsx([row(citizen_id="1"), row(citizen_id="079085001299", gender="X")]))
    resp = client.post("/workforce/nhap/", {"file": bad})
    body = resp.content.decode()
    assert resp.status_code == 400 and "Số CCCD không hợp lệ" in body and "12 chữ số" in body and "Giới tính" in body
    assert Person.objects.count() == 0
    resp = client.post("/workforce/nhap/", {"file": SimpleUploadedFile("ds.txt", b"x")})
    assert resp.status_code == 200 and "Chỉ nhận tệp .xlsx" in resp.content.decode()


def test_api_create_and_error_shape(users, commune, login):
    client = login(users["home_affairs"])
    payload = {"full_name": "Võ Thị Lan", "birth_date": "1991-04-05", "gender": "female", "kind": "civil_servant", "position_code": "cv_vp",
               "citizen_id": "079191000111"}
    resp = client.post("/api/v1/workforce/people", payload, content_type="application/json")
    assert resp.status_code == 201 and resp.json()["citizen_id"] == "079191000111"
    resp = client.post("/api/v1/workforce/people", payload, content_type="application/json")
    assert resp.status_code == 400 and resp.json()["code"] == "duplicate-cccd" and "message" in resp.json()
    resp = client.post("/api/v1/workforce/people", {**payload, "position_code": "nope", "citizen_id": ""}, content_type="application/json")
    assert resp.json()["code"] == "unknown-position"
    resp = client.get("/api/v1/workforce/people?q=vo thi")
    assert resp.json()["count"] == 1
    assert client.get("/api/v1/workforce/review").status_code == 200
    from django.core.files.uploadedfile import SimpleUploadedFile

    resp = client.post("/api/v1/workforce/import", {"file": SimpleUploadedFile("a.xlsx", xlsx([row(citizen_id="x")]))})
    assert resp.status_code == 400 and resp.json()["code"] == "import-invalid" and resp.json()["details"]["rows"][0]["column"] == "Số CCCD"


def test_search_page_counts_up_to_a_cap_and_still_pages_through_everything(users, commune, login, monkeypatch):
    """A text query counts at most COUNT_CAP matches ("Hơn 3 người"); every match is still reachable page by page."""
    from coso.workforce import views

    monkeypatch.setattr(views, "COUNT_CAP", 3)
    monkeypatch.setattr(views, "PEOPLE_PER_PAGE", 2)
    names = ["Nguyễn Văn An", "Nguyễn Văn Bình", "Nguyễn Thị Cúc", "Nguyễn Văn Dũng", "Nguyễn Văn Em", "Trần Văn Giang"]
    for i, name in enumerate(names):
        services.person_create(actor=users["home_affairs"], full_name=name, birth_date=dt.date(1985, 1, 1), gender="male", kind="civil_servant",
                               position_code="cv_vp", citizen_id=f"0790850001{i:02d}", province_code="79", commune_code="26734")
    client = login(users["home_affairs"])
    body = client.get("/workforce/?q=nguyen").content.decode()
    assert "Hơn 3 người" in body
    seen = []
    for number in range(1, 4):
        resp = client.get(f"/workforce/?q=nguyen&page={number}")
        assert resp.status_code == 200
        seen += [p.full_name for p in resp.context["page"]]
    assert sorted(seen) == sorted(n for n in names if n.startswith("Nguyễn"))
    assert "Trang 1/hơn 1" in body
    assert "Trang 3/3" in client.get("/workforce/?q=nguyen&page=3").content.decode()  # the last page: the count is exact again
    exact = client.get("/workforce/?q=tran").content.decode()
    assert "1 người" in exact and "Hơn" not in exact
    plain = client.get("/workforce/").content.decode()  # no text query: an exact count
    assert "6 người" in plain and "Hơn" not in plain and "Trang 1/3" in plain


def test_leaders_places_short_add_up_each_offices_shortfall(users, commune):
    """An office over its quota does not hide another office's shortfall on the leader's page: the tile showed the
    commune's net difference (0 with +2 in one office and −2 in another)."""
    from coso.workforce import rules
    from coso.workforce.models import StaffingQuota

    on = dt.date(2026, 6, 1)
    other = sorted(o for o in rules.offices() if o != "vp_hdnd_ubnd")[0]
    for office in rules.offices():
        number = {"vp_hdnd_ubnd": 1, other: 2}.get(office, 0)
        StaffingQuota.objects.create(office_code=office, number=number, valid_from=dt.date(2025, 7, 1), province_code=commune.province_code,
                                     commune_code=commune.code)
    for name in ("Một", "Hai", "Ba"):
        person(commune, full_name=f"Công Chức {name}", position_code="cv_vp")
    todo = selectors.commune_staff_todo(fetched_by=users["leader"], commune_code=commune.code, on=on)
    review_row = selectors.review(fetched_by=users["leader"], on=on)["communes"][0]
    assert review_row["quota"]["diff"] == 0  # 3 people for 1 + 2 places
    assert todo is not None and todo["quota_short"] == 2


CREATE = {"full_name": "Võ Thị Lan", "birth_date": "1991-04-05", "gender": "female", "kind": "civil_servant", "position_code": "cv_vp",
          "started_on": "2015-03-01"}


@time_machine.travel(dt.datetime(2026, 6, 1, 9, tzinfo=dt.UTC), tick=False)
@pytest.mark.parametrize(("changes", "code", "field"), [
    ({"birth_date": "2030-01-01"}, "invalid-birth-date", "birth_date"),
    ({"birth_date": "2020-01-01"}, "invalid-birth-date", "birth_date"),
    ({"birth_date": "1900-01-01"}, "invalid-birth-date", "birth_date"),
    ({"full_name": "   "}, "invalid-name", "full_name"),
    ({"full_name": "Nguyen 123"}, "invalid-name", "full_name"),
    ({"kind": "cadre"}, "position-kind-mismatch", "position_code"),
    ({"kind": "nope"}, "invalid-kind", "kind"),
    ({"gender": "x"}, "invalid-gender", "gender"),
    ({"it": "nope"}, "invalid-level", None),
    ({"started_on": "2099-01-01"}, "invalid-started-on", "started_on"),
    ({"started_on": "1990-01-01"}, "invalid-started-on", "started_on"),
    ({"transition_end_date": "1900-01-01"}, "invalid-transition-end-date", "transition_end_date"),
    ({"transition_end_date": "2014-12-31"}, "invalid-transition-end-date", "transition_end_date"),
])
def test_api_create_applies_the_edit_rules_and_creates_nothing_when_refused(users, commune, login, changes, code, field):
    client = login(users["home_affairs"])
    resp = client.post("/api/v1/workforce/people", {**CREATE, **changes}, content_type="application/json")
    assert resp.status_code == 400 and resp.json()["code"] == code
    if field:
        assert field in resp.json()["details"]["fields"]
    assert not Person.objects.exists() and not PositionHolding.objects.exists()
    assert not AuditLog.objects.filter(object_type="workforce.Person").exists()


@time_machine.travel(dt.datetime(2026, 6, 1, 9, tzinfo=dt.UTC), tick=False)
def test_api_create_keeps_a_valid_person_and_its_trimmed_name(users, commune, login):
    client = login(users["home_affairs"])
    resp = client.post("/api/v1/workforce/people", {**CREATE, "full_name": "  Võ Thị Lan ", "kind": "cadre", "position_code": "ct_ubnd",
                                                    "transition_end_date": "2026-05-31"}, content_type="application/json")
    assert resp.status_code == 201 and resp.json()["full_name"] == "Võ Thị Lan"
    p = Person.objects.get()
    assert p.full_name == "Võ Thị Lan" and p.kind == "cadre" and p.version == 1
    # Editing applies the same name rule.
    resp = client.patch(f"/api/v1/workforce/people/{p.pk}", {"version": 1, "full_name": "Nguyen 123"}, content_type="application/json")
    assert resp.status_code == 400 and resp.json()["code"] == "invalid-name"
    p.refresh_from_db()
    assert p.full_name == "Võ Thị Lan" and p.version == 1


@time_machine.travel(dt.datetime(2026, 6, 1, 9, tzinfo=dt.UTC), tick=False)
@pytest.mark.parametrize(("changes", "column", "code"), [
    ({"started_on": "01/01/2099"}, "Ngày bắt đầu", "Ngày bắt đầu công tác phải sau ngày sinh"),
    ({"started_on": "01/01/1980"}, "Ngày bắt đầu", "Ngày bắt đầu công tác phải sau ngày sinh"),
    ({"birth_date": "01/01/2010"}, "Ngày sinh", "Ngày sinh không hợp lệ"),  # 16 years old: editing needs 18
    ({"birth_date": "01/01/1940"}, "Ngày sinh", "Ngày sinh không hợp lệ"),
    ({"transition_end_date": "01/01/1900"}, "Ngày kết thúc chuyển tiếp", "Ngày kết thúc chuyển tiếp phải sau ngày sinh"),
])
def test_import_applies_the_person_rules_per_row_and_imports_nothing(users, commune, login, changes, column, code):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = login(users["home_affairs"])
    data = xlsx([row(), row(citizen_id="079085009999", **changes)])
    resp = client.post("/api/v1/workforce/import", {"file": SimpleUploadedFile("a.xlsx", data)})
    assert resp.status_code == 400 and resp.json()["code"] == "import-invalid"
    rows = resp.json()["details"]["rows"]
    assert [(r["row"], r["column"]) for r in rows] == [(3, column)] and code in rows[0]["reason"]
    assert not Person.objects.exists() and not PositionHolding.objects.exists()
    assert not AuditLog.objects.filter(object_type="workforce.Person").exists()
    resp = client.post("/api/v1/workforce/import", {"file": SimpleUploadedFile("a.xlsx", xlsx([row(), row(citizen_id="079085009999")]))})
    assert resp.status_code == 201 and resp.json()["imported"] == 2
