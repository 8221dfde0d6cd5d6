"""Rule keys of the assignments app (values: assignments/data/rules.json).

Appointment conditions: Quy định 80-QĐ/TW (18/8/2022, Art. 18), carried into Quy định 377-QĐ/TW (8/10/2025,
Art. 34). Non-local leaders: Chỉ thị 45-CT/TW (14/4/2025), Kết luận 210-KL/TW; the "local person" is defined by
each province (Công văn 6274-CV/UBKTTW: by Quy định 65-QĐ/TW). Periodic rotation for anti-corruption: Luật Phòng,
chống tham nhũng 36/2018/QH14 Art. 24–25, Nghị định 59/2019/NĐ-CP Art. 36–39 and the sector circulars.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from pydantic import Field, field_validator

from coso.rules.registry import ValueType, declare
from coso.rules.tables import TableModel, table

NATIONAL_PROVINCE = ("national", "province")


class Positions(TableModel):
    positions: list[str] = Field(title=gettext_noop("Mã chức vụ, chức danh"))


class LocalPerson(TableModel):
    born_there: bool = Field(title=gettext_noop("Sinh ra tại địa phương là người địa phương"))
    min_years: int = Field(ge=1, le=60, title=gettext_noop("Số năm sinh sống, học tập, công tác tại địa phương (từ đủ)"))


class Sector(TableModel):
    name: str = Field(min_length=1, max_length=200, title=gettext_noop("Lĩnh vực"))
    positions: list[str] = Field(title=gettext_noop("Mã vị trí phải định kỳ chuyển đổi"))
    min_months: int = Field(ge=12, le=120, title=gettext_noop("Thời hạn tối thiểu (tháng)"))
    max_months: int = Field(ge=12, le=120, title=gettext_noop("Thời hạn tối đa (tháng)"))

    @field_validator("max_months")
    @classmethod
    def _order(cls, value: int, info):  # type: ignore[no-untyped-def]
        low = info.data.get("min_months")
        if low is not None and value < low:
            raise ValueError(_g("thời hạn tối đa phải từ thời hạn tối thiểu trở lên"))
        return value


class FitWeights(TableModel):
    planned_exact: int = Field(ge=0, le=1000, title=gettext_noop("Trong quy hoạch đúng chức danh (điểm)"))
    planned_equivalent: int = Field(ge=0, le=1000, title=gettext_noop("Trong quy hoạch chức danh tương đương (điểm)"))
    per_year_to_retirement: int = Field(ge=0, le=100, title=gettext_noop("Mỗi năm còn công tác đến tuổi nghỉ hưu (điểm)"))
    years_to_retirement_cap: int = Field(ge=1, le=40, title=gettext_noop("Số năm còn công tác tính điểm tối đa"))
    per_year_in_post: int = Field(ge=0, le=100, title=gettext_noop("Mỗi năm giữ chức vụ hiện tại (điểm)"))
    years_in_post_cap: int = Field(ge=1, le=40, title=gettext_noop("Số năm giữ chức vụ tính điểm tối đa"))
    same_commune: int = Field(ge=0, le=1000, title=gettext_noop("Đang công tác tại xã có vị trí (điểm)"))
    unverified: int = Field(ge=0, le=1000, title=gettext_noop("Trừ mỗi điều kiện chưa xác minh được (điểm)"))


declare("assignments.appointment.min_months_in_post", ValueType.INTEGER, _("Thời gian giữ chức vụ hiện tại trước khi bổ nhiệm"),
        unit="months", minimum=Decimal(0), maximum=Decimal(120), scopes=("national",),
        default_source="Quy định 80-QĐ/TW ngày 18/8/2022, Điều 18; Quy định 377-QĐ/TW ngày 08/10/2025, Điều 34",
        description=_("Người được bổ nhiệm phải giữ chức vụ hiện tại hoặc chức vụ tương đương ít nhất số tháng này."))
declare("assignments.appointment.min_months_to_retirement", ValueType.INTEGER, _("Thời gian còn công tác tối thiểu khi bố trí, chuyển đổi"),
        unit="months", minimum=Decimal(0), maximum=Decimal(120), scopes=NATIONAL_PROVINCE,
        default_source="Nghị định 59/2019/NĐ-CP, Điều 39",
        description=_("Không bố trí, chuyển đổi vị trí người còn dưới số tháng này đến ngày nghỉ hưu."))
declare("assignments.nonlocal.positions", ValueType.TABLE, _("Chức danh bố trí người không phải người địa phương"), unit="table",
        schema=table(Positions), scopes=NATIONAL_PROVINCE, default_source="Chỉ thị 45-CT/TW ngày 14/4/2025; Kết luận 210-KL/TW",
        description=_("Các chức danh cấp xã bố trí người không phải người địa phương (bí thư, chủ tịch UBND, chủ nhiệm ủy ban kiểm tra)."))
declare("assignments.nonlocal.local_person", ValueType.TABLE, _("Định nghĩa người địa phương"), unit="table", schema=table(LocalPerson),
        scopes=NATIONAL_PROVINCE, default_source="Công văn 6274-CV/UBKTTW ngày 12/6/2025 (theo Quy định 65-QĐ/TW); quy định của tỉnh",
        description=_("Người địa phương: sinh ra tại địa phương (nếu chọn), hoặc sinh sống, học tập, công tác tại địa phương từ đủ số năm này. "
                      "Địa phương gồm cả các xã cũ hợp thành xã hiện nay."))
declare("assignments.rotation.sector.*", ValueType.TABLE, _("Danh mục vị trí và thời hạn định kỳ chuyển đổi vị trí công tác theo lĩnh vực"),
        unit="table", schema=table(Sector), scopes=NATIONAL_PROVINCE,
        default_source="Luật Phòng, chống tham nhũng 2018, Điều 25; Nghị định 59/2019/NĐ-CP, Điều 36; thông tư của bộ quản lý lĩnh vực",
        description=_("Vị trí trong danh mục phải chuyển đổi khi người giữ vị trí đủ thời hạn (từ đủ 2 năm đến 5 năm theo lĩnh vực)."))
declare("assignments.rotation.plan_quarter", ValueType.INTEGER, _("Quý ban hành kế hoạch chuyển đổi vị trí công tác hằng năm"),
        unit="count", minimum=Decimal(1), maximum=Decimal(4), scopes=NATIONAL_PROVINCE,
        default_source="Thông tư 27/2024/TT-BTC", description=_("Kế hoạch chuyển đổi vị trí công tác của năm được rà soát, ban hành trong quý này."))
declare("assignments.fit.weights", ValueType.TABLE, _("Điểm phù hợp khi xếp hạng người cho vị trí"), unit="table", schema=table(FitWeights),
        scopes=NATIONAL_PROVINCE, default_source="Mặc định của Coso (tỉnh điều chỉnh)",
        description=_("Điểm xếp hạng người đủ điều kiện cho một vị trí và cho ghép nhiều vị trí cùng lúc; không thay điều kiện bắt buộc."))


class Slots(TableModel):
    slots: dict[str, int] = Field(title=gettext_noop("Số người mỗi chức danh lãnh đạo của một xã"))

    @field_validator("slots")
    @classmethod
    def _range(cls, value: dict[str, int]) -> dict[str, int]:
        for code, number in value.items():
            if number < 0 or number > 10:
                raise ValueError(_g("số người của “%(code)s” phải từ 0 đến 10") % {"code": code})
        return value


declare("assignments.posts.leader_slots", ValueType.TABLE, _("Số người mỗi chức danh lãnh đạo, quản lý của một xã"), unit="table",
        schema=table(Slots), scopes=NATIONAL_PROVINCE, default_source="Nghị định 33/2023/NĐ-CP, Điều 5; Chỉ thị 45-CT/TW ngày 14/4/2025",
        description=_("Vị trí lãnh đạo còn trống = số người của chức danh trừ người đang giữ; phần còn lại của biên chế cơ quan là vị trí công chức."))
