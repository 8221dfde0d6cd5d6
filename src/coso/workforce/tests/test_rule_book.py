"""Workforce rules in the rule book: commune civil servants move from Decree 33/2023 titles to job positions on
1/7/2025 (Decree 170/2025), cadres stay on Decree 33; a province changes standards, quotas and the evaluation quota
from a date; the retirement roadmap is one dated rule used everywhere; bad table values are refused in Vietnamese."""

import datetime as dt
import io

import pytest
import time_machine
from openpyxl import load_workbook

from coso.core.exceptions import ApplicationError
from coso.rules.registry import declarations
from coso.rules.services import rule_change
from coso.rules.testing import set_rule
from coso.workforce import rules, selectors
from coso.workforce.models import PositionHolding
from coso.workforce.policy import Policy, evaluation_rule

from .helpers import person

pytestmark = pytest.mark.django_db

D = dt.date
NOW = dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))


def _staff(commune):
    """A civil servant on a Decree 33 title until 30/6/2025 and an office head after; an elected cadre."""
    servant = person(commune, full_name="Lê Văn Công", position_code="tp_kinh_te", degree_field="dia_chinh", political_theory="none")
    PositionHolding.objects.create(person=servant, position_code="dc_xd", started_on=D(2020, 1, 1), ended_on=D(2025, 6, 30),
                                   province_code=commune.province_code, commune_code=commune.code)
    PositionHolding.objects.create(person=servant, position_code="tp_kinh_te", started_on=D(2025, 7, 1),
                                   province_code=commune.province_code, commune_code=commune.code)
    cadre = person(commune, full_name="Phạm Thị Cán", kind="cadre", position_code="pct_ubnd", political_theory="so_cap")
    return servant, cadre


def _saigon(users, on, **kw):
    r = selectors.review(fetched_by=users["province_home_affairs"], on=on, **kw)
    return r, next(c for c in r["communes"] if c["code"] == "26734")


def test_civil_servant_decree33_before_1_7_2025_job_position_after_cadre_stays(users, commune):
    servant, cadre = _staff(commune)
    # 1/6/2025: both judged by Decree 33; the civil servant holds the land-administration title and meets it.
    r, saigon = _saigon(users, D(2025, 6, 1))
    assert {k: (g["staff"], g["compliant"]) for k, g in saigon["regimes"].items()} == {"nd33": (2, 1)}
    review = selectors.person_review(servant, on=D(2025, 6, 1))
    assert review["regime"] == "nd33" and review["gaps"] == [] and "Nghị định 33/2023" in review["rule_set"]
    # 1/8/2025: the civil servant is judged by the job-position standard (an office head needs trung cấp political theory);
    # the elected cadre still by Decree 33.
    r, saigon = _saigon(users, D(2025, 8, 1))
    assert {k: (g["staff"], g["compliant"], g["unplaced"]) for k, g in saigon["regimes"].items()} == {
        "nd33": (1, 0, 0), "job_position": (1, 0, 0)}
    review = selectors.person_review(servant, on=D(2025, 8, 1))
    assert review["regime"] == "job_position" and [g["standard"] for g in review["gaps"]] == ["political_theory"]
    assert any("29/2024" in s for s in review["sources"])
    assert selectors.person_review(cadre, on=D(2025, 8, 1))["regime"] == "nd33"
    drill, _ = _saigon(users, D(2025, 8, 1), commune="26734", standard="political_theory")
    assert {p["full_name"]: p["regime_short"] for p in drill["people"]} == {"Lê Văn Công": "Vị trí việc làm", "Phạm Thị Cán": "NĐ 33/2023"}


