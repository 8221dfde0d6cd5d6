"""Error catalogue of assignments (see coso.core.errors): stable codes and translatable Vietnamese messages."""

from django.utils.translation import gettext_lazy as _

from coso.core.errors import ErrorCode

FORBIDDEN = ErrorCode("forbidden", _("Bạn không có quyền bố trí, bổ nhiệm cán bộ của đơn vị này."), status=403)
UNIT_NOT_FOUND = ErrorCode("not-found", _("Không tìm thấy xã/phường trong phạm vi quản lý của bạn."), status=404)
INVALID_COMMUNE_CODE = ErrorCode("invalid-commune", _("Mã xã/phường chỉ gồm chữ số."), field="birth_commune_code")
COMMUNE_CODE_TOO_LONG = ErrorCode("invalid-commune", _("Mã xã/phường có tối đa %(max)s chữ số."), field="birth_commune_code")
POSITION_UNKNOWN = ErrorCode("position-unknown", _("Chức vụ/chức danh không có trong danh mục của đơn vị."), field="position_code")
NO_VACANCY = ErrorCode("no-vacancy", _("“%(position)s” của %(commune)s không còn vị trí trống vào ngày %(day)s."), status=409)
NOT_ELIGIBLE = ErrorCode("not-eligible", _("Không đủ điều kiện bổ nhiệm: %(reasons)s"))
TEXT_TOO_LONG = ErrorCode("too-long", _("%(label)s dài quá %(max_length)s ký tự."))
NUMBER_REQUIRED = ErrorCode("number-required", _("Cần ghi số quyết định."), field="number")
NUMBER_TAKEN = ErrorCode("number-taken", _("Số quyết định %(number)s đã được ghi trong tỉnh."), status=409, field="number")
DECIDED_FUTURE = ErrorCode("invalid-date", _("Ngày ký quyết định không được sau ngày hôm nay."), field="decided_on")
EFFECTIVE_BEFORE = ErrorCode("invalid-date", _("Ngày có hiệu lực không được trước ngày ký."), field="effective_on")
DECIDED_OUT_OF_RANGE = ErrorCode("date-out-of-range", _("Ngày phải trong khoảng %(first)s–%(last)s."), field="decided_on")
EFFECTIVE_OUT_OF_RANGE = ErrorCode("date-out-of-range", _("Ngày phải trong khoảng %(first)s–%(last)s."), field="effective_on")
EXEMPTION_FROM_OUT_OF_RANGE = ErrorCode("date-out-of-range", _("Ngày phải trong khoảng %(first)s–%(last)s."), field="valid_from")
EXEMPTION_TO_OUT_OF_RANGE = ErrorCode("date-out-of-range", _("Ngày phải trong khoảng %(first)s–%(last)s."), field="valid_to")
DAY_OUT_OF_RANGE = ErrorCode("date-out-of-range", _("Ngày phải trong khoảng %(first)s–%(last)s."), field="on")
INVALID_ACTION = ErrorCode("invalid-action", _("Thao tác không hợp lệ."))
INVALID_DATE = ErrorCode("invalid-date", _("Ngày phải theo định dạng dd/mm/yyyy."))
ALREADY_HOLDS = ErrorCode("already-holds", _("Người này đang giữ chức vụ này tại xã/phường."), status=409)
INVALID_REASON = ErrorCode("invalid-reason", _("Lý do không thuộc các trường hợp của Điều 38 Nghị định 59/2019/NĐ-CP."), field="reason")
EXEMPTION_EXISTS = ErrorCode("exemption-exists", _("Đã ghi trường hợp này với cùng thời gian cho người này."), status=409)
EXEMPTION_DATES = ErrorCode("invalid-date", _("Ngày kết thúc không được trước ngày bắt đầu."), field="valid_to")
INVALID_YEARS = ErrorCode("invalid-years", _("Số năm phải là số nguyên từ 0 đến 80 cho mỗi xã/phường có mã đúng."), field="other_years")
INVALID_YEAR = ErrorCode("invalid-year", _("Năm phải từ %(low)s đến %(high)s."), field="year")
NOTHING_SELECTED = ErrorCode("nothing-selected", _("Chọn ít nhất một vị trí trống để ghép."))
TOO_MANY = ErrorCode("too-many", _("Mỗi lần ghép tối đa %(max)s vị trí và %(people)s người."))
ALREADY_APPLIED = ErrorCode("already-applied", _("Quyết định đã được cập nhật vào hồ sơ."), status=409)
