"""Rule keys of the indices module (values: indices/data/rules.json).

Decision 766/QĐ-TTg: the maximum points of each group, the points of each indicator and the rate
from which an indicator earns its full points (below it: rate × points ÷ threshold).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from coso.accounts.roles import Role
from coso.rules.registry import ValueType, declare

D766 = "Quyết định 766/QĐ-TTg"
CSI_BANDS = ("a", "b", "c")
# The province's home-affairs department ranks its communes by the strength index and sets its weights and bands with
# the province's administrators (for their own province: coso.rules.services checks the scope).
CSI_EDITORS = frozenset({Role.PROVINCE_HOME_AFFAIRS, Role.PROVINCE_ADMIN, Role.SYSTEM_ADMIN})


# The members of each family: the groups and indicators of the 766 catalogue, the strength pillars, the bands.
def d766_groups() -> Iterable[str]:
    from coso.indices.catalogue import GROUPS

    return [g.key for g in GROUPS]


def d766_indicators() -> Iterable[str]:
    from coso.indices.catalogue import INDICATORS

    return [i.slug for i in INDICATORS]


def csi_pillars() -> Iterable[str]:
    from coso.indices.strength import PILLARS

    return [p.key for p in PILLARS]


def csi_bands() -> Iterable[str]:
    return CSI_BANDS


def period_impact(key: str, province_code: str, commune_code: str, valid_from: dt.date) -> list[str]:
    """A period (month, quarter, year) is scored with the rules in force on its last day: a value from the middle of a
    period applies to the whole of it, its days before ``valid_from`` included. Said when the value is saved."""
    from django.utils.translation import gettext as _

    day = valid_from.strftime("%d/%m/%Y")
    if valid_from.day != 1:
        return [_("Chỉ số của một kỳ được tính theo quy định có hiệu lực vào ngày cuối kỳ: giá trị từ ngày %(day)s áp dụng cho cả tháng "
                  "%(month)s, kể cả những ngày trước đó, và cho cả quý, cả năm chứa ngày này. Để bắt đầu từ kỳ sau, hãy chọn ngày đầu tháng.")
                % {"day": day, "month": valid_from.strftime("%m/%Y")}]
    if valid_from.month != 1:
        return [_("Chỉ số của một kỳ được tính theo quy định có hiệu lực vào ngày cuối kỳ: giá trị từ ngày %(day)s áp dụng cho cả năm %(year)s"
                  "%(quarter)s, kể cả những tháng trước đó.")
                % {"day": day, "year": valid_from.year,
                   "quarter": "" if valid_from.month in (4, 7, 10) else _(" và cả quý %(q)s") % {"q": (valid_from.month - 1) // 3 + 1}}]
    return []


_PERIOD_IMPACT = "coso.indices.rule_keys.period_impact"


declare(
    "indices.d766.group_max.*",
    ValueType.INTEGER,
    _("Điểm tối đa của nhóm chỉ số (Quyết định 766)"),
    unit="points",
    description=_("Điểm tối đa của một nhóm trong Bộ chỉ số phục vụ người dân, doanh nghiệp (tổng 100 điểm)."),
    default_source=D766,
    minimum=Decimal(0),
    maximum=Decimal(100),
    members="coso.indices.rule_keys.d766_groups",
    impact=_PERIOD_IMPACT,
)
declare(
    "indices.d766.points.*",
    ValueType.DECIMAL,
    _("Điểm tối đa của chỉ số (Quyết định 766)"),
    unit="points",
    description=_("Điểm tối đa của một chỉ số thành phần; chỉ số đạt ngưỡng thì được trọn điểm."),
    default_source=D766,
    minimum=Decimal(0),
    maximum=Decimal(100),
    members="coso.indices.rule_keys.d766_indicators",
    impact=_PERIOD_IMPACT,
)
declare(
    "indices.d766.full_at.*",
    ValueType.PERCENT,
    _("Ngưỡng đạt trọn điểm của chỉ số (Quyết định 766)"),
    description=_("Tỷ lệ từ mức này trở lên được trọn điểm; thấp hơn: điểm = tỷ lệ × điểm tối đa ÷ ngưỡng (100 % = tính theo tỷ lệ)."),
    default_source=D766,
    minimum=Decimal(1),
    maximum=Decimal(100),
    members="coso.indices.rule_keys.d766_indicators",
    impact=_PERIOD_IMPACT,
)

# Commune-strength index: pillar weights and bands (no national text sets a commune composite; provinces do).
declare(
    "indices.csi.weight.*",
    ValueType.PERCENT,
    _("Trọng số trụ cột của chỉ số năng lực xã"),
    description=_("Trọng số của một trụ cột; trụ cột không có dữ liệu không được tính, các trọng số còn lại được chia lại."),
    default_source="Quyết định 876/QĐ-BNV; quyết định của UBND tỉnh về chỉ số cấp xã",
    minimum=Decimal(0),
    maximum=Decimal(100),
    members="coso.indices.rule_keys.csi_pillars",
    editors=CSI_EDITORS,
    impact=_PERIOD_IMPACT,
)
declare(
    "indices.csi.band.*",
    ValueType.DECIMAL,
    _("Ngưỡng xếp loại chỉ số năng lực xã"),
    unit="points",
    description=_("Điểm tối thiểu của loại A, B, C (dưới ngưỡng C: loại D)."),
    default_source="Quyết định 876/QĐ-BNV",
    minimum=Decimal(0),
    maximum=Decimal(100),
    members="coso.indices.rule_keys.csi_bands",
    editors=CSI_EDITORS,
    impact=_PERIOD_IMPACT,
)
