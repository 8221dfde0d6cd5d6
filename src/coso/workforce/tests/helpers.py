import datetime as dt
import io

from openpyxl import Workbook

from coso.workforce.models import Person
from coso.workforce.services import COLUMNS


def xlsx(rows: list[dict]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append([h for _, h in COLUMNS])
    for r in rows:
        ws.append([r.get(k, "") for k, _ in COLUMNS])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def row(**kw) -> dict:
    base = {"full_name": "Nguyễn Văn An", "birth_date": "15/03/1985", "gender": "Nam", "ethnicity": "Kinh", "citizen_id": "079085001234",
            "party_member": "x", "kind": "civil_servant", "position_code": "cv_vp", "started_on": "01/07/2025", "commune_code": "26734",
            "general_education": "thpt", "degree_level": "dai_hoc", "degree_field": "hanh_chinh", "political_theory": "trung_cap",
            "state_management": "chuyen_vien", "it": "co_ban", "foreign_language": "bac2"}
    base.update(kw)
    return base


def person(commune, **kw) -> Person:
    data = {"full_name": "Trần Thị Bình", "birth_date": dt.date(1988, 5, 6), "gender": "female", "kind": "civil_servant", "position_code": "cv_vp",
            "degree_level": "dai_hoc", "degree_field": "hanh_chinh", "it": "co_ban", "citizen_id": "",
            "province_code": commune.province_code, "commune_code": commune.code, "started_on": dt.date(2020, 1, 1)}
    data.update(kw)
    return Person.objects.create(**data)
