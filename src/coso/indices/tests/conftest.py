"""Fixtures of the indices tests: dossiers and feedback written with known figures.

Records are built with ``apps.get_model`` (test data only); the indices code reads them only through
the dossier and feedback selectors.
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any
from zoneinfo import ZoneInfo

from django.apps import apps

import pytest

VN = ZoneInfo("Asia/Ho_Chi_Minh")
_seq = itertools.count(1)


def at(day: dt.date, hour: int = 9) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, 0), tzinfo=VN)


@pytest.fixture(autouse=True)
def _media(tmp_path, settings):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def version(db):  # type: ignore[no-untyped-def]
    from coso.dossiers.tests.conftest import make_procedure

    return make_procedure()


@pytest.fixture
def make_dossier(version):  # type: ignore[no-untyped-def]
    """make_dossier(commune, received=date, finished=date|None, timeliness="", channel="counter", inputs=True,
    result_file=False, rating="", procedure_version=None (the fixture's procedure))."""
    Dossier = apps.get_model("dossiers", "Dossier")
    Attachment = apps.get_model("dossiers", "DossierAttachment")
    Rating = apps.get_model("dossiers", "DossierRating")

    def make(
        commune: Any,
        *,
        received: dt.date,
        finished: dt.date | None = None,
        timeliness: str = "",
        channel: str = "counter",
        inputs: bool = True,
        result_file: bool = False,
        rating: str = "",
        status: str | None = None,
        procedure_version: Any = None,
    ) -> Any:
        n = next(_seq)
        if status is None:
            status = "returned" if finished else "processing"
        d = Dossier.objects.create(
            code=f"T{commune.code}.{n:06d}",
            procedure_version=procedure_version or version,
            applicant_name="Nguyễn Văn A",
            applicant_phone="0909000111",
            channel=channel,
            submitted_at=at(received),
            received_at=at(received),
            start_date=received,
            due_date=received + dt.timedelta(days=5),
            finished_at=at(finished, 10) if finished else None,
            timeliness=timeliness,
            status=status,
            is_open=finished is None,
            province_code=commune.province_code,
            commune_code=commune.code,
        )
        if inputs:
            Attachment.objects.create(
                dossier=d, kind="input", document_name="Tờ khai", file="x/in.pdf", original_name="in.pdf", content_type="application/pdf", size=10
            )
        if result_file:
            Attachment.objects.create(
                dossier=d, kind="result", document_name="Kết quả", file="x/out.pdf", original_name="out.pdf", content_type="application/pdf", size=10
            )
        if rating:
            Rating.objects.create(
                dossier=d, level=rating, rated_at=at(finished or received, 11), province_code=commune.province_code, commune_code=commune.code
            )
        return d

    return make


@pytest.fixture
def make_feedback(db):  # type: ignore[no-untyped-def]
    Feedback = apps.get_model("feedback", "Feedback")
    Category = apps.get_model("feedback", "FeedbackCategory")

    def make(commune: Any, *, submitted: dt.date, late: bool = False, rating: str = "", status: str = "closed") -> Any:
        n = next(_seq)
        cat, _ = Category.objects.get_or_create(code="T1", defaults={"name": "Hạ tầng", "classification": "local"})
        due = submitted + dt.timedelta(days=30)
        return Feedback.objects.create(
            code=f"PA{n:06d}",
            category=cat,
            title="Đèn đường hỏng",
            text="Đèn đường hỏng ở khu phố 3",
            submitted_at=at(submitted),
            start_date=submitted,
            reject_due=due,
            info_due=due,
            answer_due=due,
            publish_due=due,
            late=late,
            rating=rating,
            status=status,
            province_code=commune.province_code,
            commune_code=commune.code,
        )

    return make


NOV = dt.date(2026, 11, 1)


@pytest.fixture
def november(commune, other_commune, make_dossier, make_feedback):  # type: ignore[no-untyped-def]
    """Hand-counted November 2026 for ``commune``:

    received 4 (1 online; 3 with files attached); finished 4: 2 on time, 1 early rated "not satisfied", 1 late;
    3 returned with a result, 1 of them with an electronic result file.
    2.1 = 3/4 = 75 % → 15/20;  5.4 = 2/4 = 50 % → 50 × 6 ÷ 90 = 3.33;  3.3 = 1/4 = 25 % → 25 × 4 ÷ 50 = 2;
    4.2 = 3/4 = 75 % → 75 × 6 ÷ 80 = 5.62 (5.625);  4.1 = 1/3 = 33.33 % → 1.33/4.
    Feedback 2 (1 late, 1 rated not useful): 5.2 = 1/2 = 50 % → 2.5/5;  5.3 = 0/2 → 0/2.
    ``other_commune``: 2 dossiers finished on time, online, with files → 2.1 = 100 %.
    """
    d = [
        make_dossier(commune, received=dt.date(2026, 11, 2), finished=dt.date(2026, 11, 5), timeliness="on_time", channel="online", result_file=True),
        make_dossier(commune, received=dt.date(2026, 11, 3), finished=dt.date(2026, 11, 6), timeliness="on_time"),
        make_dossier(commune, received=dt.date(2026, 11, 4), finished=dt.date(2026, 11, 6), timeliness="early", rating="unsatisfied"),
        make_dossier(commune, received=dt.date(2026, 11, 5), finished=dt.date(2026, 11, 20), timeliness="late", inputs=False, status="refused"),
    ]
    for day in (dt.date(2026, 11, 9), dt.date(2026, 11, 10)):
        make_dossier(other_commune, received=day, finished=day + dt.timedelta(days=1), timeliness="on_time", channel="online", result_file=True)
    make_feedback(commune, submitted=dt.date(2026, 11, 3), late=True)
    make_feedback(commune, submitted=dt.date(2026, 11, 4), rating="not_useful")
    return d


@pytest.fixture
def usage(commune, other_commune, foreign_commune, version, make_dossier):  # type: ignore[no-untyped-def]
    """Hand-counted indicator 3.2 (online services that received an online dossier). The communes' procedures:
    A = the fixture's 1.001193 (online, full process), B = 2.000001 (online, partial), C = 2.000002 (online, full),
    D = 2.000003 (not online): 3 online services in every province.

    ``commune`` in November: A online 3/11; B online 20/11 twice; C online 15/10 (outside the period) and at the
    counter 5/11 (paper); D at the counter 4/11 and "online" 6/11 (not an online service: not counted).
    → 3.2 = {A, B} ÷ {A, B, C} = 2/3 = 66.67 % → 66.67 × 4 ÷ 100 = 2.67 points.
    1–10/11: {A} = 1/3; Q4 2026: {A, B, C} = 3/3.  ``other_commune``: C online 9/11 → 1/3.
    Province 79 in November: {A, B, C} = 3/3.  ``foreign_commune`` (province 01): A online 12/11 → 1/3.
    National in November: (3 + 1) ÷ (3 + 3) = 66.67 %.
    """
    from coso.dossiers.tests.conftest import make_procedure

    b = make_procedure("2.000001", "Đăng ký kết hôn", online="partial")
    c = make_procedure("2.000002", "Đăng ký khai tử", online="full")
    d = make_procedure("2.000003", "Chứng thực bản sao", online="none")
    online = {"channel": "online"}
    make_dossier(commune, received=dt.date(2026, 11, 3), **online)
    make_dossier(commune, received=dt.date(2026, 11, 20), procedure_version=b, **online)
    make_dossier(commune, received=dt.date(2026, 11, 20), procedure_version=b, **online)
    make_dossier(commune, received=dt.date(2026, 10, 15), procedure_version=c, **online)
    make_dossier(commune, received=dt.date(2026, 11, 5), procedure_version=c)
    make_dossier(commune, received=dt.date(2026, 11, 4), procedure_version=d)
    make_dossier(commune, received=dt.date(2026, 11, 6), procedure_version=d, **online)
    make_dossier(other_commune, received=dt.date(2026, 11, 9), procedure_version=c, **online)
    make_dossier(foreign_commune, received=dt.date(2026, 11, 12), **online)
    return {"A": version, "B": b, "C": c, "D": d}


@pytest.fixture
def merged_units(commune, other_commune):  # type: ignore[no-untyped-def]
    """The 1/7/2025 lineage the predecessor drill-down tests use: an old commune (old province 80) merged into
    ``commune``; another old one divided, whose primary successor is ``commune`` and whose other part went to
    ``other_commune``. Returns (old, divided)."""
    merger = dt.date(2025, 7, 1)
    Unit = apps.get_model("units", "AdministrativeUnit")
    Succession = apps.get_model("units", "UnitSuccession")
    old = Unit.all_objects.create(code="27700", name="Xã cũ", level="commune", kind="xa", province_code="80", valid_from=None, valid_to=merger)
    divided = Unit.all_objects.create(code="27701", name="Xã chia", level="commune", kind="xa", province_code="80", valid_from=None, valid_to=merger)
    Succession.objects.create(predecessor=old, successor=commune, effective_on=merger, is_primary=True)
    Succession.objects.create(predecessor=divided, successor=commune, effective_on=merger, is_primary=True)
    Succession.objects.create(predecessor=divided, successor=other_commune, effective_on=merger, is_primary=False)
    return old, divided
