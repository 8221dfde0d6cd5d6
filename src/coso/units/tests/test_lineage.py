"""The 2025 lineage: loader (whole country once, subsets otherwise), selectors, old-address converter."""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter

from django.core.management import call_command
from django.db.models import Count

import pytest

from coso.core.exceptions import ApplicationError
from coso.core.models import AuditLog
from coso.units import lineage
from coso.units.lineage_data import COMMUNE_RESOLUTIONS, read_lineage_2025
from coso.units.models import AdministrativeUnit, UnitSuccession
from coso.units.services import units_import_lineage_2025
from coso.units.tests.helpers import load_lineage

pytestmark = pytest.mark.django_db
JULY_1 = dt.date(2025, 7, 1)


def _old(level: str, code: str) -> AdministrativeUnit:
    return AdministrativeUnit.all_objects.get(level=level, code=code, valid_to=JULY_1)


def test_load_units_loads_the_whole_lineage_once():
    out = io.StringIO()
    call_command("load_units", stdout=out)
    text = out.getvalue()
    assert "Trước 1/7/2025: 63 tỉnh, 696 huyện, 10035 xã" in text
    ended = AdministrativeUnit.all_objects.filter(valid_to=JULY_1)
    assert dict(ended.values_list("level").annotate(n=Count("id"))) == {"province": 63, "district": 696, "commune": 10035}
    # Units in force are unaffected: the default manager sees only them.
    assert AdministrativeUnit.objects.filter(level="province").count() == 34
    assert AdministrativeUnit.objects.filter(level="commune").count() == 3321
    assert AdministrativeUnit.all_objects.count() == 34 + 3321 + 63 + 696 + 10035
    # Every current commune is reached; every old commune (and the 5 island districts) has a successor.
    communes = UnitSuccession.objects.filter(successor__level="commune")
    assert communes.values("successor").distinct().count() == 3321
    assert communes.filter(predecessor__level="commune").values("predecessor").distinct().count() == 10035
    assert sorted(communes.filter(predecessor__level="district").values_list("successor__name", flat=True)) == [
        "Đặc khu Bạch Long Vĩ", "Đặc khu Côn Đảo", "Đặc khu Cồn Cỏ", "Đặc khu Hoàng Sa", "Đặc khu Lý Sơn",
    ]
    # Divided communes: listed with all their successors, exactly one primary each.
    per_old = Counter(communes.values_list("predecessor_id", flat=True))
    divided = {pk for pk, n in per_old.items() if n > 1}
    assert len(divided) == 471
    primaries = Counter(communes.filter(predecessor_id__in=divided, is_primary=True).values_list("predecessor_id", flat=True))
    assert set(primaries) == divided and set(primaries.values()) == {1}
    assert communes.filter(predecessor_id__in=divided).exclude(kind="split").count() == 0
    assert communes.count() == 10602
    # Provinces: 63 → 34 under Resolution 202/2025/QH15; 11 kept as they were.
    provinces = UnitSuccession.objects.filter(successor__level="province")
    assert provinces.count() == 63 and provinces.filter(kind="keep").count() == 11
    assert set(provinces.values_list("decision_number", flat=True)) == {"202/2025/QH15"}
    # Legal basis of every commune pair: the UBTVQH resolution of 16/6/2025 of the new province.
    assert set(communes.values_list("decision_number", flat=True)) == set(COMMUNE_RESOLUTIONS.values())
    assert set(communes.values_list("decision_date", "effective_on").distinct()) == {(dt.date(2025, 6, 16), JULY_1)}
    for code, number in COMMUNE_RESOLUTIONS.items():
        assert not communes.filter(successor__province_code=code).exclude(decision_number=number).exists()
    audits = AuditLog.objects.filter(verb="units_import_lineage_2025").count()
    assert audits == 1
    # Idempotent: a second run creates, changes and audits nothing.
    ids = set(AdministrativeUnit.all_objects.values_list("pk", flat=True))
    out = io.StringIO()
    call_command("load_units", stdout=out)
    assert "tạo mới 0 đơn vị, 0 quan hệ; cập nhật 0; bỏ 0" in out.getvalue()
    assert set(AdministrativeUnit.all_objects.values_list("pk", flat=True)) == ids
    assert AuditLog.objects.filter(verb="units_import_lineage_2025").count() == audits


def test_package_data_reads_without_network():
    data = read_lineage_2025()
    assert (len(data.provinces), len(data.districts), len(data.communes), len(data.new_communes)) == (63, 696, 10035, 3321)
    assert len(data.communes) + sum(1 for p in data.pairs if p.old_level == "district") == 10040


