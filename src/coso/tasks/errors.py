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
EXTENSION_DECIDED = ErrorCode("extension-decided", _("Đề nghị gia hạn này đã được quyết định."), status=409)
EXTENSION_DECIDE_TASK_CLOSED = ErrorCode("task-closed", _("Nhiệm vụ đã hoàn thành hoặc đã dừng, không thể gia hạn."), status=409)
TASK_CANCEL_TASK_CLOSED = ErrorCode("task-closed", _("Chỉ dừng, hủy được nhiệm vụ đang thực hiện."), status=409)
INVALID_STATUS = ErrorCode("invalid-task-status", _("Tình trạng không hợp lệ."))
INVALID_PERIOD = ErrorCode("invalid-period", _("Kỳ báo cáo không hợp lệ (month, quarter, half, year)."))
PERIOD_REPORT_INVALID_PERIOD = ErrorCode("invalid-period", _("Năm hoặc số kỳ báo cáo không hợp lệ."))
ACT_EXTENSION_DECIDED = ErrorCode("extension-decided", _("Không có đề nghị gia hạn chờ quyết định."), status=409)
