"""Staff accounts: who manages whom, create/edit/deactivate/reactivate, one-time password links,
bulk creation from the workforce register and from Excel — through services, the JSON API and pages."""

import datetime as dt
import io
import re

from django.core import mail
from django.core.cache import cache
from django.test import Client

import pytest
from openpyxl import Workbook, load_workbook

from coso.accounts import services
from coso.accounts.models import ApiToken, User
from coso.accounts.roles import Role
from coso.core.exceptions import ApplicationError, NotFoundError, PermissionDeniedError
from coso.core.models import AuditLog
from coso.core.notify import MemoryBackend

pytestmark = pytest.mark.django_db
PASSWORD = "pw-Coso-2026!"
NEW_PASSWORD = "Mat-khau-moi-2026"


@pytest.fixture(autouse=True)
def _clean():  # type: ignore[no-untyped-def]
    cache.clear()
    MemoryBackend.outbox.clear()
    yield
    cache.clear()


def _link(text: str) -> str:
    match = re.search(r"https?://\S+/accounts/password/\S+/\S+/", text)
    assert match, text
    return match.group(0)


def _path(link: str) -> str:
    return "/" + link.split("/", 3)[3]


# ------------------------------------------------------------------ create and the one-time link
def test_province_admin_creates_clerk_who_sets_password_once(users, commune, client):
    admin = users["province_admin"]
    user, sent = services.staff_create(actor=admin, username="An.NV", full_name="Nguyễn Văn An", role=Role.ONESTOP_OFFICER, unit=commune,
                                       email="an.nv@example.vn", phone="+84 912 345 678")
    assert user.username == "an.nv" and user.phone == "0912345678" and user.commune_code == commune.code and user.province_code == "79"
    assert not user.has_usable_password() and user.is_active and not user.is_staff
    assert sent["channels"] == ["email", "sms"] and sent["link"] is None
    assert len(mail.outbox) == 1 and "an.nv" in mail.outbox[0].body
    assert MemoryBackend.outbox[-1].to == "0912345678"
    log = AuditLog.objects.get(verb="staff_create")
    assert log.actor == admin and log.object_id == str(user.pk) and log.commune_code == commune.code and "password" not in log.after

    path = _path(_link(mail.outbox[0].body))
    r = client.get(path)
    assert r.status_code == 302  # Django moves the token into the session
    r = client.post(r["Location"], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert r.status_code == 302 and r["Location"].endswith("/accounts/password/done/")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert AuditLog.objects.filter(verb="password_set", object_id=str(user.pk)).exists()
    # The link works once.
    r = Client().get(path, follow=True)
    assert "không còn hiệu lực" in r.content.decode()
    assert Client().post("/accounts/login/", {"username": "an.nv", "password": NEW_PASSWORD}).status_code == 302


def test_link_is_handed_over_when_no_channel(users, commune):
    user, sent = services.staff_create(actor=users["sysadmin"], username="binh.lt", full_name="Lê Thị Bình", role=Role.SPECIALIST, unit=commune)
    assert sent["channels"] == [] and sent["link"] and "/accounts/password/" in sent["link"]
    assert not mail.outbox and not MemoryBackend.outbox


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"username": "ab"}, "username"),
        ({"username": "Có dấu"}, "username"),
        ({"username": "ONESTOP"}, "username"),  # taken, whatever the case
        ({"email": "not-an-email"}, "email"),
        ({"phone": "12345"}, "phone"),
        ({"citizen_id": "0790"}, "citizen_id"),
        ({"full_name": "  "}, "full_name"),
        ({"role": Role.CITIZEN}, "role"),
        ({"role": Role.SYSTEM_ADMIN}, "role"),  # a province administrator cannot grant it
        ({"role": Role.PROVINCE_FINANCE}, "unit"),  # province role on a commune
        ({"unit": None}, "unit"),
    ],
)
def test_create_refuses_bad_input_and_changes_nothing(users, commune, kwargs, field):
    before = User.objects.count()
    data = {"username": "moi.cb", "full_name": "Cán bộ mới", "role": Role.SPECIALIST, "unit": commune, **kwargs}
    with pytest.raises(ApplicationError) as exc:
        services.staff_create(actor=users["province_admin"], **data)
    assert field in exc.value.details["fields"]
    assert User.objects.count() == before and not AuditLog.objects.filter(verb="staff_create").exists()