def test_subset_load_hcmc_and_legal_basis():
    result = load_lineage("79")
    assert result["skipped"] == 0 and result["provinces"] == 3  # Bình Dương, TP.HCM, Bà Rịa - Vũng Tàu
    ben_nghe = _old("commune", "26740")
    assert ben_nghe.name == "Phường Bến Nghé" and ben_nghe.parent.name == "Quận 1" and ben_nghe.parent.parent.name == "Thành phố Hồ Chí Minh"
    assert ben_nghe.legacy_district_id == ben_nghe.parent_id and not ben_nghe.is_current
    [s] = UnitSuccession.objects.filter(predecessor=ben_nghe)
    assert s.successor.name == "Phường Sài Gòn" and s.successor.is_current
    assert s.decision_number == "1685/NQ-UBTVQH15" and s.decision_date == dt.date(2025, 6, 16) and s.effective_on == JULY_1
    assert s.legal_basis.startswith("Nghị quyết số 1685/NQ-UBTVQH15 ngày 16/6/2025")
    # Same code, two units: the current one through the default manager, both through all_objects.
    assert AdministrativeUnit.objects.get(code="26740").name == "Phường Sài Gòn"
    assert AdministrativeUnit.all_objects.filter(code="26740").count() == 2
    # Old provinces merged into the new city.
    merged = UnitSuccession.objects.filter(successor__code="79", successor__level="province")
    assert sorted(merged.values_list("predecessor__name", flat=True)) == ["Thành phố Hồ Chí Minh", "Tỉnh Bà Rịa - Vũng Tàu", "Tỉnh Bình Dương"]
    assert set(merged.values_list("kind", flat=True)) == {"merge"}
    # Island district without communes → special zone.
    [con_dao] = UnitSuccession.objects.filter(predecessor=_old("district", "755"))
    assert con_dao.successor.name == "Đặc khu Côn Đảo" and con_dao.successor.province_code == "79"
    # Area filled from the package where none was recorded.
    assert AdministrativeUnit.objects.get(code="26740").area_km2 is not None


def test_reload_repairs_changed_rows_and_audits(users):
    load_lineage("48")
    old = _old("commune", "20296")
    AdministrativeUnit.all_objects.filter(pk=old.pk).update(name="Sai tên", name_folded="sai ten")
    UnitSuccession.objects.filter(predecessor=old, is_primary=False).update(is_primary=True)
    stray = UnitSuccession.objects.create(predecessor=old, successor=AdministrativeUnit.objects.filter(province_code="48", level="commune")
                                          .exclude(code__in=["20197", "20195"]).first(), kind="merge",
                                          effective_on=JULY_1, source="vietnamadminunits")
    result = units_import_lineage_2025(province_codes=["48"])
    assert result["units_updated"] == 1 and result["successions_updated"] == 1 and result["successions_removed"] == 1
    old.refresh_from_db()
    assert old.name == "Xã Hòa Liên"
    assert not UnitSuccession.objects.filter(pk=stray.pk).exists()
    change = AuditLog.objects.get(verb="units_import_lineage_2025", object_id=str(old.pk))
    assert change.before == {"name": "Sai tên", "name_folded": "sai ten"} and change.after["name"] == "Xã Hòa Liên"


def test_successor_and_predecessor_selectors():
    load_lineage("48")
    # Xã Hòa Liên (huyện Hòa Vang) was divided: Phường Liên Chiểu is its primary successor.
    assert lineage.successor_codes("20296") == ["20197", "20195"]
    assert lineage.successor_codes("99999") == []
    assert "20296" in lineage.predecessor_codes("20195")
    assert "20296" not in lineage.predecessor_codes("20195", primary_only=True)
    mapping = lineage.lineage_map()
    assert mapping["20296"] == "20197"
    assert len(mapping) == UnitSuccession.objects.filter(predecessor__level="commune").values("predecessor").distinct().count()
    assert lineage.has_lineage()


def test_locality_windows_hold_every_commune_a_commune_was_formed_from_with_its_dates():
    load_lineage("48")
    # Phường Hải Vân: its own code from 1/7/2025; Xã Hòa Liên, divided, counts for the part that is not its primary successor too.
    windows = lineage.locality_windows("20195")
    assert windows[0] == ("20195", JULY_1, None)
    assert ("20296", None, JULY_1) in windows
    assert "20296" not in {w.code for w in lineage.predecessor_windows("20195")}  # its records go with the primary successor
    assert lineage.locality_windows("99999") == [("99999", None, None)]  # no lineage: the code at any date


