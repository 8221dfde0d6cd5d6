"""Error catalogue of the working-day calendar (see coso.core.errors)."""

from django.utils.translation import gettext_lazy as _

from coso.core.errors import ErrorCode

OVERRIDE_FORBIDDEN = ErrorCode("override-forbidden", _("Bạn chỉ được điều chỉnh lịch làm việc của tỉnh mình."), status=403)
OVERRIDE_NATIONAL_FORBIDDEN = ErrorCode("override-forbidden", _("Chỉ quản trị hệ thống được điều chỉnh ngày nghỉ, ngày làm việc áp dụng toàn quốc; bạn chỉ điều chỉnh lịch của tỉnh mình."),
                                        status=403, field="province_code")
PROVINCE_UNKNOWN = ErrorCode("province-unknown", _("Không có tỉnh mã “%(code)s”."), field="province_code")
OVERRIDE_EXISTS = ErrorCode("override-exists", _("Ngày %(date)s đã có điều chỉnh; hãy sửa hoặc xoá điều chỉnh đó."), field="date")
INVALID_OVERRIDE = ErrorCode("invalid-override", _("Điều chỉnh lịch không hợp lệ."))
BAD_KIND = ErrorCode("invalid-override-kind", _("Loại điều chỉnh không hợp lệ."), field="kind")
REASON_REQUIRED = ErrorCode("override-reason-required", _("Hãy nhập lý do (ví dụ: tên văn bản thông báo nghỉ, làm bù)."), field="reason")
# The past is never rewritten (as the rule book's ``rule-past`` and the procedures' ``version-past``): a day that has gone
# by keeps the calendar deadlines and statistics were counted with; only the loaders of official calendars write it.
OVERRIDE_PAST = ErrorCode("override-past", _("Không được sửa quá khứ: ngày điều chỉnh phải từ hôm nay (%(today)s) trở đi."), field="date")
OVERRIDE_PAST_LOCKED = ErrorCode("override-past", _("Không được sửa quá khứ: ngày %(date)s đã qua nên điều chỉnh của ngày đó không được sửa hoặc xoá."),
                                 field="date")
DATE_NOT_COVERED = ErrorCode("override-date-range", _("Ngày phải nằm trong các năm %(first)s–%(last)s."), field="date")
ALREADY_DAY_OFF = ErrorCode("override-already-day-off", _("Ngày %(date)s vốn đã là ngày nghỉ (%(name)s); không cần thêm ngày nghỉ."), field="date")
ALREADY_WORKING = ErrorCode("override-already-working", _("Ngày %(date)s vốn đã là ngày làm việc; không cần thêm ngày làm bù."), field="date")
# A province moves its own working days around weekends; the public holidays (Labour Code 2019, Article 112) and the days
# off the Government announces for the whole country are not its to work.
WORKING_ON_HOLIDAY = ErrorCode("override-working-on-holiday", _("Ngày %(date)s là ngày nghỉ chung của cả nước (%(name)s); tỉnh không đặt ngày này thành ngày làm việc. Ngày làm bù của tỉnh là một ngày nghỉ cuối tuần."), field="date")
MONTH_OUT_OF_RANGE = ErrorCode("month-out-of-range", _("Tháng phải từ 1 đến 12 và năm trong khoảng %(first)s–%(last)s."), field="month")
# The working-day arithmetic of the API: a start the calendar does not cover, or an offset n that runs off it.
START_OUT_OF_RANGE = ErrorCode("date-out-of-range", _("Ngày bắt đầu phải nằm trong lịch (các năm %(first)s–%(last)s)."), field="start")
DATE_OUT_OF_RANGE = ErrorCode("date-out-of-range", _("Ngày tính được nằm ngoài lịch (%(first)s–%(last)s)."), field="n")
