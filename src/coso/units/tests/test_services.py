import io
import unicodedata

import pytest

from coso.core.exceptions import ApplicationError, ConflictError, NotFoundError, PermissionDeniedError
from coso.core.models import AuditLog
from coso.units import services
from coso.units.models import AdministrativeUnit, Village
from coso.units.tests.helpers import xlsx

pytestmark = pytest.mark.django_db


def _audits(obj):
    return AuditLog.objects.filter(object_type=obj._meta.label, object_id=str(obj.pk)).order_by("id")


def test_village_create_is_audited_with_after_values(users, commune):
    v = services.village_create(actor=users["home_affairs"], commune=commune, name="Khu phố 1", kind="khu_pho", households=400, population=1500)
    assert (v.province_code, v.commune_code) == ("79", "26734")
    [row] = _audits(v)
    assert row.action == "create" and row.before is None
    assert row.after["name"] == "Khu phố 1" and row.after["households"] == 400
    assert (row.province_code, row.commune_code, row.actor_id) == ("79", "26734", users["home_affairs"].pk)


def test_village_update_records_only_changed_fields(users, commune):
    v = services.village_create(actor=users["home_affairs"], commune=commune, name="Khu phố 1", kind="khu_pho")
    services.village_update(actor=users["province_home_affairs"], village=v, households=512, name="Khu phố 1")
    row = _audits(v).last()
    assert row.action == "update"
    assert row.before == {"households": 0} and row.after == {"households": 512}


def test_village_delete_is_audited_with_before_values(users, commune):
    v = services.village_create(actor=users["leader"], commune=commune, name="Ấp 3", kind="ap", households=7)
    pk = v.pk
    services.village_delete(actor=users["leader"], village=v)
    assert not Village.objects.filter(pk=pk).exists()
    row = AuditLog.objects.filter(object_type="units.Village", object_id=str(pk), action="delete").get()
    assert row.before["name"] == "Ấp 3" and row.after is None


def test_commune_attribute_update_is_audited(users, commune):
    services.commune_update_attributes(actor=users["province_admin"], commune=commune, classification="II", population=61_000, is_difficult_area=True)
    commune.refresh_from_db()
    assert (commune.classification, commune.population, commune.is_difficult_area) == ("II", 61_000, True)
    row = _audits(commune).last()
    assert row.action == "update"
    assert row.before == {"classification": "I", "population": 50_000, "is_difficult_area": False}
    assert row.after == {"classification": "II", "population": 61_000, "is_difficult_area": True}


def test_every_units_write_leaves_an_audit_row(users, commune):
    before = AuditLog.objects.count()
    v = services.village_create(actor=users["home_affairs"], commune=commune, name="Tổ 1", kind="to_dan_pho")
    services.village_update(actor=users["home_affairs"], village=v, population=9)
    services.commune_update_attributes(actor=users["sysadmin"], commune=commune, agency_code="000.00.79.H26")
    services.villages_import(actor=users["home_affairs"], data=xlsx([["26734", "Tổ 2", "Tổ dân phố", 1, 2, "", "", ""]]))
    services.village_delete(actor=users["home_affairs"], village=v)
    rows = list(AuditLog.objects.order_by("id")[before:])
    assert [(r.action, r.verb) for r in rows] == [
        ("create", "village_create"), ("update", "village_update"), ("update", "commune_update_attributes"),
        ("create", "village_import"), ("delete", "village_delete"),
    ]
    assert all(r.after or r.before for r in rows)


def test_commune_staff_cannot_edit_commune_attributes(users, commune):
    with pytest.raises(PermissionDeniedError):
        services.commune_update_attributes(actor=users["leader"], commune=commune, population=1)
    commune.refresh_from_db()
    assert commune.population == 50_000


def test_province_admin_of_another_province_gets_not_found(users, make_user, commune, foreign_commune):
    from coso.accounts.roles import Role

    hanoi_admin = make_user("hn_admin", Role.PROVINCE_ADMIN, foreign_commune.parent)
    with pytest.raises(NotFoundError):
        services.commune_update_attributes(actor=hanoi_admin, commune=commune, population=1)
    with pytest.raises(NotFoundError):
        services.village_create(actor=users["other_leader"], commune=commune, name="X", kind="thon")


def test_onestop_officer_cannot_create_villages(users, commune):
    with pytest.raises(PermissionDeniedError):
        services.village_create(actor=users["onestop"], commune=commune, name="Khu phố 9", kind="khu_pho")


