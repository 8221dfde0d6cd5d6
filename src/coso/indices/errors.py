"""Error catalogue of indices (see coso.core.errors): every service error's stable code and its translatable message."""

from django.utils.translation import gettext_lazy as _

from coso.core.errors import ErrorCode

BAD_INDICATOR = ErrorCode("bad-indicator", _("Chỉ số không hợp lệ hoặc chưa có dữ liệu trong Coso."))
BAD_LEVEL = ErrorCode("bad-level", _("Cấp không hợp lệ (commune, province, national)."))
END_BEFORE_START = ErrorCode("bad-period", _("Ngày kết thúc phải sau ngày bắt đầu."))
DATE_RANGE_BAD_PERIOD = ErrorCode("bad-period", _("Khoảng thời gian tối đa 3 năm."))
PERIOD_OUT_OF_RANGE = ErrorCode("bad-period", _("Kỳ báo cáo phải trong các năm %(first)s–%(last)s."))
BAD_PERIOD = ErrorCode("bad-period", _("Kỳ báo cáo không hợp lệ (ví dụ: 2026-11, 2026-Q4, 2026 hoặc ngày bắt đầu và kết thúc)."))
