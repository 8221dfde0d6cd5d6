"""A candidate's history lines were stored as Vietnamese sentences, so English pages (and the API read in English) showed
them in Vietnamese. The lines the system writes keep their source sentence and parameters and are shown in the reader's
language; a line written before (text only) is still shown as it was written."""

import pytest

from coso.planning import services
from coso.planning.models import CandidateEvent, RemovalProposal
from coso.planning.tests.helpers import D, discipline, person
from coso.workforce.models import Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(users, commune):  # type: ignore[no-untyped-def]
    ha = users["home_affairs"]
    plist = services.list_create(actor=ha, commune_code=commune.code, term="2030-2035", position_code="ct_ubnd")
    a = services.candidate_add(actor=ha, planning_list=plist, person_id=person(commune, full_name="Phạm Thị Dung").pk,
                               entered_on=D(2026, 1, 5), decision="QĐ 3-QĐ/ĐU")
    services.candidate_remove(actor=ha, candidate=a, on=D(2026, 2, 1), decision="QĐ 9-QĐ/ĐU", reason="chuyển công tác")
    b = services.candidate_add(actor=ha, planning_list=plist, person_id=person(commune, full_name="Lê Văn Bình").pk,
                               entered_on=D(2026, 1, 5), decision="QĐ 3-QĐ/ĐU")
    services.close_on_appointment(actor=ha, person_id=b.person_id, position_code="ct_ubnd", on=D(2026, 3, 1), decision="QĐ 12/QĐ-UBND")
    c = services.candidate_add(actor=ha, planning_list=plist, person_id=person(commune, full_name="Trần Văn Cũ").pk,
                               entered_on=D(2026, 1, 5), decision="QĐ 4")
    CandidateEvent.objects.create(candidate=c, on=D(2025, 12, 1), kind="note", text="Dòng ghi trước đây.")  # an old line: text only
    discipline(Person.objects.get(pk=c.person_id), "cach_chuc", D(2026, 5, 1))
    services.review_run(on=D(2026, 6, 1), actor=ha)
    services.proposal_decide(actor=ha, proposal=RemovalProposal.objects.get(candidate=c), accept=False, note="vẫn đủ điều kiện")
    return plist


VI = ["Vào quy hoạch theo QĐ 3-QĐ/ĐU.", "Đưa ra khỏi quy hoạch theo QĐ 9-QĐ/ĐU: chuyển công tác",
      "Đã được bổ nhiệm Chủ tịch UBND theo QĐ 12/QĐ-UBND.", "Dòng ghi trước đây.", "Rà soát năm 2026: đề xuất đưa ra khỏi quy hoạch (",
      "Giữ lại trong quy hoạch: vẫn đủ điều kiện"]
EN = ["Entered in planning under QĐ 3-QĐ/ĐU.", "Removed from planning under QĐ 9-QĐ/ĐU: chuyển công tác",
      "Appointed Chairperson of the People&#x27;s Committee under QĐ 12/QĐ-UBND.", "Dòng ghi trước đây.",
      "Review of 2026: removal from planning proposed (", "Kept in planning: vẫn đủ điều kiện"]


def test_history_in_vietnamese_by_default(login, users, history):
    c = login(users["home_affairs"])
    page = c.get(f"/quy-hoach/danh-sach/{history.pk}/").content.decode()
    for line in VI:
        assert line.replace("'", "&#x27;") in page, line
    api = c.get(f"/api/v1/planning/lists/{history.pk}").json()
    texts = {h["text"] for r in api["candidates"] for h in r["history"]}
    assert all(any(t.startswith(line) for t in texts) for line in VI), texts
    # the line as written stays in Vietnamese in the table (what an export or an old reader sees)
    assert CandidateEvent.objects.filter(kind="entered", text="Vào quy hoạch theo QĐ 3-QĐ/ĐU.").exists()


def test_history_in_english_for_an_english_reader(login, users, history, english_catalogue):
    from coso.planning.services import position_name

    c = login(users["home_affairs"])
    c.cookies["django_language"] = "en"
    page = c.get(f"/quy-hoach/danh-sach/{history.pk}/").content.decode()
    for line in EN:
        assert line in page, line
    assert "Vào quy hoạch theo" not in page and "Đã được bổ nhiệm" not in page and "Giữ lại trong quy hoạch" not in page
    api = c.get(f"/api/v1/planning/lists/{history.pk}").json()
    texts = {h["text"] for r in api["candidates"] for h in r["history"]}
    assert f"Appointed {position_name('ct_ubnd')} under QĐ 12/QĐ-UBND." in texts and "Entered in planning under QĐ 4." in texts, texts