def test_village_name_unique_per_commune_ignoring_case_and_normal_form(users, commune, other_commune):
    services.village_create(actor=users["province_admin"], commune=commune, name="Khu phố Bình An", kind="khu_pho")
    with pytest.raises(ConflictError) as exc:
        services.village_create(actor=users["province_admin"], commune=commune, name=unicodedata.normalize("NFD", "khu phố bình an"), kind="khu_pho")
    assert exc.value.code == "village-name-taken" and "name" in exc.value.details["fields"]
    # Same name in another commune is fine.
    services.village_create(actor=users["province_admin"], commune=other_commune, name="Khu phố Bình An", kind="khu_pho")


def test_village_name_is_stored_nfc(users, commune):
    decomposed = unicodedata.normalize("NFD", "Tổ dân phố Nguyễn  Trãi ")
    assert decomposed != unicodedata.normalize("NFC", decomposed)
    v = services.village_create(actor=users["home_affairs"], commune=commune, name=decomposed, kind="to_dan_pho")
    v.refresh_from_db()
    assert v.name == "Tổ dân phố Nguyễn Trãi" and unicodedata.is_normalized("NFC", v.name)
    assert v.name_folded == "to dan pho nguyen trai"
    services.village_update(actor=users["home_affairs"], village=v, name=unicodedata.normalize("NFD", "Tổ dân phố Đặng Dung"))
    v.refresh_from_db()
    assert v.name == unicodedata.normalize("NFC", "Tổ dân phố Đặng Dung")


def test_conversion_flag_only_for_urban_groups(users, commune):
    with pytest.raises(ApplicationError) as exc:
        services.village_create(actor=users["home_affairs"], commune=commune, name="Thôn Đông", kind="thon", converted_from_thon=True)
    assert exc.value.code == "village-conversion-kind"
    assert not Village.objects.exists()


def test_negative_households_rejected_by_model_validation(users, commune):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.village_create(actor=users["home_affairs"], commune=commune, name="Ấp 1", kind="ap", households=-1)
    assert not Village.objects.exists() and not AuditLog.objects.filter(object_type="units.Village").exists()


def test_village_create_refuses_unknown_fields_and_provinces(users, commune, province):
    with pytest.raises(ApplicationError):
        services.village_create(actor=users["sysadmin"], commune=commune, name="Ấp 1", kind="ap", commune_code="00004")
    with pytest.raises(ApplicationError):
        services.village_create(actor=users["sysadmin"], commune=province, name="Ấp 1", kind="ap")


def test_load_units_is_idempotent():
    from django.core.management import call_command

    def counts():  # type: ignore[no-untyped-def]
        return AdministrativeUnit.objects.filter(level="province").count(), AdministrativeUnit.objects.filter(level="commune").count()

    out = io.StringIO()
    call_command("load_units", "--skip-lineage", stdout=out)
    assert "tạo mới 3355" in out.getvalue()
    first = counts()
    ids = dict(AdministrativeUnit.objects.values_list("code", "pk"))
    out = io.StringIO()
    call_command("load_units", "--skip-lineage", stdout=out)
    assert "tạo mới 0, cập nhật 0" in out.getvalue()
    assert first == counts() == (34, 3321)
    assert dict(AdministrativeUnit.objects.values_list("code", "pk")) == ids
    kinds = dict.fromkeys(["xa", "phuong", "dac_khu"], 0)
    for kind in AdministrativeUnit.objects.filter(level="commune").values_list("kind", flat=True):
        kinds[kind] += 1
    assert kinds == {"xa": 2621, "phuong": 687, "dac_khu": 13}
    assert AdministrativeUnit.objects.filter(level="commune", parent__isnull=True).count() == 0


def test_load_units_audits_what_it_changes():
    services.units_import_official()
    summary = AuditLog.objects.get(verb="units_import_official")
    assert summary.action == "create" and summary.after["created"] == 3355 and summary.actor_id is None
    AdministrativeUnit.objects.filter(code="26737").update(name="Tên cũ", name_folded="ten cu")
    services.units_import_official()
    row = AuditLog.objects.filter(verb="units_import_official", action="update").get()
    assert row.before == {"name": "Tên cũ", "name_folded": "ten cu"} and row.after["name"] == "Phường Tân Định"
    assert (row.province_code, row.commune_code) == ("79", "26737")
    services.units_import_official()
    assert AuditLog.objects.filter(verb="units_import_official").count() == 2  # nothing changed, nothing recorded


def test_load_units_keeps_local_attributes(users):
    services.units_import_official()
    c = AdministrativeUnit.objects.get(code="26734")
    services.commune_update_attributes(actor=users["sysadmin"], commune=c, classification="III", population=1234)
    services.units_import_official()
    c.refresh_from_db()
    assert (c.classification, c.population) == ("III", 1234)