def test_pages_and_exports_name_the_regime(users, commune, login):
    servant, _cadre = _staff(commune)
    client = login(users["province_home_affairs"])
    body = client.get("/workforce/ra-soat/?on=01/08/2025&commune=26734").content.decode()
    assert 'id="regimes-table"' in body and "Vị trí việc làm (Luật Cán bộ, công chức 80/2025/QH15" in body and "Nghị định 33/2023/NĐ-CP" in body
    body = client.get(f"/workforce/nguoi/{servant.pk}/?on=01/08/2025").content.decode()
    assert "Bộ tiêu chuẩn" in body and "Vị trí việc làm" in body
    body = client.get(f"/workforce/nguoi/{servant.pk}/?on=01/06/2025").content.decode()
    assert "Chức danh, chức vụ theo Nghị định 33/2023/NĐ-CP" in body
    api = client.get(f"/api/v1/workforce/people/{servant.pk}?on=2025-08-01").json()
    assert "Vị trí việc làm" in api["rule_set"] and api["regime"] == "job_position" and api["placed"] is True
    assert client.get("/api/v1/workforce/review?on=2025-08-01").json()["total"]["regimes"]["nd33"]["staff"] == 1
    wb = load_workbook(io.BytesIO(client.get("/workforce/ra-soat/bao-cao.xlsx?on=01/08/2025&commune=26734").content))
    headers = [c.value for c in next(wb["Tổng hợp"].iter_rows(min_row=3, max_row=3))]
    assert "Vị trí việc làm: số người" in headers and "NĐ 33/2023: số người" in headers and "Căn cứ biên chế" in headers
    notes = [row[0].value for row in wb["Căn cứ"].iter_rows(min_row=2)]
    assert any(n.startswith("Vị trí việc làm") and "1 người" in n for n in notes)
    assert {row[0].value: row[2].value for row in wb["Chưa đạt chuẩn"].iter_rows(min_row=2)} == {
        "Lê Văn Công": "Vị trí việc làm", "Phạm Thị Cán": "NĐ 33/2023"}
    assert client.get("/workforce/ra-soat/bao-cao.pdf?on=01/08/2025").content.startswith(b"%PDF")


def test_civil_servant_not_yet_placed_in_a_job_position(users, commune, login):
    p = person(commune, full_name="Chưa Bố Trí", position_code="tc_kt", degree_field="luat")
    _r, saigon = _saigon(users, D(2025, 8, 1))
    assert saigon["regimes"]["job_position"]["unplaced"] == 1 and saigon["compliance_rate"] == 1.0  # the common floor only
    body = login(users["province_home_affairs"]).get(f"/workforce/nguoi/{p.pk}/?on=01/08/2025").content.decode()
    assert 'id="not-placed"' in body


def test_province_fills_in_a_job_position_standard_from_a_date(users, commune, other_commune, foreign_commune):
    for c in (commune, other_commune, foreign_commune):
        person(c, full_name=f"Văn Phòng {c.code}", it="none", foreign_language="none")
    with time_machine.travel(NOW, tick=False):
        result = rule_change(actor=users["province_admin"], key="workforce.standards.job_position.cv_vp",
                             value={"degree_fields": ["hanh_chinh", "luat"], "it": "co_ban"}, valid_from=D(2026, 12, 7),
                             province_code="79", reason="Quyết định phê duyệt vị trí việc làm số 12/QĐ-UBND",
                             source_document="Quyết định 12/QĐ-UBND của UBND Thành phố")
    assert result.rule.scope == "province"
    # One commune of the province adds a language requirement from 2027 (its own job description).
    set_rule("workforce.standards.job_position.cv_vp", {"degree_fields": ["hanh_chinh", "luat"], "it": "co_ban", "foreign_language": "bac3"},
             valid_from=D(2027, 1, 1), province_code="79", commune_code=commune.code)

    def failed(on):
        r = selectors.review(fetched_by=users["sysadmin"], on=on)
        return {c["code"]: sorted(k for k, v in c["by_standard"].items() if v["met"] < v["checked"]) for c in r["communes"]}

    assert failed(D(2026, 12, 6)) == {"26734": [], "26737": [], "00004": []}
    assert failed(D(2026, 12, 7)) == {"26734": ["it"], "26737": ["it"], "00004": []}
    assert failed(D(2027, 1, 5)) == {"26734": ["foreign_language", "it"], "26737": ["it"], "00004": []}
    ref = Policy(D(2026, 12, 7)).standard("cv_vp", "civil_servant", "79")
    assert "Quyết định 12/QĐ-UBND của UBND Thành phố" in ref["_sources"]


