"""Rule keys of the one-stop shop (values: dossiers/data/rules.json).

The module name is ``onestop``; procedures' own time limits are dated procedure versions (see
``procedures``), chosen with the rule book's precedence (``coso.rules.lookup.select_in_force``).
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from pydantic import BaseModel, Field

from coso.rules.registry import ValueType, declare


class Step(BaseModel):
    order: int = Field(ge=1)
    name: str = Field(min_length=1, max_length=200)
    role: str = Field(min_length=1, max_length=32)
    share_percent: Decimal = Field(ge=0, le=100)


declare("onestop.same_day_cutoff", ValueType.TIME, _("Giờ giới hạn tiếp nhận của thủ tục giải quyết trong ngày"), unit="time",
        description=_("Hồ sơ của thủ tục giải quyết trong ngày nhận sau giờ này được giải quyết trong ngày làm việc tiếp theo (khi phiên bản thủ tục không ghi giờ riêng)."),
        default_source="Nghị định 23/2015/NĐ-CP, Điều 21")
declare("onestop.near_deadline_percent", ValueType.PERCENT, _("Ngưỡng cảnh báo sắp đến hạn"), unit="percent",
        description=_("Hồ sơ được báo “sắp đến hạn” khi đã vào phần cuối này của thời hạn giải quyết (tính theo ngày làm việc)."),
        default_source="Quy tắc theo dõi của Coso (theo DIGIT: 40 % cuối thời hạn)", minimum=Decimal(1), maximum=Decimal(100))
declare("onestop.supplement.max_requests_on_time", ValueType.INTEGER, _("Số lần yêu cầu bổ sung tối đa vẫn được tính đúng hạn"), unit="count",
        description=_("Hồ sơ bị yêu cầu bổ sung nhiều hơn số lần này được tính là trễ hạn (cách tính của Cổng Dịch vụ công quốc gia cho Bộ chỉ số 766)."),
        default_source="Quyết định 766/QĐ-TTg, nhóm chỉ số 2 (công thức của Cổng Dịch vụ công quốc gia)", minimum=Decimal(0), maximum=Decimal(10))
declare("onestop.apology.min_days_before_due", ValueType.INTEGER, _("Văn bản xin lỗi phải gửi trước ngày hẹn ít nhất"), unit="calendar_days",
        description=_("Văn bản xin lỗi, hẹn lại ngày trả kết quả phải gửi chậm nhất số ngày này trước ngày hết hạn."),
        default_source="Nghị định 118/2025/NĐ-CP, Điều 19 khoản 6", minimum=Decimal(0), maximum=Decimal(10))
declare("onestop.apology.max_per_dossier", ValueType.INTEGER, _("Số lần hẹn lại ngày trả kết quả tối đa"), unit="count",
        description=_("Việc hẹn lại ngày trả kết quả được thực hiện không quá số lần này cho một hồ sơ."),
        default_source="Nghị định 118/2025/NĐ-CP, Điều 19 khoản 6", minimum=Decimal(1), maximum=Decimal(5))
declare("onestop.default_steps", ValueType.TABLE, _("Các bước xử lý mặc định"), unit="table",
        description=_("Các bước xử lý nội bộ và tỷ lệ thời hạn của từng bước, dùng khi phiên bản thủ tục chưa khai báo bước riêng."),
        default_source="Quy trình nội bộ giải quyết thủ tục hành chính (Nghị định 118/2025/NĐ-CP, Điều 35; quy trình do UBND tỉnh ban hành)",
        schema=list[Step])
