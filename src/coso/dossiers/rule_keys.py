"""Rule keys of the one-stop shop (values: dossiers/data/rules.json).

The module name is ``onestop``; procedures' own time limits are dated procedure versions (see
``procedures``), chosen with the rule book's precedence (``coso.rules.lookup.select_in_force``).
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from pydantic import BaseModel, Field, RootModel, field_validator

from coso.dossiers.constants import Channel, RatingChannel
from coso.rules.registry import ValueType, code_list, declare
from coso.rules.tables import table


class Step(BaseModel):
    order: int = Field(ge=1, title=gettext_noop("Thứ tự"))
    name: str = Field(min_length=1, max_length=200, title=gettext_noop("Tên bước"))
    role: str = Field(min_length=1, max_length=32, title=gettext_noop("Vai trò"))
    share_percent: Decimal = Field(ge=0, le=100, title=gettext_noop("Tỷ lệ thời hạn (%)"))


class DefaultSteps(RootModel[list[Step]]):
    """Steps a dossier goes through: at least one, each order once, each handled by a role that processes dossiers, and
    shares of the time limit adding up to 100 % (the checks of ``procedures.services.validate_steps``)."""

    @field_validator("root")
    @classmethod
    def _followable(cls, steps: list[Step]) -> list[Step]:
        from coso.procedures.services import STEP_ROLES

        if not steps:
            raise ValueError(gettext("cần ít nhất một bước xử lý"))
        orders = [s.order for s in steps]
        repeated = next((o for o in orders if orders.count(o) > 1), None)
        if repeated is not None:
            raise ValueError(gettext("thứ tự %(order)s bị trùng") % {"order": repeated})
        unknown = next((s.role for s in steps if s.role not in STEP_ROLES), None)
        if unknown is not None:
            raise ValueError(gettext("vai trò “%(role)s” không xử lý hồ sơ") % {"role": unknown})
        total = sum((s.share_percent for s in steps), Decimal(0))
        if total != 100:
            raise ValueError(gettext("tổng tỷ lệ thời hạn của các bước phải bằng 100 %% (hiện là %(total)s %%)") % {"total": f"{total.normalize():f}"})
        return steps


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
        schema=table(DefaultSteps))

# ---------------------------------------------------------------- Decree 118/2025/NĐ-CP regime (from 1/7/2025)
REGIMES = (("nd61_2018", _("Nghị định 61/2018/NĐ-CP, Thông tư 01/2018/TT-VPCP")), ("nd118_2025", _("Nghị định 118/2025/NĐ-CP, Thông tư 03/2025/TT-VPCP")))
CODE_AGENCIES = (("receiving", _("Cơ quan, bộ phận tiếp nhận hồ sơ")), ("competent", _("Cơ quan có thẩm quyền giải quyết")))

declare("onestop.regime", ValueType.CHOICE, _("Chế độ một cửa áp dụng (biểu mẫu, số hiệu mẫu)"), choices=REGIMES,
        description=_("Bộ biểu mẫu và quy tắc một cửa áp dụng cho hồ sơ tiếp nhận trong ngày: 6 mẫu của Thông tư 01/2018/TT-VPCP hoặc 7 mẫu của Thông tư 03/2025/TT-VPCP."),
        default_source="Nghị định 118/2025/NĐ-CP, Điều 40; Thông tư 03/2025/TT-VPCP, Phụ lục I")
declare("onestop.supplement.restart_clock", ValueType.BOOLEAN, _("Nhận đủ hồ sơ bổ sung thì tính lại thời hạn từ đầu"),
        description=_("Có: thời hạn giải quyết được tính lại từ đầu sau khi nhận đủ hồ sơ bổ sung. Không: thời gian chờ bổ sung không tính, ngày hẹn lùi tương ứng."),
        default_source="Nghị định 118/2025/NĐ-CP, Điều 19 khoản 5")
declare("onestop.supplement.notice_working_days", ValueType.INTEGER, _("Thời hạn thông báo trả lại hồ sơ để bổ sung"), unit="working_days",
        description=_("Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ phải được thông báo trong số ngày làm việc này kể từ ngày tiếp nhận (0: không quy định)."),
        default_source="Nghị định 118/2025/NĐ-CP, Điều 19 khoản 5", minimum=Decimal(0), maximum=Decimal(30))
declare("onestop.supplement.close_after_days", ValueType.INTEGER, _("Đóng hồ sơ khi không bổ sung sau"), unit="calendar_days",
        description=_("Sau số ngày này kể từ khi thông báo yêu cầu bổ sung, nếu tổ chức, cá nhân không hoàn thiện hồ sơ, Bộ phận Một cửa đóng hồ sơ (0: không có quy định đóng hồ sơ)."),
        default_source="Nghị định 118/2025/NĐ-CP, Điều 19 khoản 5", minimum=Decimal(0), maximum=Decimal(365))
declare("onestop.online.answer_working_hours", ValueType.INTEGER, _("Thời hạn tiếp nhận hoặc trả lại hồ sơ trực tuyến"), unit="working_hours",
        description=_("Hồ sơ nộp trực tuyến phải được tiếp nhận chính thức hoặc trả lại (nêu rõ lý do) trong số giờ làm việc này kể từ khi hệ thống nhận hồ sơ (0: không quy định)."),
        default_source="Nghị định 118/2025/NĐ-CP, Điều 17 khoản 2", minimum=Decimal(0), maximum=Decimal(80))
declare("onestop.paper.forward_cutoff", ValueType.TIME, _("Giờ chuyển hồ sơ giấy sang cơ quan giải quyết"), unit="time",
        description=_("Hồ sơ giấy nhận trước giờ này được chuyển cho cơ quan có thẩm quyền trong ngày; nhận sau giờ này thì chuyển đầu giờ ngày làm việc tiếp theo."),
        default_source="Nghị định 118/2025/NĐ-CP, Điều 18 khoản 2")
declare("onestop.code.agency", ValueType.CHOICE, _("Mã định danh đứng đầu mã hồ sơ"), choices=CODE_AGENCIES,
        description=_("Mã số hồ sơ mang mã định danh của cơ quan tiếp nhận (trước 1/7/2025) hoặc của cơ quan có thẩm quyền giải quyết (từ 1/7/2025)."),
        default_source="Nghị định 118/2025/NĐ-CP, Điều 28")


def filing_channel_codes(value: str) -> str:
    """``onestop.channels``: codes of ``Channel`` only (``services.allowed_channels`` drops the others), at least one, each once."""
    return code_list(value, Channel.choices)


def rating_channel_codes(value: str) -> str:
    """``onestop.rating.channels``: codes of ``RatingChannel`` only (``services.rating_channels`` drops the others), at least one, each once."""
    return code_list(value, RatingChannel.choices)


declare("onestop.channels", ValueType.TEXT, _("Các cách thức nộp hồ sơ"), validator="coso.dossiers.rule_keys.filing_channel_codes",
        description=_("Mã các kênh nộp hồ sơ, cách nhau bởi dấu phẩy (counter: trực tiếp; post: bưu chính; online: Cổng Dịch vụ công quốc gia; vneid: ứng dụng VNeID)."),
        default_source="Nghị định 118/2025/NĐ-CP, Điều 15 (sửa đổi bởi Nghị định 367/2025/NĐ-CP)")


class Criterion(BaseModel):
    key: str = Field(min_length=1, max_length=32, pattern=r"^[a-z_]+$")
    label: str = Field(min_length=1, max_length=200)


declare("onestop.rating.criteria", ValueType.TABLE, _("Tiêu chí đánh giá việc giải quyết thủ tục hành chính"), unit="table",
        description=_("Các tiêu chí người dân, tổ chức đánh giá (mỗi tiêu chí: Tốt / Trung bình / Kém)."),
        default_source="Nghị định 118/2025/NĐ-CP, Điều 33 khoản 1", schema=list[Criterion])
declare("onestop.rating.channels", ValueType.TEXT, _("Các kênh thu thập đánh giá"), validator="coso.dossiers.rule_keys.rating_channel_codes",
        description=_("Mã các kênh thu thập đánh giá, cách nhau bởi dấu phẩy (form: phiếu đánh giá; device: thiết bị đánh giá điện tử; portal: đánh giá trực tuyến "
                      "tại Cổng Dịch vụ công quốc gia; camera; box: hòm thư góp ý; survey: điều tra xã hội học; other: hình thức khác)."),
        default_source="Nghị định 118/2025/NĐ-CP, Điều 31 khoản 1")
