import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.urls import reverse

import pytest
import time_machine

from coso.procedures import services
from coso.procedures.models import Procedure
from coso.procedures.selectors import current_version, procedure_list

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("query", ["ket hon", "kết hôn", "KET HON", "Kết Hôn"])
def test_search_finds_marked_names_from_unmarked_queries(catalogue, query):
    names = [p.name for p in procedure_list(fetched_by=None, query=query)]
    assert "Đăng ký kết hôn" in names and "Đăng ký lại kết hôn" in names


@pytest.mark.parametrize("query", ["khai sinh", "KHAI SINH", "Khai Sinh", "khai sin", "đăng ký khai sinh", "dang ky khai sinh"])
def test_search_is_accent_insensitive(catalogue, query):
    names = [p.name for p in procedure_list(fetched_by=None, query=query)]
    assert "Đăng ký khai sinh" in names
    assert all("khai sinh" in p.lower() or "khai sinh" in p.lower() for p in names)


def test_search_by_code_field_and_online_filters(catalogue):
    assert [p.code for p in procedure_list(fetched_by=None, query="2.000815")] == ["2.000815"]
    fields = {p.field for p in procedure_list(fetched_by=None, field="Chứng thực")}
    assert fields == {"Chứng thực"}
    full = list(procedure_list(fetched_by=None, online="full"))
    assert full and all(current_version(p).online == "full" for p in full)
    none = list(procedure_list(fetched_by=None, online="none"))
    assert "2.000884" in [p.code for p in none]  # chứng thực chữ ký: phải có mặt


