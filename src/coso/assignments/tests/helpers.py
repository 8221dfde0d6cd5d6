import datetime as dt

from coso.workforce.models import Person, PositionHolding

D = dt.date
SINCE = D(2020, 1, 1)
ENTERED = D(2026, 1, 5)


def person(commune, *, position="cv_vp", since=SINCE, history=(), **kw) -> Person:
    """A person in office holding ``position`` since ``since`` (position history included); ``history`` = earlier
    (position, start, end) rows."""
    from coso.workforce.rules import office_of, positions

    data = {"full_name": "Lê Văn Cường", "birth_date": D(1985, 5, 6), "gender": "male", "kind": positions()[position]["kind"],
            "position_code": position, "degree_level": "dai_hoc", "degree_field": "hanh_chinh", "it": "co_ban", "political_theory": "trung_cap",
            "general_education": "thpt", "state_management": "chuyen_vien", "foreign_language": "bac2", "citizen_id": "",
            "province_code": commune.province_code, "commune_code": commune.code, "started_on": D(2010, 1, 1)}
    data.update(kw)
    p = Person.objects.create(**data)
    for pos, start, end in history:
        PositionHolding.objects.create(person=p, position_code=pos, office_code=office_of(pos), started_on=start, ended_on=end,
                                       province_code=p.province_code, commune_code=p.commune_code)
    PositionHolding.objects.create(person=p, position_code=position, office_code=office_of(position), started_on=since,
                                   province_code=p.province_code, commune_code=p.commune_code)
    return p


def plan(actor, commune, person_obj, position, *, entered=ENTERED, term="2025-2030"):
    """Put a person in the planning list of ``position`` (through the planning services)."""
    from coso.planning import services as ps
    from coso.planning.models import PlanningList

    pl = PlanningList.objects.filter(commune_code=commune.code, term=term, position_code=position).first()
    if pl is None:
        pl = ps.list_create(actor=actor, commune_code=commune.code, term=term, position_code=position)
    return ps.candidate_add(actor=actor, planning_list=pl, person_id=person_obj.pk, entered_on=entered, decision="QĐ 12-QĐ/ĐU")
