import datetime as dt

from coso.workforce.models import Discipline, Evaluation, Person

D = dt.date


def person(commune, **kw) -> Person:
    data = {"full_name": "Lê Văn Cường", "birth_date": D(1988, 5, 6), "gender": "male", "kind": "civil_servant", "position_code": "cv_vp",
            "degree_level": "dai_hoc", "degree_field": "hanh_chinh", "it": "co_ban", "political_theory": "trung_cap", "citizen_id": "",
            "province_code": commune.province_code, "commune_code": commune.code, "started_on": D(2015, 1, 1)}
    data.update(kw)
    return Person.objects.create(**data)


def discipline(p: Person, form: str, decided: dt.date) -> Discipline:
    return Discipline.objects.create(person=p, form=form, decided_on=decided, province_code=p.province_code, commune_code=p.commune_code)


def evaluation(p: Person, year: int, level: str) -> Evaluation:
    return Evaluation.objects.create(person=p, year=year, level=level, status="approved", province_code=p.province_code, commune_code=p.commune_code)
