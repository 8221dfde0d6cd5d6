"""Browser journey: a province officer opens a commune's next-term list and sees the too-old and discipline flags."""

import pytest

from coso.planning import services
from coso.planning.models import Candidate
from coso.planning.tests.helpers import D, discipline, person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_province_officer_sees_flags(page, blogin, users, commune):
    pl = services.list_create(actor=users["home_affairs"], commune_code=commune.code, term="2030-2035", position_code="ct_ubnd")
    ok = person(commune, full_name="Nguyễn Thị Hoa", gender="female", birth_date=D(1988, 3, 3))
    services.candidate_add(actor=users["home_affairs"], planning_list=pl, person_id=ok.pk, entered_on=D(2026, 1, 5), decision="QĐ 5-QĐ/ĐU")
    old = person(commune, full_name="Trần Văn Lão", birth_date=D(1971, 8, 1))
    Candidate.objects.create(planning_list=pl, person=old, entered_on=D(2025, 3, 1), decision="QĐ 1-QĐ/ĐU ngày 1/3/2025",
                             province_code=pl.province_code, commune_code=pl.commune_code)
    late = person(commune, full_name="Lê Văn Phạt", birth_date=D(1985, 1, 1))
    services.candidate_add(actor=users["home_affairs"], planning_list=pl, person_id=late.pk, entered_on=D(2026, 1, 5), decision="QĐ 5-QĐ/ĐU")
    discipline(late, "khien_trach", D(2026, 4, 20))

    blogin(page, "province_home_affairs")
    page.goto(page.base + "/quy-hoach/?term=2030-2035")
    page.click(f'tr[data-list="{pl.pk}"] a')
    page.wait_for_load_state()
    old_row = page.locator(f'tr[data-person="{old.pk}"]')
    assert "Không đủ tuổi công tác trọn nhiệm kỳ" in old_row.locator('[data-flag="age"]').inner_text()
    late_row = page.locator(f'tr[data-person="{late.pk}"]')
    assert "thời gian chờ sau kỷ luật" in late_row.locator('[data-flag="discipline"]').inner_text()
    assert "20/04/2028" in late_row.inner_text()  # 24 months under Quy định 377-QĐ/TW
    assert page.locator(f'tr[data-person="{ok.pk}"] [data-flag="age"]').count() == 0
