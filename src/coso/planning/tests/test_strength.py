"""The planning app feeds the workforce pillar of the commune-strength index (posts with someone in planning, mandatory
programmes completed) without any change to the index code."""

from __future__ import annotations

import pytest

from coso.indices.periods import Period
from coso.indices.strength import INPUTS, InputContext
from coso.planning import services
from coso.planning.tests.helpers import D, person
from coso.workforce.services import training_completed

pytestmark = pytest.mark.django_db
JUNE = Period("month", D(2026, 6, 1), D(2026, 6, 30))


def _ctx(users, who, *communes, period=JUNE):  # type: ignore[no-untyped-def]
    return InputContext(codes=[c.code for c in communes], province_code=communes[0].province_code, period=period, viewer=users[who], facts={})


def _candidate(actor, commune, term, post, p, entered):  # type: ignore[no-untyped-def]
    plist = services.list_create(actor=actor, commune_code=commune.code, term=term, position_code=post)
    return services.candidate_add(actor=actor, planning_list=plist, person_id=p.pk, entered_on=entered, decision="QĐ 1/QĐ-ĐU")


def test_posts_with_someone_in_planning_on_the_periods_last_day(users, commune, other_commune):
    assert INPUTS["workforce.planning"].provider is not None
    ha = users["home_affairs"]
    vice = person(commune, full_name="Phó Chủ Tịch", position_code="pct_ubnd", kind="cadre", birth_date=D(1980, 1, 1),
                  political_theory="cao_cap", state_management="chuyen_vien_chinh")
    head = person(commune, full_name="Chánh Văn Phòng", position_code="cvp", birth_date=D(1985, 1, 1), state_management="chuyen_vien")
    staff = person(commune, full_name="Chuyên Viên", position_code="cv_vp", birth_date=D(1990, 1, 1), state_management="chuyen_vien")
    _candidate(ha, commune, "2025-2030", "ct_ubnd", vice, D(2026, 1, 10))  # in planning on 30/6
    removed = _candidate(ha, commune, "2025-2030", "pct_ubnd", head, D(2026, 1, 10))
    services.candidate_remove(actor=ha, candidate=removed, on=D(2026, 5, 1), decision="QĐ 2/QĐ-ĐU", reason="Chuyển công tác")  # out before 30/6
    _candidate(ha, commune, "2030-2035", "cvp", staff, D(2026, 3, 1))  # the next term's planning counts too
    _candidate(ha, commune, "2025-2030", "ct_mttq", head, D(2026, 7, 1))  # entered after the period

    values = INPUTS["workforce.planning"].provider(_ctx(users, "province_home_affairs", commune, other_commune))
    # 2 of the 11 plannable posts (ct_ubnd, cvp); the other commune keeps no planning list in Coso: no data, not 0
    assert values == {commune.code: round(2 * 100 / 11, 2), other_commune.code: None}
    # in April the removed candidate was still in planning
    april = Period("month", D(2026, 4, 1), D(2026, 4, 30))
    assert INPUTS["workforce.planning"].provider(_ctx(users, "leader", commune, period=april)) == {commune.code: round(3 * 100 / 11, 2)}
    # a viewer who may not see planning gets no value
    assert INPUTS["workforce.planning"].provider(_ctx(users, "province_finance", commune)) == {}


def test_mandatory_programmes_completed_by_the_periods_last_day(users, commune, other_commune):
    assert INPUTS["workforce.training"].provider is not None
    ha = users["home_affairs"]
    done = person(commune, full_name="Đã Học", position_code="cvp")
    late = person(commune, full_name="Học Sau", position_code="tp_kinh_te")
    person(commune, full_name="Chưa Học", position_code="tp_vhxh")
    person(commune, full_name="Không Bắt Buộc", position_code="cv_vp")  # no mandatory programme for this post
    person(other_commune, full_name="Xã Khác", position_code="cv_vp")
    for p, ended in ((done, D(2026, 3, 20)), (late, D(2026, 7, 15))):
        training_completed(actor=ha, person_id=p.pk, standard="programme", level="lanh_dao_cap_phong",
                           name="Bồi dưỡng lãnh đạo, quản lý cấp phòng", ended_on=ended)

    values = INPUTS["workforce.training"].provider(_ctx(users, "province_home_affairs", commune, other_commune))
    # 1 of the 3 heads of office had completed it by 30/6; nobody in the other commune holds such a post
    assert values == {commune.code: round(100 / 3, 2), other_commune.code: None}
    july = Period("month", D(2026, 7, 1), D(2026, 7, 31))
    assert INPUTS["workforce.training"].provider(_ctx(users, "leader", commune, period=july)) == {commune.code: round(200 / 3, 2)}
    assert INPUTS["workforce.training"].provider(_ctx(users, "citizen", commune)) == {}


def test_the_leaders_dashboard_shows_the_planning_input_with_its_value(users, login, commune):
    ha = users["home_affairs"]
    vice = person(commune, full_name="Phó Chủ Tịch", position_code="pct_ubnd", kind="cadre", birth_date=D(1980, 1, 1),
                  political_theory="cao_cap", state_management="chuyen_vien_chinh")
    _candidate(ha, commune, "2025-2030", "ct_ubnd", vice, D(2026, 1, 10))
    html = login(users["leader"]).get("/chi-so/?period=2026-06").content.decode()
    table = html.split('id="strength"', 1)[1].split("</table>", 1)[0]
    row = table.split("Vị trí lãnh đạo có người trong quy hoạch", 1)[1].split("</tr>", 1)[0]
    assert "9,09" in row or "9.09" in row, row  # 1 of 11 posts
    assert "Chưa có chức năng" not in row


def test_mandatory_programmes_count_the_post_held_on_the_periods_last_day(users, commune):
    """The figure of a past period counted the post each person holds today (the register), not the one held on the period's
    last day: a head of office moved to a specialist post in August dropped out of June's figure, and a specialist promoted
    head of office in August, trained in March, counted in June. The position history now gives the post held that day."""
    from coso.workforce.models import PositionHolding

    ha = users["home_affairs"]
    moved = person(commune, full_name="Thôi Chánh Văn Phòng", position_code="cv_vp")
    promoted = person(commune, full_name="Lên Chánh Văn Phòng", position_code="cvp")
    for p, first, then in ((moved, "cvp", "cv_vp"), (promoted, "cv_vp", "cvp")):
        PositionHolding.objects.create(person=p, position_code=first, started_on=D(2020, 1, 1), ended_on=D(2026, 7, 31),
                                       province_code=p.province_code, commune_code=p.commune_code)
        PositionHolding.objects.create(person=p, position_code=then, started_on=D(2026, 8, 1), province_code=p.province_code,
                                       commune_code=p.commune_code)
    training_completed(actor=ha, person_id=promoted.pk, standard="programme", level="lanh_dao_cap_phong",
                       name="Bồi dưỡng lãnh đạo, quản lý cấp phòng", ended_on=D(2026, 3, 20))
    # on 30/6 only the one who was head of office then holds such a post, and had not completed it
    assert INPUTS["workforce.training"].provider(_ctx(users, "province_home_affairs", commune)) == {commune.code: 0.0}
