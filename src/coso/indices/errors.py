"""Error catalogue of indices (see coso.core.errors): every service error's stable code and its translatable message."""

from django.utils.translation import gettext_lazy as _

from coso.core.errors import ErrorCode

BAD_INDICATOR = ErrorCode("bad-indicator", _("Chỉ số không hợp lệ hoặc chưa có dữ liệu trong Coso."))
BAD_LEVEL = ErrorCode("bad-level", _("Cấp không hợp lệ (commune, province, national)."))
END_BEFORE_START = ErrorCode("bad-period", _("Ngày kết thúc không được trước ngày bắt đầu."))
DATE_RANGE_BAD_PERIOD = ErrorCode("bad-period", _("Khoảng thời gian tối đa %(years)s năm: với ngày bắt đầu này, ngày kết thúc muộn nhất là %(last)s."))
PERIOD_OUT_OF_RANGE = ErrorCode("bad-period", _("Kỳ báo cáo phải trong các năm %(first)s–%(last)s."))
BAD_PERIOD = ErrorCode("bad-period", _("Kỳ báo cáo không hợp lệ (ví dụ: 2026-11, 2026-Q4, 2026 hoặc ngày bắt đầu và kết thúc)."))
PROVINCE_FIGURE_FORBIDDEN = ErrorCode("province-figure-forbidden", _("Chỉ Sở Nội vụ hoặc quản trị tỉnh nhập số liệu này."), status=403)
UNKNOWN_PROVINCE_FIGURE = ErrorCode("province-figure-unknown", _("Đầu vào không có trong danh mục số liệu tỉnh nhập."), field="key")
PROVINCE_FIGURE_YEAR = ErrorCode("province-figure-year", _("Năm phải từ %(first)s đến năm nay."), field="year")
PROVINCE_FIGURE_DOCUMENT = ErrorCode("province-figure-document", _("Ghi số, ngày của văn bản công bố số liệu (tối đa 200 ký tự)."), field="document")
PROVINCE_FIGURE_ROWS = ErrorCode("province-figure-rows", _("Chưa lưu: %(n)s ô có lỗi, xem từng dòng."))
PROVINCE_FIGURE_FILE = ErrorCode("province-figure-file", _("Chọn một tệp Excel (.xlsx) không quá 5 MB."), field="file")
TOO_MANY_RANGES = ErrorCode("too-many-ranges", _("Bạn đã xem quá nhiều khoảng thời gian tự chọn trong một giờ. Vui lòng chọn tháng, quý, năm hoặc thử lại sau."), status=429)
