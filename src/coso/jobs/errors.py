"""Error catalogue of background jobs and exports (see coso.core.errors)."""

from django.utils.translation import gettext_lazy as _

from coso.core.errors import ErrorCode

JOB_NOT_FOUND = ErrorCode("job-not-found", _("Không có tác vụ này."), status=404)
RUN_FORBIDDEN = ErrorCode("job-run-forbidden", _("Chỉ quản trị hệ thống được chạy tác vụ thủ công."), status=403)
EXPORT_KIND_NOT_FOUND = ErrorCode("export-kind-not-found", _("Không có loại xuất tệp này."), status=404)
EXPORT_KIND_GONE = ErrorCode("export-kind-unsupported", _("Loại xuất tệp không còn được hỗ trợ."))
INACTIVE_USER = ErrorCode("inactive-user", _("Tài khoản đã bị khoá."))
EXPORT_FAILED = ErrorCode("export-failed", _("Lỗi hệ thống khi tạo tệp; vui lòng thử lại hoặc báo quản trị."))
JOB_RUN_ABANDONED = ErrorCode("job-run-abandoned", _("Bị gián đoạn: lần chạy không kết thúc (tiến trình đã dừng giữa chừng) "
                                                      "và đã quá thời hạn của tác vụ."))
JOB_RUN_OVERTAKEN = ErrorCode("job-run-overtaken", _("Bị gián đoạn: lần chạy kéo dài quá thời hạn của tác vụ và lần chạy sau đã nhận "
                                                        "khoá; kết quả của lần chạy này không được ghi."))
EXPORT_TIMED_OUT = ErrorCode("export-timed-out", _("Quá thời gian chờ; vui lòng yêu cầu lại."))
