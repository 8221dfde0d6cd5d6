"""Demo attributes for communes and villages with realistic household counts."""

from __future__ import annotations

from decimal import Decimal

from coso.core.demo import DemoContext
from coso.core.text import fold
from coso.units.models import AdministrativeUnit, Village

_VILLAGE_KIND = {
    AdministrativeUnit.Kind.PHUONG: [Village.Kind.KHU_PHO, Village.Kind.TO_DAN_PHO],
    AdministrativeUnit.Kind.XA: [Village.Kind.AP, Village.Kind.THON],
    AdministrativeUnit.Kind.DAC_KHU: [Village.Kind.THON, Village.Kind.TO_DAN_PHO],
}
_SOUTH = {"79", "80", "82", "86", "87", "91", "92", "96", "75", "72", "70", "74"}  # ấp / khu phố naming
_NAMED = ["Bình An", "Tân Phú", "Phú Hòa", "An Lạc", "Long Thạnh", "Hòa Bình", "Thạnh Lộc", "Tân Hiệp", "Mỹ Hòa", "Đông Thành",
          "Tây Sơn", "Phước Lợi", "Hưng Long", "Tân Thới", "Vĩnh Lộc", "An Nhơn", "Bến Đò", "Cây Da", "Xóm Mới", "Bàu Sen"]


def _commune_attributes(ctx: DemoContext, communes: list[AdministrativeUnit]) -> None:
    rng = ctx.rng("units:communes")
    for c in communes:
        urban = c.kind == AdministrativeUnit.Kind.PHUONG
        c.population = rng.randint(25_000, 120_000) if urban else rng.randint(12_000, 60_000)
        made_up_area = Decimal(rng.randint(300, 2_500) if urban else rng.randint(3_000, 30_000)) / 100
        c.area_km2 = c.area_km2 if c.area_km2 is not None else made_up_area  # keep the real area loaded with the lineage
        c.classification = rng.choices(["I", "II", "III"], weights=[5, 3, 2] if urban else [3, 4, 3])[0]
        c.is_border_or_island = c.kind == AdministrativeUnit.Kind.DAC_KHU or rng.random() < 0.03
        c.is_difficult_area = (not urban) and rng.random() < 0.12
        c.is_security_hotspot = rng.random() < 0.04
    AdministrativeUnit.objects.bulk_update(
        communes, ["population", "area_km2", "classification", "is_border_or_island", "is_difficult_area", "is_security_hotspot"], batch_size=1000
    )


def build(ctx: DemoContext) -> None:
    communes = ctx.communes
    _commune_attributes(ctx, communes)
    rng = ctx.rng("units:villages")
    bar = ctx.progress("Thôn, tổ dân phố")
    batch: list[Village] = []
    for i, c in enumerate(communes):
        kinds = _VILLAGE_KIND.get(c.kind, [Village.Kind.THON])
        south = c.province_code in _SOUTH
        kind = kinds[0] if south else kinds[-1]
        if c.kind == AdministrativeUnit.Kind.XA and not south and rng.random() < 0.15:
            kind = Village.Kind.BAN
        n = rng.randint(10, 28)
        named = rng.random() < 0.35
        for j in range(1, n + 1):
            label = Village.Kind(kind).label
            name = f"{label} {_NAMED[(j - 1) % len(_NAMED)]}" if named and j <= len(_NAMED) else f"{label} {j}"
            urban = kind in (Village.Kind.KHU_PHO, Village.Kind.TO_DAN_PHO)
            households = int(rng.triangular(120, 1100, 420 if urban else 330))
            batch.append(
                Village(
                    commune=c,
                    province_code=c.province_code,
                    commune_code=c.code,
                    name=name,
                    name_folded=fold(name),
                    kind=kind,
                    households=households,
                    population=int(households * rng.uniform(3.2, 4.1)),
                    is_border_or_island=c.is_border_or_island,
                    is_security_hotspot=rng.random() < 0.02,
                    converted_from_thon=urban and households >= 350 and rng.random() < 0.1,
                )
            )
        if len(batch) >= 5000:
            Village.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
        bar.update(i + 1, len(communes))
    Village.objects.bulk_create(batch, ignore_conflicts=True)
    bar.finish()