def test_rule_change_refuses_bad_tables_in_vietnamese(users):
    with time_machine.travel(NOW, tick=False):
        with pytest.raises(ApplicationError) as exc:
            rule_change(actor=users["province_admin"], key="workforce.standards.kind.civil_servant", value={"degree_level": "tien_sy"},
                        valid_from=D(2027, 1, 1), province_code="79", reason="Quyết định của tỉnh")
        assert exc.value.code == "rule-bad-value"
        assert "Trình độ chuyên môn: “tien_sy” không có trong danh mục" in exc.value.message
        assert exc.value.details["fields"]["value"] == [exc.value.message]
        with pytest.raises(ApplicationError) as exc:
            rule_change(actor=users["province_admin"], key="workforce.quota.offices", value={"offices": {"ubnd": "ba"}},
                        valid_from=D(2027, 1, 1), province_code="79", reason="Quyết định của tỉnh")
        assert "Biên chế theo cơ quan, bộ phận › ubnd: phải là số nguyên" in exc.value.message
        with pytest.raises(ApplicationError) as exc:
            rule_change(actor=users["sysadmin"], key="workforce.evaluation.thresholds", value={"xuat_sac": 60, "tot": 70, "hoan_thanh": 50},
                        valid_from=D(2027, 1, 1), reason="Thử")
        assert "ngưỡng xuất sắc > ngưỡng tốt > ngưỡng hoàn thành" in exc.value.message
        # The retirement roadmap and the evaluation regimes are national law: a province cannot set its own.
        with pytest.raises(ApplicationError) as exc:
            rule_change(actor=users["province_admin"], key="workforce.retirement.roadmap", value={}, valid_from=D(2027, 1, 1),
                        province_code="79", reason="Thử")
        assert exc.value.code == "rule-bad-scope"


def test_province_changes_office_quota_and_excellent_quota(users, commune, foreign_commune):
    person(commune)
    offices = {"dang_uy": 3, "hdnd": 2, "ubnd": 3, "mttq": 1, "vp_hdnd_ubnd": 10, "phong_kinh_te": 6, "phong_vhxh": 5, "tt_phvhc": 4}
    set_rule("workforce.quota.offices", {"offices": offices}, valid_from=D(2026, 3, 1), province_code="79")

    def vp_quota(on):
        _r, saigon = _saigon(users, on)
        return {line["office"]: line["quota"] for line in saigon["quota"]["lines"]}["Văn phòng HĐND và UBND"]

    assert (vp_quota(D(2026, 2, 28)), vp_quota(D(2026, 3, 1))) == (8, 10)
    set_rule("workforce.evaluation.excellent_quota.nd335", 30, valid_from=D(2027, 1, 1), province_code="79")
    assert evaluation_rule(2026, "civil_servant", "79")["quota"]["max_ratio"] == 0.2
    rule_2027 = evaluation_rule(2027, "civil_servant", "79", commune.code)
    assert rule_2027["quota"]["max_ratio"] == 0.3 and rule_2027["quota"]["source"] == "Quy định thử nghiệm"
    assert rules.quota_excess(["tot"] * 10 + ["xuat_sac"] * 3, rule_2027) is None
    assert evaluation_rule(2027, "civil_servant", "01")["quota"]["max_ratio"] == 0.2


def test_retirement_roadmap_is_one_dated_rule_used_everywhere(users, commune, login):
    p = person(commune, full_name="Sắp Hưu", gender="male", birth_date=D(1965, 6, 15))
    roadmap = Policy(D(2026, 1, 1)).roadmap
    with time_machine.travel(NOW, tick=False):
        assert p.retirement_date == D(2027, 1, 1)  # 61y6m in 2026 (Labour Code 2019 Art. 169)
        # A (hypothetical) law from 1/6/2026: +6 months a year up to 65.
        set_rule("workforce.retirement.roadmap", {**roadmap, "male": {**roadmap["male"], "step_months": 6, "cap_months": 65 * 12}},
                 valid_from=D(2026, 6, 1))
        assert p.retirement_date == D(2029, 10, 1)
        within_1 = {on: [x.full_name for x in selectors.person_list(fetched_by=users["home_affairs"], retiring_within=1, on=on)]
                    for on in (D(2026, 5, 31), D(2026, 6, 1))}
        assert within_1 == {D(2026, 5, 31): ["Sắp Hưu"], D(2026, 6, 1): []}
        assert [_saigon(users, on)[1]["retire"]["1"] for on in (D(2026, 5, 31), D(2026, 6, 1))] == [1, 0]
        assert "01/10/2029" in login(users["home_affairs"]).get(f"/workforce/nguoi/{p.pk}/").content.decode()


