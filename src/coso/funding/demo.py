"""Demo data for the funding app (called by `manage.py demo`): organisations of each commune, part-time
worker counts, and two ready-made scenarios. Villages come from the units demo."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from coso.core.demo import DemoContext
from coso.funding.models import ExtraWorkers, Organisation, Scenario, ScenarioChange
from coso.funding.rule_keys import ASSOCIATION_NAMES
from coso.funding.services import STANDARD_ORGS

DECREE_33_START = dt.date(2023, 8, 1)
ASSOCIATIONS = ["nguoi_cao_tuoi", "chu_thap_do", "khuyen_hoc", "bao_tro_nkt", "cuu_tnxp", "nan_nhan_da_cam"]
SCENARIOS = [
    ("Nâng quỹ thôn lên 5,0", "Quỹ phụ cấp thôn, tổ dân phố mức thường từ 4,5 lên 5,0 × lương cơ sở.", [("funding.village.coef.low", "set", Decimal("5.0"))]),
    ("MTTQ +20%", "Khoán kinh phí hoạt động và kinh phí Cuộc vận động của UB MTTQ xã tăng 20%.",
     [("funding.org.mttq.*", "percent", Decimal("20")), ("funding.mttq_campaign.*", "percent", Decimal("20"))]),
]


def build_organisations(communes, rng, progress=None) -> int:  # type: ignore[no-untyped-def]
    """Bulk-create the Front, the four socio-political organisations and 2–4 special associations per commune."""
    labels = ASSOCIATION_NAMES
    done = set(Organisation.objects.filter(commune__in=communes).values_list("commune_id", flat=True).distinct()) if len(communes) < 5000 else set(
        Organisation.objects.values_list("commune_id", flat=True).distinct())
    batch: list[Organisation] = []
    profiles: list[ExtraWorkers] = []
    count = 0
    for i, c in enumerate(communes):
        if c.pk in done:
            continue
        for kind, label in STANDARD_ORGS:
            if kind == Organisation.Kind.NONG_DAN and c.kind == "phuong" and rng.random() < 0.3:
                continue  # some urban wards have no Farmers' Union
            batch.append(Organisation(commune=c, province_code=c.province_code, commune_code=c.code, kind=kind, name=f"{label} {c.name}"))
        for code in rng.sample(ASSOCIATIONS, rng.randint(2, 4)):
            batch.append(Organisation(commune=c, province_code=c.province_code, commune_code=c.code, kind=Organisation.Kind.ASSOCIATION,
                                      association_code=code, name=f"{labels.get(code, code)} {c.name}"))
        extra = rng.choice([0, 0, 0, 1, 2])
        if extra:  # from Decree 33/2023/NĐ-CP (1/8/2023), or the commune's start when later
            since = max(c.valid_from or DECREE_33_START, DECREE_33_START)
            profiles.append(ExtraWorkers(commune=c, province_code=c.province_code, commune_code=c.code, valid_from=since, extra_pt_workers=extra))
        if len(batch) >= 5000:
            Organisation.objects.bulk_create(batch, ignore_conflicts=True)
            count += len(batch)
            batch = []
        if progress is not None:
            progress.update(i + 1, len(communes))
    Organisation.objects.bulk_create(batch, ignore_conflicts=True)
    ExtraWorkers.objects.bulk_create(profiles, ignore_conflicts=True, batch_size=2000)
    return count + len(batch)


def build_scenarios(province_code: str, user=None) -> list[Scenario]:  # type: ignore[no-untyped-def]
    out = []
    for name, description, changes in SCENARIOS:
        sc, created = Scenario.objects.get_or_create(province_code=province_code, name=name, defaults={"description": description, "created_by": user})
        if created:
            ScenarioChange.objects.bulk_create([ScenarioChange(scenario=sc, key=k, mode=m, value=v) for k, m, v in changes])
        out.append(sc)
    return out


def build(ctx: DemoContext) -> None:
    bar = ctx.progress("Tổ chức nhận kinh phí")
    build_organisations(ctx.communes, ctx.rng("funding:orgs"), bar)
    bar.finish()
    build_scenarios(ctx.province.code, ctx.users.get("taichinh.tinh"))