@time_machine.travel(dt.datetime(2026, 1, 1, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")), tick=False)  # the override starts today: a person never creates one in the past
def test_list_uses_province_override(catalogue, users, province):
    proc = Procedure.objects.get(code="2.000884")
    services.version_create(actor=users["province_admin"], procedure=proc, valid_from=dt.date(2026, 1, 1), province_code="79", online="partial")
    codes79 = [p.code for p in procedure_list(fetched_by=users["province_admin"], online="none", day=dt.date(2026, 6, 1))]
    assert "2.000884" not in codes79
    codes_national = [p.code for p in procedure_list(fetched_by=None, online="none", day=dt.date(2026, 6, 1))]
    assert "2.000884" in codes_national
    p79 = next(p for p in procedure_list(fetched_by=users["province_admin"], query="chung thuc chu ky", day=dt.date(2026, 6, 1)))
    assert current_version(p79, "79").province_code == "79"


@time_machine.travel(dt.datetime(2026, 2, 1, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")), tick=False)  # the province's version is created before it starts
def test_catalogue_figures_of_many_days_match_each_day_read_alone(catalogue, users, province, other_province):
    """The trend reads the catalogue of many days at once and selects it once per span between version dates: every
    day must get what reading that day alone gives, on both sides of each version date (province and national)."""
    from coso.procedures.selectors import index_catalogue_figures_on

    proc = Procedure.objects.get(code="2.000884")
    services.version_create(actor=users["province_admin"], procedure=proc, valid_from=dt.date(2026, 3, 1), province_code="79", online="partial")
    services.version_create(actor=None, procedure=Procedure.objects.get(code="1.004873"), valid_from=dt.date(2026, 7, 1), online="none")
    services.version_create(actor=None, procedure=proc, valid_from=dt.date(2026, 9, 15), online="full")
    edges = [dt.date(2026, 3, 1), dt.date(2026, 7, 1), dt.date(2026, 9, 15)]
    days = sorted({*(e + dt.timedelta(days=k) for e in edges for k in (-1, 0, 1)), dt.date(2025, 12, 31), dt.date(2026, 12, 31)})
    together = index_catalogue_figures_on(days=days, province_codes=["79", "01"])
    for day in days:
        assert ({day: together[0][day]}, {day: together[1][day]}) == index_catalogue_figures_on(days=[day], province_codes=["79", "01"])
    online_79 = together[1]
    assert "2.000884" not in online_79[dt.date(2026, 2, 28)]["79"] and "2.000884" in online_79[dt.date(2026, 3, 1)]["79"]
    assert "2.000884" not in online_79[dt.date(2026, 9, 14)]["01"] and "2.000884" in online_79[dt.date(2026, 9, 15)]["01"]
    assert "1.004873" in online_79[dt.date(2026, 6, 30)]["01"] and "1.004873" not in online_79[dt.date(2026, 7, 1)]["01"]
    assert together[0][dt.date(2026, 6, 30)]["01"]["3.1"][0] == together[0][dt.date(2026, 7, 1)]["01"]["3.1"][0] + 1


def test_time_limit_labels(catalogue):
    today = dt.date(2026, 11, 27)
    assert Procedure.objects.get(code="1.004873").version_on(today).time_limit_label == "3 ngày làm việc"
    assert Procedure.objects.get(code="2.000815").version_on(today).time_limit_label == "Trong ngày (nhận sau 15:00: ngày làm việc tiếp theo)"
    assert Procedure.objects.get(code="1.003005").version_on(today).time_limit_label == "45 ngày làm việc"


def test_public_list_page(client, catalogue):
    r = client.get(reverse("procedures:list"), {"q": "chung thuc ban sao"})
    html = r.content.decode()
    assert r.status_code == 200
    assert "Chứng thực bản sao từ bản chính" in html
    assert "2.000 đ" in html
    assert "Trong ngày" in html
    r = client.get(reverse("procedures:list"), {"q": "xac nhan tinh trang hon nhan"})
    assert "3 ngày làm việc" in r.content.decode() and "Trực tuyến toàn trình" in r.content.decode()
    # bad filter values never break the page
    assert client.get(reverse("procedures:list"), {"field": "không có", "online": "x", "page": "zz"}).status_code == 200


def test_public_detail_page(client, catalogue):
    r = client.get(reverse("procedures:detail", args=["2.000815"]))
    html = r.content.decode()
    assert r.status_code == 200
    for text in ("Thành phần hồ sơ", "Bản chính giấy tờ", "Các bước giải quyết", "Cán bộ một cửa", "Nghị định 23/2015/NĐ-CP", "Nguồn số liệu", "2.000 đ"):
        assert text in html, text
    assert client.get(reverse("procedures:detail", args=["khong-co"])).status_code == 404


def test_detail_submit_link_only_if_dossiers_submit_exists(client, catalogue):
    from django.urls import NoReverseMatch

    from coso.procedures.views import submit_url

    html = client.get(reverse("procedures:detail", args=["1.001193"])).content.decode()
    try:
        target = reverse("dossiers:submit")
    except NoReverseMatch:
        assert submit_url("1.001193") is None
        assert "Nộp hồ sơ trực tuyến" not in html
    else:
        assert f'{target}?procedure=1.001193' in html
    # no online link for a procedure that must be done in person
    assert "Nộp hồ sơ trực tuyến" not in client.get(reverse("procedures:detail", args=["2.000884"])).content.decode()


def test_admin_pages_need_admin_role(login, users, catalogue):
    for name in ("onestop", "leader", "citizen"):
        c = login(users[name])
        assert c.get(reverse("procedures:admin")).status_code == 404
        assert c.get(reverse("procedures:import")).status_code == 404
    c = login(users["province_admin"])
    assert c.get(reverse("procedures:admin")).status_code == 200
    assert c.get(reverse("procedures:admin_detail", args=["1.004873"])).status_code == 200
    r = c.get(reverse("procedures:export", args=["xlsx"]))
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    assert c.get(reverse("procedures:export", args=["json"])).json()["procedures"]
    assert c.get(reverse("procedures:export", args=["csv"])).status_code == 404


def test_admin_creates_province_version_through_the_form(login, users, catalogue, province):
    c = login(users["province_admin"])
    url = reverse("procedures:admin_detail", args=["1.004873"])
    form = c.get(url).context["form"]
    data = {k: ("" if v is None else v) for k, v in form.initial.items()}
    data.update({"valid_from": "2027-01-01", "time_limit": "2", "province_code": "79", "reason": "Quyết định của tỉnh"})
    r = c.post(url, data)
    assert r.status_code == 302, r.context["form"].errors
    proc = Procedure.objects.get(code="1.004873")
    assert proc.version_on(dt.date(2027, 1, 2), "79").time_limit == 2
    assert proc.version_on(dt.date(2027, 1, 2)).time_limit == 3
    # steps that do not sum to 100 are shown on the field, nothing changes
    data.update({"valid_from": "2027-02-01", "steps": "Tiếp nhận | onestop_officer | 50\nKý | commune_leader | 40"})
    r = c.post(url, data)
    assert r.status_code == 200
    assert "100%" in " ".join(r.context["form"].errors["steps"])
    assert proc.versions.count() == 2


def test_import_page_lists_row_errors_and_changes_nothing(login, users, catalogue):
    import io
    import json

    from django.core.files.uploadedfile import SimpleUploadedFile

    c = login(users["sysadmin"])
    rows = json.loads(services.catalogue_json_bytes())["procedures"]
    rows[0]["time_limit"] = 77
    rows[2]["fee"] = -5
    upload = SimpleUploadedFile("danh-muc.json", json.dumps({"procedures": rows}).encode(), content_type="application/json")
    r = c.post(reverse("procedures:import"), {"file": upload, "effective_from": "2027-01-01"})
    html = r.content.decode()
    assert r.status_code == 200 and "import-error" in html and "Phí, lệ phí (đồng)" in html
    assert Procedure.objects.get(code=rows[0]["code"]).versions.count() == 1
    del rows[2]["fee"]
    upload = SimpleUploadedFile("danh-muc.json", io.BytesIO(json.dumps({"procedures": rows}).encode()).read())
    r = c.post(reverse("procedures:import"), {"file": upload, "effective_from": "01/01/2027"})
    assert r.status_code == 302
    assert Procedure.objects.get(code=rows[0]["code"]).version_on(dt.date(2027, 1, 1)).time_limit == Decimal(77)


def test_admin_steps_form_on_future_version(login, users, catalogue):
    proc = Procedure.objects.get(code="1.004873")
    future = services.version_create(actor=users["sysadmin"], procedure=proc, valid_from=dt.date(2030, 1, 1))
    c = login(users["sysadmin"])
    url = reverse("procedures:admin_steps", args=[future.pk])
    r = c.post(url, {"steps": "Tiếp nhận | Cán bộ một cửa | 30\nKý | commune_leader | 70"}, follow=True)
    assert "Đã lưu các bước xử lý" in r.content.decode()
    assert list(future.steps.values_list("role", "share_percent")) == [("onestop_officer", 30), ("commune_leader", 70)]
    r = c.post(url, {"steps": "Tiếp nhận | Cán bộ một cửa | 30"}, follow=True)
    assert "100%" in r.content.decode()
    assert future.steps.count() == 2
    assert login(users["leader"]).post(url, {"steps": "A | specialist | 100"}).status_code == 404


def test_indicator_1_3_reads_the_dossier_components_in_the_database(db):
    """1.3 counts a version's dossier components as listed only when every item is an object with a visible name; the
    database checks it (SQLite ``json_each``, PostgreSQL ``jsonb_array_elements``), so each case runs on both."""
    from coso.accounts.roles import Role
    from coso.procedures.models import ProcedureStep, ProcedureVersion
    from coso.procedures.selectors import _commune_catalogue_on, index_catalogue_facts_on

    cases = {
        "OK1": [{"name": "Tờ khai", "copies": 1, "required": True}],
        "OK2": [{"name": "A"}, {"name": "B", "copies": 2}],
        "OK3": [{"name": "v"}],  # a letter that a badly escaped trim would eat
        "OK4": [{"name": 5}],
        "EMPTY": [],
        "BLANK": [{"name": "  "}],
        "WS": [{"name": "\u00a0\t\n"}],
        "NONAME": [{"copies": 1}],
        "NULL": [{"name": None}],
        "MIXED": [{"name": "A"}, "Bản sao"],
        "OBJECT": {"name": "A"},
    }
    for code, documents in cases.items():
        p = Procedure.objects.create(code=code, name=f"Thủ tục {code}", field="Hộ tịch", decision_level="commune")
        v = ProcedureVersion.objects.create(procedure=p, valid_from=dt.date(2020, 1, 1), time_limit=Decimal(3), required_documents=documents,
                                            applicant="Công dân")
        ProcedureStep.objects.create(version=v, order=1, name="Tiếp nhận", role=Role.ONESTOP_OFFICER, share_percent=100)
    day = dt.date(2026, 6, 1)
    complete = {r.code: r.complete for r in _commune_catalogue_on([day], ["79"])[day]["79"]}
    assert complete == {code: int(code.startswith("OK")) for code in cases}
    assert index_catalogue_facts_on(days=[day], province_codes=["79"])[day]["79"]["1.3"] == (4, len(cases))
