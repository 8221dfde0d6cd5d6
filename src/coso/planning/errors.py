"""Errors of the planning app (coso.core.errors catalogue): stable codes, Vietnamese messages."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from coso.core.errors import ErrorCode

FORBIDDEN = ErrorCode("forbidden", _("Bạn không có quyền lập, sửa quy hoạch của đơn vị này."), status=403)
REVIEW_FORBIDDEN = ErrorCode("forbidden", _("Bạn không có quyền rà soát quy hoạch."), status=403)
UNIT_NOT_FOUND = ErrorCode("unit-not-found", _("Không tìm thấy xã/phường."), field="commune")
INVALID_TERM = ErrorCode("invalid-term", _("Nhiệm kỳ không hợp lệ (chọn 2025–2030 hoặc 2030–2035)."), field="term")
NOT_PLANNABLE = ErrorCode("not-plannable", _("Chức danh này không thuộc diện quy hoạch lãnh đạo, quản lý cấp xã."), field="position")
LIST_EXISTS = ErrorCode("list-exists", _("Đã có danh sách quy hoạch “%(position)s” %(term)s của đơn vị này."), status=409)
OTHER_PROVINCE = ErrorCode("other-province", _("Người này không thuộc tỉnh của danh sách quy hoạch."), field="person")
TEXT_TOO_LONG = ErrorCode("too-long", _("%(label)s dài quá %(max_length)s ký tự."))
DECISION_REQUIRED = ErrorCode("decision-required", _("Cần ghi số, ngày quyết định phê duyệt quy hoạch."), field="decision")
REMOVAL_DECISION_REQUIRED = ErrorCode("decision-required", _("Cần ghi quyết định và lý do đưa ra khỏi quy hoạch."), field="decision")
PROPOSAL_DECISION_REQUIRED = ErrorCode("decision-required", _("Cần ghi số, ngày quyết định đưa ra khỏi quy hoạch."), field="decision")
FUTURE_DATE = ErrorCode("future-date", _("Ngày vào quy hoạch không được sau ngày hôm nay."), field="entered_on")
PLANNING_NO_RULE = ErrorCode("no-rule", _("Chưa có quy định về quy hoạch cán bộ áp dụng cho ngày %(day)s."), field="entered_on")
ALREADY_PLANNED = ErrorCode("already-planned", _("%(name)s đã có trong danh sách quy hoạch này."), status=409)
LIST_FULL = ErrorCode("list-full", _("Mỗi chức danh quy hoạch không quá %(max)s người: danh sách đã đủ."))
TOO_MANY_POSITIONS = ErrorCode("too-many-positions", _("Mỗi người quy hoạch không quá %(max)s chức danh cùng cấp: %(name)s đã có %(count)s."))
NOT_ELIGIBLE = ErrorCode("not-eligible", _("Không đủ điều kiện quy hoạch: %(reasons)s"))
ALREADY_REMOVED = ErrorCode("already-removed", _("Người này đã được đưa ra khỏi quy hoạch."), status=409)
REMOVAL_DATE = ErrorCode("invalid-date", _("Ngày đưa ra phải từ ngày vào quy hoạch đến hôm nay."), field="on")
INVALID_DATE = ErrorCode("invalid-date", _("Ngày phải theo định dạng dd/mm/yyyy."))
ALREADY_DECIDED = ErrorCode("already-decided", _("Đề xuất này đã được quyết định."), status=409)
NOTE_REQUIRED = ErrorCode("note-required", _("Cần ghi lý do giữ lại trong quy hoạch."), field="note")
INVALID_KIND = ErrorCode("invalid-kind", _("Loại khóa học không hợp lệ."), field="kind")
INVALID_COURSE = ErrorCode("invalid-course", _("Số chỗ và thời gian khóa học phải lớn hơn 0."))
INVALID_YEAR = ErrorCode("invalid-year", _("Năm phải từ %(low)s đến %(high)s."), field="year")
INVALID_BUDGET = ErrorCode("invalid-budget", _("Kinh phí không được âm."), field="budget")
INVALID_LIMIT = ErrorCode("invalid-limit", _("Số khóa tối đa một người phải từ 1 trở lên."), field="limit")
PLAN_INFEASIBLE = ErrorCode("plan-infeasible", _("Không lập được kế hoạch: các người, khóa học được chọn cố định vượt kinh phí, số chỗ hoặc "
                                                 "số khóa tối đa."))
NOT_A_NUMBER = ErrorCode("invalid-number", _("%(label)s phải là số nguyên."))
OUT_OF_RANGE = ErrorCode("invalid-number", _("%(label)s nằm ngoài phạm vi cho phép."))
INVALID_ACTION = ErrorCode("invalid-action", _("Thao tác không hợp lệ."))
INVALID_PIN = ErrorCode("invalid-pin", _("Chọn cố định ghi theo dạng mã người:mã khóa, cách nhau bởi dấu phẩy."), field="pinned")
PIN_NOT_POSSIBLE = ErrorCode("pin-not-possible", _("Không chọn cố định được %(pin)s (mã người:mã khóa): khóa học này không bù đắp thiếu hụt "
                                                   "tiêu chuẩn nào của người này trong năm và đơn vị của kế hoạch, hoặc người này đã được loại trừ."),
                             field="pinned")
NOT_IN_PLAN = ErrorCode("not-in-plan", _("Người này không có trong kế hoạch với khóa học đã chọn."))
COURSE_START_YEAR = ErrorCode("invalid-date", _("Ngày bắt đầu khóa học phải trong năm %(year)s của khóa học."), field="starts_on")
COMPLETION_BEFORE_START = ErrorCode("invalid-date", _("Ngày hoàn thành phải từ ngày bắt đầu khóa học (%(day)s) trở đi."), field="ended_on")
ALREADY_COMPLETED = ErrorCode("already-completed", _("Đã ghi nhận hoàn thành khóa học này."), status=409)
POSTGRAD_LEVEL = ErrorCode("invalid-level", _("Chọn trình độ thạc sĩ hoặc tiến sĩ."), field="level")
POSTGRAD_FIELD = ErrorCode("invalid-field", _("Chọn chuyên ngành trong danh mục."), field="field")
POSTGRAD_INSTITUTION = ErrorCode("institution-required", _("Cần ghi cơ sở đào tạo."), field="institution")
POSTGRAD_DATES = ErrorCode("invalid-dates", _("Ngày kết thúc khóa học phải sau ngày bắt đầu."), field="ends_on")
POSTGRAD_DATES_RANGE = ErrorCode("invalid-dates", _("Ngày bắt đầu và kết thúc khóa học phải trong các năm %(first)s–%(last)s."), field="ends_on")
POSTGRAD_COST = ErrorCode("invalid-cost", _("Kinh phí phải là số đồng không âm."), field="cost")
POSTGRAD_NO_RULE = ErrorCode("no-rule", _("Chưa có quy định về đào tạo sau đại học áp dụng cho ngày %(day)s."), field="starts_on")
TRAINING_NO_RULE = ErrorCode("no-rule", _("Chưa có quy định về đào tạo, bồi dưỡng áp dụng cho năm %(year)s."), field="year")
POSTGRAD_NOT_ELIGIBLE = ErrorCode("not-eligible", _("Không cử đi học được: chưa đủ điều kiện (%(reasons)s)."))
POSTGRAD_EXISTS = ErrorCode("postgrad-exists", _("Đã có đề nghị cử người này đi học khóa này (cùng trình độ, chuyên ngành, cơ sở đào tạo và "
                                                 "thời gian)."), status=409)
POSTGRAD_DECIDED = ErrorCode("already-decided", _("Đề nghị này đã được quyết định."), status=409)
POSTGRAD_NOT_APPROVED = ErrorCode("not-approved", _("Chỉ tính đền bù cho người đã được cử đi học."))
POSTGRAD_CASE = ErrorCode("invalid-case", _("Chọn trường hợp phải đền bù."), field="case")
POSTGRAD_SERVED = ErrorCode("invalid-served", _("Thời gian đã phục vụ phải từ 0 đến %(max)s tháng."), field="months_served")
POSTGRAD_CONFLICT = ErrorCode("conflict", _("Đề nghị đã được người khác cập nhật; vui lòng tải lại."), status=409)
LEAVING_SALARY = ErrorCode("invalid-salary", _("Tiền lương tháng phải lớn hơn 0 đồng."), field="salary")
LEAVING_SI = ErrorCode("invalid-si", _("Số tháng đóng bảo hiểm xã hội phải từ 0 đến 600."), field="si_months")
LEAVING_NO_RULE = ErrorCode("no-rule", _("Chưa có chính sách nghỉ hưu trước tuổi, nghỉ thôi việc áp dụng cho ngày %(day)s."), field="leave_on")
LEAVING_BEFORE_DECISION = ErrorCode("leave-before-decision", _("Ngày nghỉ phải từ ngày quyết định sắp xếp (%(day)s) trở đi."), field="leave_on")
LEAVING_AFTER_RETIREMENT = ErrorCode("leave-after-retirement", _("Ngày nghỉ phải trước ngày nghỉ hưu theo tuổi (%(day)s): từ ngày đó là nghỉ hưu, "
                                                                 "không phải nghỉ hưu trước tuổi hay nghỉ thôi việc."), field="leave_on")
OPEN_PROPOSAL = ErrorCode("open-proposal", _("%(name)s đang có %(kind)s vào chức danh này (%(ref)s): chưa đưa vào quy hoạch chức danh này cho "
                                             "đến khi kết thúc xem xét đề nghị."), status=409)
PROPOSAL_REFERENCE = ErrorCode("reference-required", _("Cần ghi số, ngày văn bản đề nghị."), field="reference")
PROPOSAL_KIND = ErrorCode("invalid-kind", _("Loại đề nghị không hợp lệ."), field="kind")
PROPOSAL_OPEN = ErrorCode("proposal-open", _("Người này đã có đề nghị đang xem xét vào chức danh này (%(ref)s)."), status=409)
PROPOSAL_CLOSED = ErrorCode("already-closed", _("Đề nghị này đã kết thúc."), status=409)
# The project's span of dates (coso.core.params): a day typed short (0001) or "until 9999" gives no meaningful figure.
DATE_OUT_OF_RANGE = ErrorCode("invalid-date", _("Ngày phải trong khoảng %(first)s–%(last)s."))
PROPOSAL_DATE = ErrorCode("invalid-date", _("Ngày đề nghị không được sau ngày hôm nay."), field="proposed_on")
