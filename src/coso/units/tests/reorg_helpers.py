"""Builders for reorganisation tests: villages, people, feedback and tasks of a commune (fixtures, not user doors)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from coso.core.text import fold


def village(commune: Any, name: str, households: int = 200, population: int = 700) -> Any:
    from coso.units.models import Village

    return Village.objects.create(commune=commune, province_code=commune.province_code, commune_code=commune.code, name=name,
                                  name_folded=fold(name), kind="to_dan_pho", households=households, population=population)


def person(commune: Any, name: str = "Nguyễn Văn An", left: bool = False) -> Any:
    from coso.workforce.models import Person, PositionHolding

    p = Person.objects.create(province_code=commune.province_code, commune_code=commune.code, full_name=name, birth_date=dt.date(1985, 1, 1),
                              gender="male", kind="civil_servant", left_on=dt.date(2025, 1, 1) if left else None)
    PositionHolding.objects.create(person=p, province_code=commune.province_code, commune_code=commune.code, position_code="vp",
                                   started_on=dt.date(2020, 1, 1))
    return p


def feedback(commune: Any, village_obj: Any = None, status: str = "processing") -> Any:
    from coso.feedback.models import Feedback, FeedbackCategory

    n = Feedback.objects.count() + 1
    today = timezone.localdate()
    return Feedback.objects.create(code=f"PA-T-{n:05d}", category=FeedbackCategory.objects.first(), province_code=commune.province_code,
                                   commune_code=commune.code, village=village_obj, title="Đèn đường hỏng", text="Đèn đường hỏng",
                                   status=status, submitted_at=timezone.now(), start_date=today, reject_due=today, info_due=today,
                                   answer_due=today + dt.timedelta(days=15))


def spec_village_merge(commune: Any, sources: list[Any], new_name: str = "Tổ dân phố Hòa Bình") -> dict[str, Any]:
    return {"commune": commune.code, "sources": [v.pk for v in sources], "target_village": None, "new_name": new_name, "new_kind": "to_dan_pho"}