def test_every_workforce_key_is_declared_with_a_shipped_value():
    keys = {d.key for d in declarations("workforce")}
    assert {"workforce.retirement.roadmap", "workforce.standards.job_position.*", "workforce.quota.decree33",
            "workforce.evaluation.thresholds"} <= keys
    import re
    from pathlib import Path

    from coso.rules.services import read_rule_file

    shipped = read_rule_file(Path(rules.__file__).parent / "data" / "rules.json")
    assert {d.key for d in declarations("workforce") if not d.is_family} <= {r["key"] for r in shipped}
    for r in shipped:  # a legal document (never a news site) and a confidence; what is not confirmed says what would confirm it
        source = " ".join(r["source"].values())
        assert r["source"]["document"] and not re.search(r"https?:|www\.|\.(vn|com|net)\b", source), r["key"]
        assert r["confidence"] in ("C", "C-3p", "I", "R")
        if r["confidence"] in ("I", "R"):
            assert re.search("[Xx]ác nhận|[Đđ]ối chiếu", r.get("note", "")), r["key"]
    book = Policy(D(2026, 1, 1)).book
    assert book.ref("workforce.retirement.roadmap", D(2026, 1, 1)).source_document.startswith("Bộ luật Lao động 2019")


def test_sql_review_equals_the_pure_rules_person_by_person(users, commune, other_commune):
    """The database counts of the review agree with check_standards and retirement_date applied to each person."""
    import random

    from coso.workforce import demo
    from coso.workforce.models import Person

    other_commune.is_difficult_area = True
    other_commune.save()
    rng = random.Random(5)
    people = demo.bulk_people([p for p in demo.generate(rng, [commune, other_commune], today=D(2026, 11, 1), scale=2.0)])
    PositionHolding.objects.bulk_create(demo._holdings(people))
    person(commune, full_name="Không Rõ Chức Vụ", position_code="", kind="civil_servant")  # no position at all
    set_rule("workforce.standards.job_position.cv_vp", {"degree_fields": ["luat"], "foreign_language": "bac2"}, valid_from=D(2025, 7, 1),
             province_code="79", commune_code=commune.code)
    for on in (D(2024, 3, 1), D(2025, 8, 1), D(2026, 11, 27)):
        policy = Policy(on)
        expected: dict = {}
        for p in Person.objects.filter(selectors.active_q(on)):
            held = (p.positions.filter(started_on__lte=on).exclude(ended_on__lt=on).order_by("started_on", "id").last()
                    if on < D(2026, 11, 30) else None)
            position = held.position_code if held else p.position_code
            unit = commune if p.commune_code == commune.code else other_commune
            req = policy.standard(position, p.kind, p.province_code, p.commune_code, difficult_area=unit.is_difficult_area)
            gaps = {g["standard"] for g in rules.check_standards(p.qualification_dict(), req, on)}
            e = expected.setdefault(p.commune_code, {"staff": 0, "compliant": 0, "checked": {}, "met": {}, "regimes": {}, "retire": [0, 0, 0],
                                                     "ages": [0] * 5, "kinds": {}, "offices": {}, "women": 0, "minority": 0})
            e["staff"] += 1
            e["kinds"][p.kind] = e["kinds"].get(p.kind, 0) + 1
            e["women"] += p.gender == "female"
            e["minority"] += p.is_ethnic_minority
            if p.kind in ("cadre", "civil_servant"):
                office = rules.office_of(position) if held else p.office_code
                e["offices"][office] = e["offices"].get(office, 0) + 1
            e["compliant"] += not gaps
            for std in rules.checked_standards(req):
                e["checked"][std] = e["checked"].get(std, 0) + 1
                e["met"][std] = e["met"].get(std, 0) + (std not in gaps)
            regime = (req or {}).get("_regime", "") or "none"
            r = e["regimes"].setdefault(regime, [0, 0, 0])
            r[0], r[1], r[2] = r[0] + 1, r[1] + (not gaps), r[2] + (not (req or {}).get("_placed", True))
            rd = policy.retirement_date(p.birth_date, p.gender)
            for i, n in enumerate((1, 3, 5)):
                e["retire"][i] += rd <= rules.add_months(on, 12 * n)
            age = rules.age_on(p.birth_date, on)
            e["ages"][0 if age < 30 else 1 if age < 40 else 2 if age < 50 else 3 if age < 60 else 4] += 1
        got = {c["code"]: c for c in selectors.review(fetched_by=users["sysadmin"], on=on)["communes"]}
        assert set(got) == set(expected)
        for code, e in expected.items():
            c = got[code]
            assert (c["staff"], c["compliant"]) == (e["staff"], e["compliant"]), (on, code)
            assert {k: (v["checked"], v["met"]) for k, v in c["by_standard"].items()} == {k: (n, e["met"][k]) for k, n in e["checked"].items()}
            assert {k: [v["staff"], v["compliant"], v["unplaced"]] for k, v in c["regimes"].items()} == e["regimes"], (on, code)
            assert [c["retire"][h] for h in ("1", "3", "5")] == e["retire"]
            assert list(c["ages"].values()) == e["ages"]
            assert (c["kinds"], c["women"], c["minority"]) == (e["kinds"], e["women"], e["minority"])
            names = {o: rules.offices()[o]["name"] for o in e["offices"] if o}
            if c["quota"]["rule"] == "assigned":
                lines = {line["office"]: line["staff"] for line in c["quota"]["lines"]}
                assert {names[o]: n for o, n in e["offices"].items() if o} == {k: n for k, n in lines.items() if n}


