"""Demo data of the assignments app (called by `manage.py demo` after the workforce and planning demos).

The vacancies after the 2025 merger come from the workforce demo itself (province-assigned office quotas around
the staff in post, two deputy-secretary slots against one holder): nothing is invented here. For the rules to
show every state, the demo commune's leaders get an origin (the chair born in the commune, so local), and one
finance civil servant a rotation exemption (raising a child under 36 months, Decree 59/2019 Art. 38).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from coso.assignments.models import Origin, RotationExemption
from coso.core.demo import DemoContext
from coso.workforce import selectors as wf


def build(ctx: DemoContext) -> None:
    if Origin.objects.filter(province_code=ctx.province.code).exists():
        return
    bar = ctx.progress("Bố trí, luân chuyển")
    today = timezone.localdate()
    commune = ctx.communes[0]
    other = ctx.communes[1] if len(ctx.communes) > 1 else ctx.communes[0]
    staff = wf.incumbents(province_code=ctx.province.code, commune_codes=[commune.code], on=today)
    rng = ctx.rng("assignments")
    origins = []
    for p in staff:
        if p["position_code"] in ("bi_thu", "pho_bi_thu", "ct_ubnd", "pct_ubnd", "ct_hdnd", "pct_hdnd", "ct_mttq"):
            birth = commune.code if p["position_code"] == "ct_ubnd" or rng.random() < 0.3 else other.code
            origins.append(Origin(person_id=p["id"], birth_commune_code=birth, province_code=ctx.province.code, commune_code=commune.code))
    Origin.objects.bulk_create(origins)
    finance = next((p for p in staff if p["position_code"] == "cv_kinh_te"), None)
    if finance is not None:
        RotationExemption.objects.create(person_id=finance["id"], reason=RotationExemption.Reason.CHILD, valid_from=today - dt.timedelta(days=200),
                                         valid_to=today + dt.timedelta(days=700), province_code=ctx.province.code, commune_code=commune.code)
    bar.update(1, 1)
    bar.finish()
