"""Rule keys of administrative units (values: units/data/rules.json): the unit standards of NQ 112/2025/UBTVQH15."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from coso.rules.registry import ValueType, declare

NQ112 = "Nghị quyết 112/2025/UBTVQH15 về tiêu chuẩn của đơn vị hành chính"

_CATEGORIES = {
    "mountain": _("xã miền núi, vùng cao"),
    "island": _("xã hải đảo"),
    "other": _("xã khác"),
}

for _cat, _label in _CATEGORIES.items():
    declare(
        f"units.standard.commune.population.{_cat}",
        ValueType.INTEGER,
        _("Quy mô dân số tối thiểu của %(kind)s") % {"kind": _label},
        unit="people",
        description=_("Sắp xếp đơn vị: hệ thống cảnh báo khi xã sau sắp xếp có dân số thấp hơn mức này."),
        default_source=NQ112,
        minimum=Decimal(0),
        scopes=("national",),
    )
    declare(
        f"units.standard.commune.area.{_cat}",
        ValueType.DECIMAL,
        _("Diện tích tự nhiên tối thiểu của %(kind)s (km²)") % {"kind": _label},
        description=_("Sắp xếp đơn vị: hệ thống cảnh báo khi xã sau sắp xếp có diện tích thấp hơn mức này."),
        default_source=NQ112,
        minimum=Decimal(0),
        scopes=("national",),
    )
declare(
    "units.standard.ward.population",
    ValueType.INTEGER,
    _("Quy mô dân số tối thiểu của phường"),
    unit="people",
    default_source=NQ112,
    minimum=Decimal(0),
    scopes=("national",),
)
declare(
    "units.standard.ward.area",
    ValueType.DECIMAL,
    _("Diện tích tự nhiên tối thiểu của phường (km²)"),
    default_source=NQ112,
    minimum=Decimal(0),
    scopes=("national",),
)
declare(
    "units.standard.red_river_delta.area_percent",
    ValueType.PERCENT,
    _("Tiêu chuẩn diện tích của xã thuộc vùng đồng bằng sông Hồng (tỷ lệ so với mức chung)"),
    description=_("Chỉ áp dụng một mức giảm cho mỗi tiêu chuẩn."),
    default_source=NQ112,
    minimum=Decimal(0),
    maximum=Decimal(100),
    scopes=("national",),
)
declare(
    "units.standard.coastal_difficult.population_percent",
    ValueType.PERCENT,
    _("Tiêu chuẩn dân số của xã ven biển, bãi ngang đặc biệt khó khăn (tỷ lệ so với mức chung)"),
    description=_("Chỉ áp dụng một mức giảm cho mỗi tiêu chuẩn."),
    default_source=NQ112,
    minimum=Decimal(0),
    maximum=Decimal(100),
    scopes=("national",),
)