def test_a_change_tells_the_editor_what_it_meets(users, commune):
    with time_machine.travel(NOW, tick=False):
        result = rule_change(actor=users["province_admin"], key="workforce.evaluation.excellent_quota.nd335", value=25,
                             valid_from=D(2027, 3, 1), province_code="79", reason="Nghị quyết của Tỉnh ủy")
        assert any("từ năm 2028" in w for w in result.warnings)
        assert [evaluation_rule(y, "civil_servant", "79")["quota"]["max_ratio"] for y in (2027, 2028)] == [0.2, 0.25]
        result = rule_change(actor=users["province_admin"], key="workforce.standards.kind.civil_servant",
                             value={"age_min": 18, "general_education": "thpt", "degree_level": "dai_hoc", "it": "co_ban"},
                             valid_from=D(2027, 1, 1), province_code="79", reason="Quyết định của UBND tỉnh")
        assert any("trước 01/01/2027 vẫn theo giá trị cũ" in w for w in result.warnings)


def test_a_province_defines_a_job_position_of_its_own(users, commune, foreign_commune, login):
    value = {"name": "Công chức địa chính (Phòng Kinh tế)", "office": "phong_kinh_te", "degree_level": "dai_hoc", "degree_fields": ["dia_chinh"]}
    with time_machine.travel(NOW, tick=False):
        rule_change(actor=users["province_admin"], key="workforce.standards.job_position.cv_dia_chinh", value=value, valid_from=D(2026, 12, 7),
                    province_code="79", reason="Quyết định phê duyệt vị trí việc làm số 12/QĐ-UBND")
    payload = {"full_name": "Đỗ Văn Địa", "birth_date": "1990-04-05", "gender": "male", "kind": "civil_servant", "position_code": "cv_dia_chinh",
               "citizen_id": "079090000111", "degree_level": "dai_hoc", "degree_field": "luat"}
    with time_machine.travel(dt.datetime(2026, 12, 8, 9, 0, tzinfo=NOW.tzinfo), tick=False):
        client = login(users["home_affairs"])
        resp = client.post("/api/v1/workforce/people", payload, content_type="application/json")
        assert resp.status_code == 201 and resp.json()["position_name"] == "Công chức địa chính (Phòng Kinh tế)"
        assert resp.json()["office_code"] == "phong_kinh_te"
        pid = resp.json()["id"]
        # Another province does not have the position.
        other = login(users["sysadmin"]).post("/api/v1/workforce/people", {**payload, "citizen_id": "", "commune_code": foreign_commune.code},
                                              content_type="application/json")
        assert other.json()["code"] == "unknown-position"
        review = selectors.person_review(selectors.Person.objects.get(pk=pid), on=D(2026, 12, 8))
        assert review["regime"] == "job_position" and review["placed"] is True
        assert [g["standard"] for g in review["gaps"]] == ["degree_field"]