def test_province_admin_is_confined_to_their_province(users, foreign_commune, province):
    admin = users["province_admin"]
    with pytest.raises(ApplicationError) as exc:
        services.staff_create(actor=admin, username="ngoai.tinh", full_name="X", role=Role.SPECIALIST, unit=foreign_commune)
    assert exc.value.details["fields"]["unit"]
    # A system administrator may create anywhere, and other system administrators (no unit).
    user, _ = services.staff_create(actor=users["sysadmin"], username="qt2", full_name="Quản trị 2", role=Role.SYSTEM_ADMIN)
    assert user.is_staff and user.unit is None and user.province_code == ""
    # nor province administration: only a system administrator manages province administrators
    assert services.grantable_roles(admin) == [r for r in services.grantable_roles(users["sysadmin"]) if r not in (Role.SYSTEM_ADMIN, Role.PROVINCE_ADMIN)]
    # A province administrator cannot edit or disable a system administrator, nor a foreign account.
    foreign, _ = services.staff_create(actor=users["sysadmin"], username="ha.noi", full_name="Y", role=Role.SPECIALIST, unit=foreign_commune)
    for target in (users["sysadmin"], user, foreign, users["citizen"]):
        with pytest.raises(NotFoundError):
            services.staff_deactivate(actor=admin, user=target)
        with pytest.raises(NotFoundError):
            services.staff_update(actor=admin, user=target, full_name="Z")


def test_other_roles_cannot_manage_accounts(users, commune):
    for key in ("leader", "home_affairs", "province_home_affairs", "citizen"):
        with pytest.raises(PermissionDeniedError):
            services.staff_create(actor=users[key], username="x.y.z", full_name="X", role=Role.SPECIALIST, unit=commune)
        with pytest.raises(PermissionDeniedError):
            services.staff_deactivate(actor=users[key], user=users["onestop"])


# ------------------------------------------------------------------ edit, deactivate, reactivate
def test_edit_role_and_unit_keeps_codes_in_step_and_is_audited(users, province, other_commune):
    admin = users["province_admin"]
    target = users["onestop"]
    services.staff_update(actor=admin, user=target, role=Role.SPECIALIST, unit=other_commune, phone="0987 654 321")
    target.refresh_from_db()
    assert (target.role, target.commune_code, target.phone) == (Role.SPECIALIST, other_commune.code, "0987654321")
    services.staff_update(actor=admin, user=target, role=Role.PROVINCE_FINANCE, unit=province)
    target.refresh_from_db()
    assert target.commune_code == "" and target.province_code == "79"
    log = AuditLog.objects.filter(verb="staff_update", object_id=str(target.pk)).first()
    assert log.before["role"] == Role.SPECIALIST and log.after["role"] == Role.PROVINCE_FINANCE
    with pytest.raises(ApplicationError) as exc:  # their own account is a system administrator's to manage
        services.staff_update(actor=admin, user=admin, role=Role.SPECIALIST, unit=other_commune)
    assert exc.value.code == "forbidden"
    with pytest.raises(ApplicationError):
        services.staff_update(actor=admin, user=target, is_superuser=True)


