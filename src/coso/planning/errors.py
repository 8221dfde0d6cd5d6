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
DECISION_REQUIRED = ErrorCode("decision-required", _("Cần ghi số, ngày quyết định phê duyệt quy hoạch."), field="decision")
REMOVAL_DECISION_REQUIRED = ErrorCode("decision-required", _("Cần ghi quyết định và lý do đưa ra khỏi quy hoạch."), field="decision")
PROPOSAL_DECISION_REQUIRED = ErrorCode("decision-required", _("Cần ghi số, ngày quyết định đưa ra khỏi quy hoạch."), field="decision")
FUTURE_DATE = ErrorCode("future-date", _("Ngày vào quy hoạch không được sau ngày hôm nay."), field="entered_on")
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
NOT_IN_PLAN = ErrorCode("not-in-plan", _("Người này không có trong kế hoạch với khóa học đã chọn."))
ALREADY_COMPLETED = ErrorCode("already-completed", _("Đã ghi nhận hoàn thành khóa học này."), status=409)
