"""The evaluations page approved the ids posted when ``str.isdigit()`` said they were digits, but that is also true of
"²" or "٣": int("²") raised and the page answered 500, and "٣" (an Arabic-Indic three) approved evaluation 3. Only ASCII
digits are ids now; anything else is ignored (nothing selected), never a 500."""

from __future__ import annotations

from coso.workforce import services
from coso.workforce.models import Evaluation

from .helpers import person


def test_ids_that_are_not_ascii_digits_are_ignored(users, commune, login):
    ev = services.evaluation_open(actor=users["home_affairs"], person=person(commune), year=2026)
    c = login(users["leader"])
    for ids in (["²"], ["٣"], [f"{ev.pk}".translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))]):
        r = c.post("/workforce/danh-gia/?year=2026", {"ids": ids}, follow=True)
        assert r.status_code == 200 and "Chưa chọn phiếu nào." in r.content.decode(), ids
    ev.refresh_from_db()
    assert ev.status == Evaluation.Status.DRAFT
