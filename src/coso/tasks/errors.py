"""Error catalogue of tasks (see coso.core.errors): every service error's stable code and its translatable message."""

from django.utils.translation import gettext_lazy as _

from coso.core.errors import ErrorCode

AS_APPLICATION_ERROR_INVALID = ErrorCode("invalid", _("Dữ liệu không hợp lệ."))
DIRECTIVE_CREATE_FORBIDDEN = ErrorCode("forbidden", _("Chỉ cán bộ cấp tỉnh hoặc cấp xã được đăng ký văn bản chỉ đạo."), status=403)
TASKS_ASSIGN_FORBIDDEN = ErrorCode("forbidden", _("Bạn không được giao nhiệm vụ theo văn bản này."), status=403)
TASK_CHANGED = ErrorCode("task-changed", _("Nhiệm vụ vừa được người khác cập nhật. Vui lòng tải lại trang."), status=409)
TASK_REPORT_FORBIDDEN = ErrorCode("forbidden", _("Chỉ cán bộ của xã thực hiện nhiệm vụ được báo cáo."), status=403)
EXTENSION_REQUEST_FORBIDDEN = ErrorCode("forbidden", _("Chỉ cán bộ của xã thực hiện nhiệm vụ được đề nghị gia hạn."), status=403)
EXTENSION_DECIDE_FORBIDDEN = ErrorCode("forbidden", _("Chỉ đơn vị giao nhiệm vụ được quyết định gia hạn."), status=403)
TASK_CANCEL_FORBIDDEN = ErrorCode("forbidden", _("Chỉ đơn vị giao nhiệm vụ được dừng, hủy nhiệm vụ."), status=403)
TASK_CLOSED = ErrorCode("task-closed", _("Nhiệm vụ đã hoàn thành hoặc đã dừng, không nhận thêm báo cáo."), status=409)
EXTENSION_REQUEST_TASK_CLOSED = ErrorCode("task-closed", _("Nhiệm vụ đã hoàn thành hoặc đã dừng, không thể gia hạn."), status=409)
EXTENSION_PENDING = ErrorCode("extension-pending", _("Nhiệm vụ đang có đề nghị gia hạn chờ quyết định."), status=409)
EXTENSION_SELF_APPROVAL = ErrorCode(
    "extension-self-approval",
    _("Người đề nghị gia hạn không được tự quyết định đồng ý gia hạn; đề nghị lãnh đạo hoặc cán bộ khác có thẩm quyền quyết định."),
    status=403,
)
EXTENSION_DECIDED = ErrorCode("extension-decided", _("Đề nghị gia hạn này đã được quyết định."), status=409)
EXTENSION_DECIDE_TASK_CLOSED = ErrorCode("task-closed", _("Nhiệm vụ đã hoàn thành hoặc đã dừng, không thể gia hạn."), status=409)
TASK_CANCEL_TASK_CLOSED = ErrorCode("task-closed", _("Chỉ dừng, hủy được nhiệm vụ đang thực hiện."), status=409)
INVALID_STATUS = ErrorCode("invalid-task-status", _("Tình trạng không hợp lệ."))
INVALID_PERIOD = ErrorCode("invalid-period", _("Kỳ báo cáo không hợp lệ (month, quarter, half, year)."))
PERIOD_REPORT_INVALID_PERIOD = ErrorCode("invalid-period", _("Năm hoặc số kỳ báo cáo không hợp lệ."))
ACT_EXTENSION_DECIDED = ErrorCode("extension-decided", _("Không có đề nghị gia hạn chờ quyết định."), status=409)
FIELD_REQUIRED = ErrorCode("required", _("Vui lòng nhập %(label)s."))
FIELD_TOO_LONG = ErrorCode("too-long", _("%(label)s dài quá %(max_length)s ký tự."))
BAD_LEVEL = ErrorCode("invalid", _("Cấp ban hành không hợp lệ."), field="level")
ISSUED_IN_FUTURE = ErrorCode("invalid", _("Ngày ban hành không được sau ngày hôm nay."), field="issued_on")
ISSUED_OUT_OF_RANGE = ErrorCode("date-out-of-range", _("Ngày phải trong khoảng %(first)s–%(last)s."), field="issued_on")
BAD_RECEIVED_ON = ErrorCode("invalid", _("Ngày đến phải từ ngày ban hành đến ngày hôm nay."), field="received_on")
DUPLICATE_DIRECTIVE = ErrorCode("duplicate", _("Văn bản số %(number)s ngày %(date)s đã được đăng ký."), field="number")
ASSIGNED_IN_FUTURE = ErrorCode("invalid", _("Ngày giao không được sau ngày hôm nay."), field="assigned_on")
ASSIGNED_BEFORE_ISSUE = ErrorCode("invalid", _("Ngày giao không được trước ngày ban hành văn bản."), field="assigned_on")
DUE_BEFORE_ASSIGNED = ErrorCode("invalid", _("Thời hạn phải từ ngày giao trở đi."), field="due_on")
NO_COMMUNE = ErrorCode("required", _("Chọn ít nhất một xã, phường nhận nhiệm vụ."), field="communes")
COMMUNE_DIRECTIVE_SELF_ONLY = ErrorCode("invalid", _("Văn bản của xã chỉ giao nhiệm vụ cho chính xã."), field="communes")
UNKNOWN_COMMUNE = ErrorCode("unknown-commune", _("Mã xã, phường không thuộc tỉnh: %(codes)s."), field="communes")
DUPLICATE_TASK = ErrorCode(
    "duplicate", _("Nhiệm vụ này đã được giao theo văn bản với cùng ngày giao và thời hạn cho: %(communes)s."), field="title"
)
BAD_ASSIGNEE = ErrorCode("invalid", _("Người được giao phải là cán bộ của xã nhận nhiệm vụ."), field="assignee")
TASK_ASSIGNEE_FORBIDDEN = ErrorCode(
    "forbidden", _("Chỉ đơn vị giao nhiệm vụ hoặc lãnh đạo xã thực hiện được chọn cán bộ chủ trì."), status=403
)
TASK_ASSIGNEE_TASK_CLOSED = ErrorCode("task-closed", _("Nhiệm vụ đã hoàn thành hoặc đã dừng, không đổi cán bộ chủ trì."), status=409)
BAD_REPORT_KIND = ErrorCode("invalid", _("Loại báo cáo không hợp lệ."), field="kind")
BAD_PROGRESS = ErrorCode("invalid", _("Tiến độ phải từ 0 đến 100 phần trăm."), field="progress")
NEW_DUE_NOT_LATER = ErrorCode("invalid", _("Thời hạn đề nghị phải sau thời hạn hiện tại (%(due)s)."), field="new_due")
DUE_OUT_OF_RANGE = ErrorCode("date-out-of-range", _("Ngày phải trong khoảng %(first)s–%(last)s."), field="due_on")
NEW_DUE_OUT_OF_RANGE = ErrorCode("date-out-of-range", _("Ngày phải trong khoảng %(first)s–%(last)s."), field="new_due")
NEW_DUE_PASSED = ErrorCode("invalid", _("Thời hạn đề nghị (%(due)s) đã qua: chỉ gia hạn đến hôm nay hoặc một ngày sau."), field="new_due")
