"""Demo: a pending village merger in the demo commune (after the other modules, so that its preview counts their records)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from coso.core.demo import DemoContext
from coso.units.models import Reorganisation, Village


def build(ctx: DemoContext) -> None:
    admin = ctx.users.get("quantri.tinh")
    commune = ctx.communes[0] if ctx.communes else None
    if admin is None or commune is None or Reorganisation.objects.filter(province_code=commune.province_code).exists():
        return
    from coso.units.services import reorganisation_schedule

    smallest = list(Village.objects.filter(commune=commune, valid_to__isnull=True).order_by("households", "name")[:2])
    if len(smallest) < 2:
        return
    today = timezone.localdate()
    first_of_month = (today.replace(day=1) + dt.timedelta(days=62)).replace(day=1)
    names = " và ".join(v.name for v in smallest)
    r = reorganisation_schedule(
        actor=admin, province_code=commune.province_code, kind=Reorganisation.Kind.VILLAGE_MERGE, decision_number="18/NQ-HĐND",
        decision_date=today - dt.timedelta(days=5), effective_on=first_of_month, issuer="Hội đồng nhân dân tỉnh",
        title=f"Sáp nhập {names} ({commune.name})",
        spec={"commune": commune.code, "sources": [v.pk for v in smallest], "target_village": None,
              "new_name": f"{smallest[0].get_kind_display()} Đoàn Kết", "new_kind": smallest[0].kind},
    )
    ctx.notes.append(f"Sắp xếp chờ hiệu lực: {r.title}, ngày {first_of_month:%d/%m/%Y} (/units/reorganisations/{r.pk}/).")
