"""Rule keys of the feedback module (values: feedback/data/rules.json)."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from coso.rules.registry import ValueType, declare

PORTAL_766 = "Quyết định 766/QĐ-TTg, chỉ số 5.2 (công thức của Cổng Dịch vụ công quốc gia)"
_IMPACT = "coso.feedback.selectors.rule_change_impact"

declare("feedback.deadline.reject_days", ValueType.INTEGER, _("Thời hạn từ chối tiếp nhận phản ánh"), unit="working_days",
        description=_("Phản ánh không đủ điều kiện phải được từ chối trong số ngày làm việc này kể từ ngày gửi."),
        default_source=PORTAL_766, minimum=Decimal(0), maximum=Decimal(60), impact=_IMPACT)
declare("feedback.deadline.info_days", ValueType.INTEGER, _("Thời hạn đề nghị bổ sung thông tin"), unit="working_days",
        description=_("Yêu cầu bổ sung thông tin đầu tiên phải gửi trong số ngày làm việc này kể từ ngày gửi phản ánh."),
        default_source=PORTAL_766, minimum=Decimal(0), maximum=Decimal(60), impact=_IMPACT)
declare("feedback.deadline.answer_days", ValueType.INTEGER, _("Thời hạn xử lý, trả lời phản ánh"), unit="working_days",
        description=_("Phản ánh phải được trả lời trong số ngày làm việc này kể từ ngày bắt đầu tính (ngày làm việc đầu tiên sau khi gửi)."),
        default_source=PORTAL_766, minimum=Decimal(1), maximum=Decimal(90), impact=_IMPACT)
declare("feedback.deadline.publish_days", ValueType.INTEGER, _("Thời hạn công khai kết quả trả lời"), unit="working_days",
        description=_("Kết quả trả lời phải được công khai trong số ngày làm việc này kể từ khi trả lời."),
        default_source=PORTAL_766, minimum=Decimal(0), maximum=Decimal(30), impact=_IMPACT)
declare("feedback.deadline.forward_days", ValueType.INTEGER, _("Thời hạn chuyển phản ánh không thuộc thẩm quyền"), unit="working_days",
        description=_("Phản ánh không thuộc thẩm quyền phải được chuyển đến cơ quan có thẩm quyền trong số ngày làm việc này kể từ ngày tiếp nhận."),
        default_source="Nghị định 20/2008/NĐ-CP, Điều 9 (sửa đổi bởi Nghị định 92/2017/NĐ-CP)", minimum=Decimal(1), maximum=Decimal(30), impact=_IMPACT)
declare("feedback.moderation.auto_hide_reports", ValueType.INTEGER, _("Số lượt báo vi phạm thì tự ẩn phản ánh"), unit="count",
        description=_("Phản ánh công khai bị người dân báo vi phạm đủ số lượt này thì tự ẩn, chờ kiểm duyệt lại."),
        default_source="Quy tắc kiểm duyệt của Coso (theo mặc định của Decidim)", minimum=Decimal(1), maximum=Decimal(100))
declare("feedback.attachments.max_count", ValueType.INTEGER, _("Số tệp đính kèm tối đa của một phản ánh"), unit="count",
        description=_("Số tệp (ảnh, PDF) tối đa người dân gửi kèm một phản ánh."),
        default_source="Quy tắc tiếp nhận của Coso", minimum=Decimal(0), maximum=Decimal(20))
