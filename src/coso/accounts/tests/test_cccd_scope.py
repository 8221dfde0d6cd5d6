"""A CCCD already on a staff account: the refusal names the other account only when the administrator manages it. Of an
account in another province the form, the API, the import and the accounts made from the register say no more than that
the number cannot be used (still refused: one person, one staff account)."""

import io

import pytest
from openpyxl import Workbook

from coso.accounts import services
from coso.accounts.models import User
from coso.accounts.roles import Role
from coso.core.exceptions import ApplicationError
from coso.core.models import AuditLog

pytestmark = pytest.mark.django_db

TAKEN = "Số CCCD đã thuộc một tài khoản cán bộ khác."
FOREIGN_CCCD = "001099000321"
OWN_CCCD = "079099000654"


@pytest.fixture
def held(users, commune, foreign_commune):  # type: ignore[no-untyped-def]
    services.staff_create(actor=users["sysadmin"], username="ha.noi", full_name="Người Hà Nội", role=Role.SPECIALIST, unit=foreign_commune,
                          citizen_id=FOREIGN_CCCD)
    services.staff_create(actor=users["sysadmin"], username="sai.gon", full_name="Người Sài Gòn", role=Role.SPECIALIST, unit=commune,
                          citizen_id=OWN_CCCD)


def _message(exc: pytest.ExceptionInfo) -> str:  # type: ignore[type-arg]
    return exc.value.details["fields"]["citizen_id"][0]


def test_another_provinces_account_is_not_revealed_by_the_service(users, commune, held):
    admin = users["province_admin"]
    before = (User.objects.count(), AuditLog.objects.count())
    with pytest.raises(ApplicationError) as exc:
        services.staff_create(actor=admin, username="moi.mot", full_name="Mới Một", role=Role.SPECIALIST, unit=commune, citizen_id=FOREIGN_CCCD)
    foreign_message = _message(exc)
    assert foreign_message != TAKEN and "tài khoản cán bộ khác" not in foreign_message
    with pytest.raises(ApplicationError) as exc:
        services.staff_update(actor=admin, user=users["onestop"], citizen_id=FOREIGN_CCCD)
    assert _message(exc) == foreign_message
    # inside the administrator's province the specific message stays
    with pytest.raises(ApplicationError) as exc:
        services.staff_create(actor=admin, username="moi.hai", full_name="Mới Hai", role=Role.SPECIALIST, unit=commune, citizen_id=OWN_CCCD)
    assert _message(exc) == TAKEN
    with pytest.raises(ApplicationError) as exc:
        services.staff_update(actor=admin, user=users["onestop"], citizen_id=OWN_CCCD)
    assert _message(exc) == TAKEN
    # the system administrator manages every account
    with pytest.raises(ApplicationError) as exc:
        services.staff_create(actor=users["sysadmin"], username="moi.ba", full_name="Mới Ba", role=Role.SPECIALIST, unit=commune, citizen_id=FOREIGN_CCCD)
    assert _message(exc) == TAKEN
    users["onestop"].refresh_from_db()
    assert users["onestop"].citizen_id == "" and (User.objects.count(), AuditLog.objects.count()) == before


def test_another_provinces_account_is_not_revealed_by_the_api_the_page_and_the_import(users, commune, held, login):
    c = login(users["province_admin"])
    r = c.post("/api/v1/accounts/staff", {"username": "moi.bon", "full_name": "Mới Bốn", "role": "specialist", "unit_code": commune.code,
                                          "citizen_id": FOREIGN_CCCD}, content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "validation-error", r.content
    foreign_message = r.json()["details"]["fields"]["citizen_id"][0]
    assert foreign_message != TAKEN
    r = c.patch(f"/api/v1/accounts/staff/{users['onestop'].pk}", {"citizen_id": FOREIGN_CCCD}, content_type="application/json")
    assert r.status_code == 400 and r.json()["details"]["fields"]["citizen_id"] == [foreign_message]
    r = c.post("/api/v1/accounts/staff", {"username": "moi.nam", "full_name": "Mới Năm", "role": "specialist", "unit_code": commune.code,
                                          "citizen_id": OWN_CCCD}, content_type="application/json")
    assert r.status_code == 400 and r.json()["details"]["fields"]["citizen_id"] == [TAKEN]
    r = c.post("/accounts/staff/new/", {"username": "moi.sau", "full_name": "Mới Sáu", "role": "specialist", "unit": commune.code,
                                        "citizen_id": FOREIGN_CCCD})
    page = r.content.decode()
    assert r.status_code == 200 and foreign_message in page and TAKEN not in page
    r = c.post(f"/accounts/staff/{users['onestop'].pk}/edit/", {"full_name": "onestop", "role": "onestop_officer", "unit": commune.code,
                                                                 "citizen_id": FOREIGN_CCCD})
    page = r.content.decode()
    assert r.status_code == 200 and foreign_message in page and TAKEN not in page
    r = c.post(f"/accounts/staff/{users['onestop'].pk}/edit/", {"full_name": "onestop", "role": "onestop_officer", "unit": commune.code,
                                                                 "citizen_id": OWN_CCCD})
    assert r.status_code == 200 and TAKEN in r.content.decode()
    wb = Workbook()
    wb.active.append(services.IMPORT_COLUMNS)
    wb.active.append(["moi.bay", "Mới Bảy", "Chuyên viên xử lý", commune.code, "", "", FOREIGN_CCCD])
    out = io.BytesIO()
    wb.save(out)
    with pytest.raises(ApplicationError) as exc:
        services.staff_import(actor=users["province_admin"], data=out.getvalue())
    assert [e["message"] for e in exc.value.details["rows"]] == [foreign_message]
    assert not User.objects.filter(username__startswith="moi.").exists()
    users["onestop"].refresh_from_db()
    assert users["onestop"].citizen_id == ""


def test_an_account_from_the_register_does_not_reveal_another_provinces_account(users, commune, held):
    from coso.workforce.tests.helpers import person

    p = person(commune, full_name="Người Trong Sổ", citizen_id=FOREIGN_CCCD)
    with pytest.raises(ApplicationError) as exc:
        services.staff_bulk_from_register(actor=users["province_admin"], commune_code=commune.code, person_ids=[p.pk])
    assert "tài khoản cán bộ khác" not in exc.value.message and exc.value.details["person"] == p.pk
    assert not User.objects.filter(full_name="Người Trong Sổ").exists()