def test_unit_history_lists_old_units_with_districts_and_provinces():
    load_lineage("48")
    lien_chieu = AdministrativeUnit.objects.get(code="20197")
    history = lineage.unit_history(lien_chieu)
    by_name = {h.name: h for h in history}
    hoa_lien = by_name["Xã Hòa Liên"]
    assert (hoa_lien.district_name, hoa_lien.province_name, hoa_lien.succession) == ("Huyện Hòa Vang", "Thành phố Đà Nẵng", "split")
    assert hoa_lien.divided_between == [{"code": "20195", "name": "Phường Hải Vân"}]
    assert hoa_lien.decision_number == "1659/NQ-UBTVQH15"
    assert all(h.level == "commune" for h in history) and len(history) == 2


@pytest.mark.parametrize(
    ("address", "old_name", "expected"),
    [
        ("xã Tân Thông Hội, huyện Củ Chi, TP Hồ Chí Minh", "Xã Tân Thông Hội", ["Xã Củ Chi"]),
        ("xa tan thong hoi, huyen cu chi, tp hcm", "Xã Tân Thông Hội", ["Xã Củ Chi"]),
        ("Phường Bến Nghé, Quận 1, Thành phố Hồ Chí Minh", "Phường Bến Nghé", ["Phường Sài Gòn"]),
        ("ben nghe, q1, tphcm", "Phường Bến Nghé", ["Phường Sài Gòn"]),
        ("12 Lê Lợi, p15, tan binh, hcm", "Phường 15", ["Phường Tân Sơn", "Phường Tân Bình"]),  # divided
        ("Phường Phú Hòa, Thành phố Thủ Dầu Một, Bình Dương", "Phường Phú Hòa", None),
        ("huyện Côn Đảo, tỉnh Bà Rịa - Vũng Tàu", "Huyện Côn Đảo", ["Đặc khu Côn Đảo"]),
    ],
)
def test_convert_old_address_real_examples(address, old_name, expected):
    load_lineage("79")
    result = lineage.convert_old_address(address)
    assert result.old_communes[0].name == old_name
    names = [c.name for c in result.candidates]
    if expected is None:  # whatever it became, it is in the new city and is the old commune's successor
        assert names and all(c.province_code == "79" for c in result.candidates)
        assert [c.code for c in result.candidates] == lineage.successor_codes(result.old_communes[0].code)
    else:
        assert names == expected
    assert result.divided == (len(names) > 1)
    assert result.candidates[0].is_primary
    assert result.new_province is not None and result.new_province.code == "79"
    assert "1685/NQ-UBTVQH15" in result.legal_basis


def test_convert_keeps_the_street_and_never_geocodes(monkeypatch):
    load_lineage("79")
    from vietnamadminunits.parser import utils

    def no_network(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("geocoding called")

    monkeypatch.setattr(utils, "get_geo_location", no_network)
    result = lineage.convert_old_address("59 Nguyễn Sỹ Sách, Phường 15, Quận Tân Bình, TP. Hồ Chí Minh")
    assert result.street == "59 Nguyễn Sỹ Sách"
    assert [c.code for c in result.candidates] == ["27007", "27004"]


def test_convert_without_diacritics_lists_every_old_commune_that_reads_the_same():
    load_lineage("40")
    result = lineage.convert_old_address("xa dong thanh, huyen yen thanh, tinh nghe an")
    assert result.ambiguous and result.matched_by == "coso"
    assert sorted(o.name for o in result.old_communes) == ["Xã Đông Thành", "Xã Đồng Thành"]
    assert sorted(c.old_name for c in result.candidates) == ["Xã Đông Thành", "Xã Đồng Thành"]
    accented = lineage.convert_old_address("xã Đồng Thành, huyện Yên Thành, tỉnh Nghệ An")
    assert not accented.ambiguous and [o.name for o in accented.old_communes] == ["Xã Đồng Thành"]
    assert len(accented.candidates) == 1 and accented.candidates[0].code in [c.code for c in result.candidates]


def test_convert_uses_coso_codes_where_the_packages_disagree():
    # vietnamadminunits codes "Xã Vinh Quý" 01561, vietnam-provinces (Coso) 01537: matched by name.
    load_lineage("04")
    result = lineage.convert_old_address("xã Vinh Quý, huyện Hạ Lang, tỉnh Cao Bằng")
    assert [(c.code, c.name) for c in result.candidates] == [(AdministrativeUnit.objects.get(name="Xã Vinh Quý").code, "Xã Vinh Quý")]


def test_convert_unknown_or_partial_addresses():
    load_lineage("79")
    with pytest.raises(ApplicationError) as exc:
        lineage.convert_old_address("  ")
    assert exc.value.code == "address-required"
    partial = lineage.convert_old_address("Bình Dương")
    assert not partial.found and partial.old_province is not None and partial.old_province.name == "Tỉnh Bình Dương"
    assert partial.new_province is not None and partial.new_province.code == "79"
    assert "chưa nhận ra xã" in partial.message
    unknown = lineage.convert_old_address("không có ở đâu cả")
    assert not unknown.found and unknown.old_province is None