def test_deactivate_stops_sign_in_sessions_and_tokens_then_reactivate(users, client):
    admin, target = users["province_admin"], users["leader"]
    _token, raw = ApiToken.issue(user=target, name="x")
    session = Client()
    session.force_login(target)
    assert session.get("/api/v1/core/me").status_code == 200
    services.staff_deactivate(actor=admin, user=target, reason="Nghỉ hưu")
    assert session.get("/api/v1/core/me").status_code == 401
    assert client.get("/api/v1/core/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
    r = client.post("/accounts/login/", {"username": "leader", "password": PASSWORD})
    assert r.status_code == 200 and "_auth_user_id" not in client.session
    log = AuditLog.objects.get(verb="staff_deactivate")
    assert log.reason == "Nghỉ hưu" and log.after == {"is_active": False}
    with pytest.raises(ApplicationError) as exc:
        services.staff_deactivate(actor=admin, user=target)
    assert exc.value.code == "already-inactive"
    services.staff_reactivate(actor=admin, user=target)
    assert client.post("/accounts/login/", {"username": "leader", "password": PASSWORD}).status_code == 302
    with pytest.raises(ApplicationError) as exc:
        services.staff_reactivate(actor=admin, user=target)
    assert exc.value.code == "already-active"


def test_no_self_deactivation_and_the_last_system_admin_stays(users):
    with pytest.raises(ApplicationError) as exc:
        services.staff_deactivate(actor=users["province_admin"], user=users["province_admin"])
    assert exc.value.code == "self-deactivate"
    other, _ = services.staff_create(actor=users["sysadmin"], username="qt.hai", full_name="QT", role=Role.SYSTEM_ADMIN)
    services.staff_deactivate(actor=other, user=users["sysadmin"])
    with pytest.raises(ApplicationError) as exc:
        services.staff_update(actor=users["sysadmin"], user=other, role=Role.SPECIALIST)
    assert exc.value.code in ("last-system-admin", "validation-error")


def test_password_reset_link_by_sms_and_a_sign_in_voids_it(users):
    target = users["onestop"]
    User.objects.filter(pk=target.pk).update(phone="0911222333")
    target.refresh_from_db()
    result = services.password_reset_send(actor=users["province_admin"], user=target)
    assert result == {"channels": ["sms"], "link": None}
    link = _link(MemoryBackend.outbox[-1].text)
    c = Client()
    r = c.get(_path(link))
    r = c.post(r["Location"], {"new_password1": "short", "new_password2": "short"})
    assert r.status_code == 200 and "has-error" in r.content.decode()
    c.post(r.wsgi_request.path, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    target.refresh_from_db()
    assert target.check_password(NEW_PASSWORD)
    assert AuditLog.objects.filter(verb="password_reset_send", actor=users["province_admin"]).exists()
    # The old password works until a link is used, but signing in with it voids an earlier link.
    services.password_reset_send(actor=users["province_admin"], user=target)
    link = _link(MemoryBackend.outbox[-1].text)
    assert Client().post("/accounts/login/", {"username": "onestop", "password": NEW_PASSWORD}).status_code == 302
    assert "không còn hiệu lực" in Client().get(_path(link), follow=True).content.decode()


def test_forgot_password_is_silent_and_rate_limited(users, client):
    User.objects.filter(pk=users["onestop"].pk).update(email="onestop@example.vn")
    r = client.post("/accounts/password/forgot/", {"identifier": "onestop@example.vn"})
    assert r.status_code == 302 and len(mail.outbox) == 1
    r = client.post("/accounts/password/forgot/", {"identifier": "khong-co-ai"})
    assert r.status_code == 302 and len(mail.outbox) == 1  # same answer, nothing sent
    for _ in range(3):
        client.post("/accounts/password/forgot/", {"identifier": "onestop"})
    r = client.post("/accounts/password/forgot/", {"identifier": "onestop"})
    assert r.status_code == 200 and "quá nhiều lần" in r.content.decode()


# ------------------------------------------------------------------ bulk from the workforce register
def _person(commune, name: str, position: str, **extra):  # type: ignore[no-untyped-def]
    from coso.workforce.models import Person

    return Person.objects.create(full_name=name, birth_date=dt.date(1985, 3, 1), gender="male", kind="civil_servant", position_code=position,
                                 province_code=commune.province_code, commune_code=commune.code, started_on=dt.date(2020, 1, 1), **extra)


def test_bulk_from_register_links_people_and_suggests_roles(users, commune, other_commune):
    a = _person(commune, "Nguyễn Văn An", "cv_ttphc", citizen_id="079085000001")
    b = _person(commune, "Trần Thị Bích", "tc_kt")
    c = _person(commune, "Lê An", "cv_ttphc")
    left = _person(commune, "Đã Nghỉ", "cv_vp", left_on=dt.date(2024, 1, 1))
    elsewhere = _person(other_commune, "Ở Xã Khác", "cv_vp")
    admin = users["province_admin"]
    from coso.workforce.selectors import people_for_accounts

    offered = set(people_for_accounts(fetched_by=admin, commune_code=commune.code).values_list("pk", flat=True))
    assert {a.pk, b.pk, c.pk} <= offered and left.pk not in offered and elsewhere.pk not in offered
    # All or nothing: one unavailable person refuses the whole batch.
    with pytest.raises(ApplicationError) as exc:
        services.staff_bulk_from_register(actor=admin, commune_code=commune.code, person_ids=[a.pk, elsewhere.pk])
    assert exc.value.details["ids"] == [elsewhere.pk] and not User.objects.filter(full_name="Nguyễn Văn An").exists()
    results = services.staff_bulk_from_register(actor=admin, commune_code=commune.code, person_ids=[a.pk, b.pk, c.pk])
    by_name = {r["user"].full_name: r["user"] for r in results}
    assert by_name["Nguyễn Văn An"].username == "an.nv" and by_name["Lê An"].username == "an.l"
    assert by_name["Nguyễn Văn An"].role == Role.ONESTOP_OFFICER and by_name["Trần Thị Bích"].role == Role.COMMUNE_FINANCE
    assert by_name["Nguyễn Văn An"].citizen_id == "079085000001"
    a.refresh_from_db()
    assert a.user == by_name["Nguyễn Văn An"] and all(r["link"] for r in results)  # no contact: handed over
    assert AuditLog.objects.filter(verb="person_link_user").count() == 3
    # Already linked people are not offered again.
    assert not people_for_accounts(fetched_by=admin, commune_code=commune.code).filter(pk=a.pk).exists()
    # One role for the whole batch; a foreign commune is not found.
    d = _person(commune, "Phạm Dũng", "cv_vp")
    (r,) = services.staff_bulk_from_register(actor=admin, commune_code=commune.code, person_ids=[d.pk], role=Role.SPECIALIST)
    assert r["user"].role == Role.SPECIALIST
    with pytest.raises(NotFoundError):
        services.staff_bulk_from_register(actor=admin, commune_code="00004", person_ids=[d.pk])


def _taken_meanwhile(monkeypatch, moment: str, username: str) -> None:  # type: ignore[no-untyped-def]
    """Another request creates an account named ``username`` once the service has found the name free, after the
    service's own checks and before that account is written. ``after-checks``: the uniqueness check of ``full_clean``
    sees it; ``before-insert``: that check too ran before the other account was committed, and only the unique index
    stops the INSERT. It runs in the test's transaction, so the service's rollback takes it away too."""
    real_build = services._build_user

    def build(data):  # type: ignore[no-untyped-def]
        if data["username"] == username and not User.objects.filter(username=username).exists():
            User.objects.create(username=username, full_name="Người khác", role=Role.CITIZEN)
        return real_build(data)

    monkeypatch.setattr(services, "_build_user", build)
    if moment == "before-insert":
        real_unique = User.validate_unique

        def validate_unique(self, exclude=None):  # type: ignore[no-untyped-def]
            real_unique(self, exclude={*(exclude or ()), "username"} if self.username == username else exclude)

        monkeypatch.setattr(User, "validate_unique", validate_unique)


@pytest.mark.parametrize("moment", ["after-checks", "before-insert"])
def test_bulk_from_register_whose_name_is_taken_meanwhile_changes_nothing_and_names_the_person(users, commune, monkeypatch, moment):
    """The suggested user name given to another account while the batch is written: the person's error (the one a name
    already taken gets), not a database error, and nothing is created, linked or sent."""
    a = _person(commune, "Nguyễn Văn An", "cv_ttphc")
    b = _person(commune, "Trần Thị Bích", "tc_kt")
    _taken_meanwhile(monkeypatch, moment, "bich.tt")
    with pytest.raises(ApplicationError) as exc:
        services.staff_bulk_from_register(actor=users["province_admin"], commune_code=commune.code, person_ids=[a.pk, b.pk])
    assert exc.value.code == "validation-error" and exc.value.message == "Trần Thị Bích: Tên đăng nhập đã được dùng."
    assert exc.value.details == {"person": b.pk, "fields": {"username": ["Tên đăng nhập đã được dùng."]}}
    assert not User.objects.filter(username__in=["an.nv", "bich.tt"]).exists()
    a.refresh_from_db()
    assert a.user is None and not AuditLog.objects.filter(verb__in=["staff_create_from_register", "person_link_user"]).exists()
    assert mail.outbox == [] and MemoryBackend.outbox == []


def test_bulk_from_register_page(users, commune, login):
    p = _person(commune, "Võ Thị Hoa", "cv_ttphc")
    c = login(users["province_admin"])
    r = c.get("/accounts/staff/from-register/", {"commune": commune.code})
    assert r.status_code == 200 and "Võ Thị Hoa" in r.content.decode() and "Cán bộ một cửa" in r.content.decode()
    r = c.post("/accounts/staff/from-register/", {"commune": commune.code, "role": "", "person": [str(p.pk)]})
    assert r.status_code == 200 and "hoa.vt" in r.content.decode() and "/accounts/password/" in r.content.decode()
    p.refresh_from_db()
    assert p.user is not None and p.user.username == "hoa.vt"


# ------------------------------------------------------------------ Excel import
def _xlsx(rows: list[list]) -> bytes:  # type: ignore[type-arg]
    wb = Workbook()
    ws = wb.active
    ws.append(services.IMPORT_COLUMNS)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_import_creates_all_rows(users, commune, province):
    data = _xlsx([
        ["hoa.nt", "Nguyễn Thị Hoa", "Cán bộ một cửa", commune.code, "hoa@example.vn", "", ""],
        ["tuan.lm", "Lê Minh Tuấn", "province_finance", province.code, "", "0912000999", ""],
        ["khoa.pv", "Phạm Văn Khoa", "chuyen vien xu ly", commune.code, "", "", "079099000123"],
    ])
    results = services.staff_import(actor=users["province_admin"], data=data)
    assert [r["user"].username for r in results] == ["hoa.nt", "tuan.lm", "khoa.pv"]
    assert User.objects.get(username="tuan.lm").role == Role.PROVINCE_FINANCE
    assert User.objects.get(username="khoa.pv").role == Role.SPECIALIST  # role label typed without accents
    assert [bool(r["link"]) for r in results] == [False, False, True]
    assert AuditLog.objects.filter(verb="staff_import").count() == 3 and AuditLog.objects.filter(verb="staff_import_file").count() == 1


def test_import_is_all_or_nothing_with_row_and_column(users, commune, foreign_commune):
    data = _xlsx([
        ["tot.nv", "Tốt", "Cán bộ một cửa", commune.code, "", "", ""],
        ["onestop", "Trùng", "Cán bộ một cửa", commune.code, "", "", ""],
        ["tot.nv", "Trùng trong tệp", "Cán bộ một cửa", commune.code, "", "", ""],
        ["sai.vt", "Sai vai trò", "Giám đốc", commune.code, "", "", ""],
        ["ngoai", "Ngoài tỉnh", "Cán bộ một cửa", foreign_commune.code, "x@", "", ""],
        ["qt.moi", "Quản trị", "system_admin", "", "", "", ""],
    ])
    before = User.objects.count()
    with pytest.raises(ApplicationError) as exc:
        services.staff_import(actor=users["province_admin"], data=data)
    assert exc.value.code == "import-errors" and User.objects.count() == before
    errors = {(e["row"], e["column"]) for e in exc.value.details["rows"]}
    assert {(3, "Tên đăng nhập"), (4, "Tên đăng nhập"), (5, "Vai trò"), (6, "Mã đơn vị"), (6, "Thư điện tử"), (7, "Vai trò")} <= errors
    assert not any(row == 2 for row, _ in errors)
    with pytest.raises(ApplicationError) as exc:
        services.staff_import(actor=users["province_admin"], data=b"not excel")
    assert exc.value.code == "invalid-excel"


@pytest.mark.parametrize("moment", ["after-checks", "before-insert"])
def test_import_whose_name_is_taken_meanwhile_changes_nothing_and_names_the_row(users, commune, province, monkeypatch, moment):
    """A user name of the file given to another account after the file was checked (a large file takes a while): the
    row's error (the one a name already taken gets), not a database error, and nothing is created or sent."""
    data = _xlsx([
        ["hoa.nt", "Nguyễn Thị Hoa", "Cán bộ một cửa", commune.code, "hoa@example.vn", "", ""],
        ["Tuan.LM", "Lê Minh Tuấn", "province_finance", province.code, "", "0912000999", ""],
        ["khoa.pv", "Phạm Văn Khoa", "chuyen vien xu ly", commune.code, "", "", ""],
    ])
    _taken_meanwhile(monkeypatch, moment, "tuan.lm")
    with pytest.raises(ApplicationError) as exc:
        services.staff_import(actor=users["province_admin"], data=data)
    assert exc.value.code == "import-errors"
    assert exc.value.details["rows"] == [{"row": 3, "column": "Tên đăng nhập", "value": "Tuan.LM", "message": "Tên đăng nhập đã được dùng."}]
    assert not User.objects.filter(username__in=["hoa.nt", "tuan.lm", "khoa.pv"]).exists()
    assert not AuditLog.objects.filter(verb__in=["staff_import", "staff_import_file"]).exists()
    assert mail.outbox == [] and MemoryBackend.outbox == []


def test_import_page_template_and_errors(users, commune, login):
    c = login(users["province_admin"])
    r = c.get("/accounts/staff/import/template.xlsx")
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(r.content))
    assert [c.value for c in wb.worksheets[0][1]] == services.IMPORT_COLUMNS
    units = [row[0] for row in wb["Don vi"].iter_rows(min_row=2, values_only=True)]
    assert commune.code in units and "00004" not in units
    assert "system_admin" not in [row[1] for row in wb["Vai tro"].iter_rows(min_row=2, values_only=True)]
    bad = io.BytesIO(_xlsx([["x", "", "?", "", "", "", ""]]))
    bad.name = "tk.xlsx"
    r = c.post("/accounts/staff/import/", {"file": bad})
    assert r.status_code == 200 and r.content.decode().count('class="import-error"') >= 3
    good = io.BytesIO(_xlsx([["moi.nhap", "Người Mới", "Cán bộ một cửa", commune.code, "", "", ""]]))
    good.name = "tk.xlsx"
    r = c.post("/accounts/staff/import/", {"file": good})
    assert r.status_code == 200 and "moi.nhap" in r.content.decode() and User.objects.filter(username="moi.nhap").exists()


# ------------------------------------------------------------------ JSON API
def test_api_list_is_scoped_and_create_edit_deactivate(users, commune, foreign_commune, login):
    foreign, _ = services.staff_create(actor=users["sysadmin"], username="ha.noi", full_name="HN", role=Role.SPECIALIST, unit=foreign_commune)
    c = login(users["province_admin"])
    names = {row["username"] for row in c.get("/api/v1/accounts/staff?limit=500").json()["items"]}
    assert "onestop" in names and "province_admin" in names
    assert not names & {"sysadmin", "ha.noi", "citizen"}
    assert c.get(f"/api/v1/accounts/staff/{foreign.pk}").json()["code"] == "not-found"
    assert c.get(f"/api/v1/accounts/staff/{users['sysadmin'].pk}").status_code == 404
    r = c.post("/api/v1/accounts/staff", {"username": "api.moi", "full_name": "API Mới", "role": "specialist", "unit_code": commune.code,
                                          "email": "api@example.vn"}, content_type="application/json")
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["account"]["unit_code"] == commune.code and body["channels"] == ["email"] and body["link"] is None
    assert body["account"]["has_password"] is False and body["account"]["otp_enabled"] is False
    pk = body["account"]["id"]
    r = c.post("/api/v1/accounts/staff", {"username": "x", "full_name": "X", "role": "system_admin", "unit_code": "00004"},
               content_type="application/json")
    assert r.status_code == 400 and set(r.json()) == {"code", "message", "details"} and "unit_code" in r.json()["details"]["fields"]
    r = c.post("/api/v1/accounts/staff", {"username": "x.y.z", "full_name": "X", "role": "system_admin", "unit_code": ""},
               content_type="application/json")
    assert r.status_code == 400 and "role" in r.json()["details"]["fields"]
    r = c.patch(f"/api/v1/accounts/staff/{pk}", {"role": "commune_leader", "phone": "0912 111 222"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["role"] == "commune_leader" and r.json()["phone"] == "0912111222"
    r = c.post(f"/api/v1/accounts/staff/{pk}/deactivate", {"reason": "Chuyển công tác"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["is_active"] is False
    r = c.post(f"/api/v1/accounts/staff/{pk}/deactivate", {"reason": ""}, content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "already-inactive"
    assert c.post(f"/api/v1/accounts/staff/{pk}/reactivate", {}, content_type="application/json").json()["is_active"] is True
    r = c.post(f"/api/v1/accounts/staff/{pk}/password-reset")
    assert r.status_code == 200 and r.json() == {"channels": ["email", "sms"], "link": None}
    r = c.post(f"/api/v1/accounts/staff/{pk}/otp-reset", {"reason": "Mất điện thoại"}, content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "otp-not-enabled"


def test_api_reports_a_unit_the_service_refuses_under_unit_code(users, commune, province, login):
    """The service names the field ``unit``; the API's caller sent ``unit_code`` and finds the error there."""
    c = login(users["province_admin"])
    r = c.post("/api/v1/accounts/staff", {"username": "tinh.sai", "full_name": "X", "role": "commune_leader", "unit_code": province.code},
               content_type="application/json")
    assert r.status_code == 400 and list(r.json()["details"]["fields"]) == ["unit_code"]
    assert "Vai trò cấp xã" in r.json()["details"]["fields"]["unit_code"][0]
    assert not User.objects.filter(username="tinh.sai").exists()
    r = c.patch(f"/api/v1/accounts/staff/{users['specialist'].pk}", {"unit_code": province.code}, content_type="application/json")
    assert r.status_code == 400 and "unit_code" in r.json()["details"]["fields"] and "unit" not in r.json()["details"]["fields"]


def test_api_is_closed_to_other_roles(users, login, client):
    assert client.get("/api/v1/accounts/staff").status_code == 401
    c = login(users["leader"])
    assert c.get("/api/v1/accounts/staff").status_code == 404
    r = c.post("/api/v1/accounts/staff", {"username": "a.b.c", "full_name": "X", "role": "specialist", "unit_code": "26734"},
               content_type="application/json")
    assert r.status_code in (400, 403) and not User.objects.filter(username="a.b.c").exists()


def test_api_import_and_template(users, commune, login):
    c = login(users["province_admin"])
    assert c.get("/api/v1/accounts/staff/import/template").status_code == 200
    data = _xlsx([["api.nhap", "Nhập API", "Cán bộ một cửa", commune.code, "", "", ""]])
    r = c.post("/api/v1/accounts/staff/import", {"file": io.BytesIO(data)})
    assert r.status_code == 201 and r.json()[0]["account"]["username"] == "api.nhap" and r.json()[0]["link"]
    r = c.post("/api/v1/accounts/staff/import", {"file": io.BytesIO(_xlsx([["api.nhap", "", "", "", "", "", ""]]))})
    assert r.status_code == 400 and r.json()["code"] == "import-errors" and r.json()["details"]["rows"][0]["row"] == 2


# ------------------------------------------------------------------ pages and Django admin
def test_pages_create_edit_deactivate(users, commune, login):
    c = login(users["province_admin"])
    r = c.get("/accounts/staff/")
    assert r.status_code == 200 and "onestop" in r.content.decode() and "sysadmin" not in r.content.decode()
    r = c.get("/accounts/staff/new/")
    assert r.status_code == 200 and 'value="system_admin"' not in r.content.decode()
    r = c.post("/accounts/staff/new/", {"username": "", "full_name": "", "role": "specialist", "unit": commune.code})
    assert r.status_code == 200 and "has-error" in r.content.decode()
    r = c.post("/accounts/staff/new/", {"username": "ONESTOP", "full_name": "X", "role": "specialist", "unit": commune.code})
    assert r.status_code == 200 and "đã được dùng" in r.content.decode()
    r = c.post("/accounts/staff/new/", {"username": "trang.pt", "full_name": "Phạm Thu Trang", "role": "specialist", "unit": commune.code,
                                        "email": "trang@example.vn"})
    user = User.objects.get(username="trang.pt")
    assert r.status_code == 302 and r["Location"] == f"/accounts/staff/{user.pk}/"
    r = c.get(f"/accounts/staff/{user.pk}/")
    assert r.status_code == 200 and "staff_create" in r.content.decode()
    r = c.post(f"/accounts/staff/{user.pk}/edit/", {"full_name": "Phạm Thu Trang", "role": "commune_leader", "unit": commune.code,
                                                       "email": "trang@example.vn"})
    assert r.status_code == 302
    user.refresh_from_db()
    assert user.role == Role.COMMUNE_LEADER
    r = c.post(f"/accounts/staff/{user.pk}/deactivate/", {"reason": "Thôi việc"}, follow=True)
    assert "Đã khoá" in r.content.decode()
    user.refresh_from_db()
    assert not user.is_active
    r = c.post(f"/accounts/staff/{user.pk}/reactivate/", {"reason": ""}, follow=True)
    user.refresh_from_db()
    assert user.is_active
    r = c.post(f"/accounts/staff/{user.pk}/password/", follow=True)
    assert "Đã gửi liên kết" in r.content.decode(), re.findall(r"<p class=\"msg[^<]*", r.content.decode())
    assert c.get(f"/accounts/staff/{users['sysadmin'].pk}/").status_code == 404
    assert c.post(f"/accounts/staff/{users['sysadmin'].pk}/deactivate/", {"reason": ""}).status_code == 404


def test_pages_are_hidden_from_other_roles(users, login):
    c = login(users["leader"])
    for path in ("/accounts/staff/", "/accounts/staff/new/", "/accounts/staff/import/", f"/accounts/staff/{users['onestop'].pk}/"):
        assert c.get(path).status_code == 404


def test_django_admin_user_list_for_system_admins(users, login, client):
    c = login(users["sysadmin"])
    r = c.get("/admin/accounts/user/")
    assert r.status_code == 200 and "province_admin" in r.content.decode()
    assert c.get(f"/admin/accounts/user/{users['onestop'].pk}/change/").status_code == 200
    assert c.get("/admin/accounts/user/add/").status_code == 403
    r = login(users["province_admin"]).get("/admin/accounts/user/")
    assert r.status_code == 404  # signed in, not a system administrator (test_admin.py)
    r = Client().get("/admin/login/?next=/admin/")
    assert r.status_code == 302 and r["Location"].startswith("/accounts/login/")


def test_a_set_password_link_dies_when_the_account_is_deactivated(users, commune, client):
    admin = users["province_admin"]
    user, sent = services.staff_create(actor=admin, username="cuong.dv", full_name="Đỗ Văn Cường", role=Role.SPECIALIST, unit=commune)
    path = _path(sent["link"])
    services.staff_deactivate(actor=admin, user=user, reason="Nghỉ việc trước khi nhận tài khoản")
    r = client.get(path, follow=True)
    assert r.status_code == 200 and "không còn hiệu lực" in r.content.decode()
    r = client.post(path.rsplit("/", 2)[0] + "/set-password/", {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}, follow=True)
    assert "không còn hiệu lực" in r.content.decode()
    user.refresh_from_db()
    assert not user.has_usable_password() and not AuditLog.objects.filter(verb="password_set", object_id=str(user.pk)).exists()
    # Reactivated, the account takes a new link (a reactivation does not bring back the old one's password).
    services.staff_reactivate(actor=admin, user=user)
    assert "không còn hiệu lực" not in Client().get(_path(services.password_link(user)), follow=True).content.decode()


def test_one_person_gets_one_staff_account_by_citizen_id(users, commune, province, login):
    """The same CCCD twice in an import file, or one that already has a staff account, gave one person two accounts (the
    accounts made from the register refuse it); each such row is now refused with its row and column, nothing is created,
    and the form and the API refuse it on the CCCD field."""
    services.staff_create(actor=users["province_admin"], username="co.san", full_name="Có Sẵn", role=Role.SPECIALIST, unit=commune,
                          citizen_id="079099000123")
    data = _xlsx([
        ["hoa.nt", "Nguyễn Thị Hoa", "Cán bộ một cửa", commune.code, "", "", "079099000777"],
        ["hoa.nt2", "Nguyễn Thị Hoa", "Cán bộ một cửa", commune.code, "", "", "079099000777"],
        ["khoa.pv", "Phạm Văn Khoa", "chuyen vien xu ly", commune.code, "", "", "079099000123"],
    ])
    before = User.objects.count()
    with pytest.raises(ApplicationError) as exc:
        services.staff_import(actor=users["province_admin"], data=data)
    assert exc.value.code == "import-errors" and User.objects.count() == before
    errors = {(e["row"], e["column"]): e["message"] for e in exc.value.details["rows"]}
    assert set(errors) == {(3, "Số CCCD"), (4, "Số CCCD")}
    assert errors[(3, "Số CCCD")] == "Trùng số CCCD với dòng 2 trong tệp"
    assert errors[(4, "Số CCCD")] == "Số CCCD đã thuộc một tài khoản cán bộ khác."
    c = login(users["province_admin"])
    r = c.post("/api/v1/accounts/staff", {"username": "khoa.pv", "full_name": "Phạm Văn Khoa", "role": "specialist", "unit_code": commune.code,
                                          "citizen_id": "079099000123"}, content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "validation-error" and "citizen_id" in r.json()["details"]["fields"]
    assert not User.objects.filter(username="khoa.pv").exists()
    pk = User.objects.get(username="onestop").pk
    r = c.patch(f"/api/v1/accounts/staff/{pk}", {"citizen_id": "079099000123"}, content_type="application/json")
    assert r.status_code == 400 and "citizen_id" in r.json()["details"]["fields"]
    assert User.objects.get(pk=pk).citizen_id == ""
    # The account's own number, saved again, is not "another account's".
    r = c.patch(f"/api/v1/accounts/staff/{User.objects.get(username='co.san').pk}", {"citizen_id": "079099000123", "phone": "0912000555"},
                content_type="application/json")
    assert r.status_code == 200, r.content


def test_api_on_another_provinces_account_is_404_whatever_the_body(users, foreign_commune, login):
    """The endpoints on one account (edit, deactivate, reactivate, authenticator reset) declared a typed body, validated
    before the account's scope was checked: a province administrator sending a bad body about another province's account
    got a 422 listing the body's faults instead of the 404 a missing account gets."""
    foreign, _ = services.staff_create(actor=users["sysadmin"], username="ha.noi", full_name="HN", role=Role.SPECIALIST, unit=foreign_commune)
    c = login(users["province_admin"])
    bad = {"reason": 7, "role": 5, "phone": ["x"]}
    assert c.patch(f"/api/v1/accounts/staff/{foreign.pk}", bad, content_type="application/json").json()["code"] == "not-found"
    for action in ("deactivate", "reactivate", "otp-reset"):
        r = c.post(f"/api/v1/accounts/staff/{foreign.pk}/{action}", bad, content_type="application/json")
        assert r.status_code == 404 and r.json()["code"] == "not-found", (action, r.content)
    r = c.post(f"/api/v1/accounts/staff/{users['onestop'].pk}/deactivate", bad, content_type="application/json")
    assert r.status_code == 422 and "reason" in r.json()["details"]["fields"]  # one's own unit's account: the body's faults
    foreign.refresh_from_db()
    users["onestop"].refresh_from_db()
    assert foreign.is_active and users["onestop"].is_active
