import unicodedata

import pytest

from coso.core.exceptions import ApplicationError
from coso.core.models import AuditLog
from coso.units import services
from coso.units.models import Village
from coso.units.tests.helpers import xlsx

pytestmark = pytest.mark.django_db

GOOD = [
    ["26734", "Khu phố 1", "Khu phố", 420, 1560, "", "", ""],
    [26734, "Tổ dân phố Bình An", "to_dan_pho", "1.234", 4000.0, "x", "có", "x"],
    ["26737", unicodedata.normalize("NFD", "Khu phố Nguyễn Trãi"), "khu pho", 10, 30, None, None, None],
]


def test_import_all_rows(users, commune, other_commune):
    result = services.villages_import(actor=users["province_home_affairs"], data=xlsx(GOOD))
    assert result == {"created": 3, "communes": ["26734", "26737"]}
    v = Village.objects.get(name="Tổ dân phố Bình An")
    assert (v.kind, v.households, v.population, v.is_border_or_island, v.is_security_hotspot, v.converted_from_thon) == ("to_dan_pho", 1234, 4000, True, True, True)
    assert Village.objects.filter(name="Khu phố Nguyễn Trãi", commune_code="26737").exists()  # stored NFC
    assert AuditLog.objects.filter(verb="village_import", object_type="units.Village").count() == 3
    row = AuditLog.objects.filter(verb="village_import", object_id=str(v.pk)).get()
    assert row.after["name"] == "Tổ dân phố Bình An" and row.commune_code == "26734"


def test_import_refuses_the_whole_file_and_lists_every_bad_row(users, commune, other_commune, foreign_commune):
    services.village_create(actor=users["sysadmin"], commune=commune, name="Khu phố 5", kind="khu_pho")
    rows = [
        ["26734", "Khu phố 1", "Khu phố", 420, 1560, "", "", ""],  # good
        ["00004", "Khu phố 2", "Khu phố", 1, 1, "", "", ""],  # another province
        ["26734", "Khu phố 3", "Xóm", 1, 1, "", "", ""],  # bad kind
        ["26734", "Khu phố 4", "Khu phố", -5, "abc", "", "", ""],  # negative, not a number
        ["26734", "khu phố 1", "Khu phố", 1, 1, "", "", ""],  # duplicate in file (case-insensitive)
        ["26734", "KHU PHỐ 5", "Khu phố", 1, 1, "", "", ""],  # duplicate of the database
        ["26734", "", "Khu phố", 1, 1, "", "", ""],  # no name
        ["99999", "Ấp 9", "Ấp", 1, 1, "", "", ""],  # unknown commune
        ["26734", "Thôn 7", "Thôn", 1, 1, "", "", "x"],  # conversion on a thôn
        ["26734", "Khu phố 8", "Khu phố", 1, 1, "maybe", "", ""],  # bad flag
    ]
    with pytest.raises(ApplicationError) as exc:
        services.villages_import(actor=users["province_home_affairs"], data=xlsx(rows))
    err = exc.value
    assert err.code == "import-invalid"
    found = {(e["row"], e["column"]) for e in err.details["rows"]}
    assert found == {
        (3, "Mã xã"), (4, "Loại"), (5, "Số hộ"), (5, "Số dân"), (6, "Tên thôn, tổ dân phố"), (7, "Tên thôn, tổ dân phố"),
        (8, "Tên thôn, tổ dân phố"), (9, "Mã xã"), (10, "Chuyển từ thôn"), (11, "Biên giới, hải đảo"),
    }
    assert all(e["message"] for e in err.details["rows"])
    assert "dòng 2" in next(e["message"] for e in err.details["rows"] if e["row"] == 6)
    assert "9 dòng" in err.message
    assert Village.objects.count() == 1  # nothing imported
    assert not AuditLog.objects.filter(verb="village_import").exists()


def test_commune_staff_may_import_only_into_their_commune(users, commune, other_commune):
    rows = [["26734", "Tổ 1", "Tổ dân phố", 1, 1, "", "", ""], ["26737", "Tổ 1", "Tổ dân phố", 1, 1, "", "", ""]]
    with pytest.raises(ApplicationError) as exc:
        services.villages_import(actor=users["home_affairs"], data=xlsx(rows))
    assert [(e["row"], e["column"]) for e in exc.value.details["rows"]] == [(3, "Mã xã")]
    with pytest.raises(ApplicationError) as exc:
        services.villages_import(actor=users["onestop"], data=xlsx(rows[:1]))
    assert "quyền" in exc.value.details["rows"][0]["message"]
    assert services.villages_import(actor=users["home_affairs"], data=xlsx(rows[:1]))["created"] == 1


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"not an excel file", "invalid-excel"),
        (b"PK\x03\x04garbage", "invalid-excel"),
        (xlsx([["26734", "X"]], headers=["Mã xã", "Tên thôn, tổ dân phố"]), "missing-columns"),
        (xlsx([]), "import-empty"),
    ],
)
def test_bad_files_are_refused_cleanly(users, commune, data, code):
    with pytest.raises(ApplicationError) as exc:
        services.villages_import(actor=users["sysadmin"], data=data)
    assert exc.value.code == code
    assert not Village.objects.exists()


def test_template_and_export_round_trip(users, commune):
    from coso.core.excel import read_rows

    template = read_rows(services.villages_template_bytes(), expected_headers=services.IMPORT_HEADERS)
    assert len(template) == 2
    services.villages_import(actor=users["sysadmin"], data=xlsx(GOOD[:2]))
    exported = read_rows(services.villages_export_bytes(Village.objects.order_by("name")), expected_headers=services.IMPORT_HEADERS)
    assert [(r["Mã xã"], r["Tên thôn, tổ dân phố"], r["Loại"], r["Số hộ"]) for r in exported] == [
        ("26734", "Khu phố 1", "Khu phố", 420), ("26734", "Tổ dân phố Bình An", "Tổ dân phố", 1234)
    ]
