"""Error catalogue of procedures (see coso.core.errors): every service error's stable code and its translatable message."""

from django.utils.translation import gettext_lazy as _

from coso.core.errors import ErrorCode

IMPORT_INVALID = ErrorCode("import-invalid", _("Tệp có %(len)s lỗi, chưa nhập dòng nào. Lỗi đầu tiên (%(where)s): %(value)s"))
INVALID_FILE_TYPE = ErrorCode("invalid-file-type", _("Chỉ nhận tệp .xlsx hoặc .json."))
INVALID_STEPS = ErrorCode("invalid-steps", _("Thủ tục phải có ít nhất một bước xử lý."))
PROCEDURE_CREATE_FORBIDDEN = ErrorCode("forbidden", _("Chỉ quản trị hệ thống được thêm thủ tục vào danh mục quốc gia; tỉnh tạo phiên bản riêng."), status=403)
PROCEDURE_UPDATE_FORBIDDEN = ErrorCode("forbidden", _("Chỉ quản trị hệ thống được sửa thông tin chung của thủ tục."), status=403)
VERSION_IMMUTABLE = ErrorCode("version-immutable", _("Chỉ được sửa phần mô tả; thay đổi thời hạn, phí, hồ sơ, bước xử lý cần tạo phiên bản mới."))
IMPORT_EMPTY = ErrorCode("import-empty", _("Tệp không có dòng dữ liệu nào."))
VERSION_IN_USE = ErrorCode("version-in-use", _("Phiên bản này đã được dùng cho hồ sơ; hãy tạo phiên bản mới với các bước mới."), status=409)
PROCEDURE_EXISTS = ErrorCode("procedure-exists", _("Mã thủ tục %(code)s đã có trong danh mục."), status=409)
# The past is never rewritten (as the rule book's ``rule-past``): a person's new version starts today or later.
VERSION_PAST = ErrorCode("version-past", _("Không được sửa quá khứ: ngày hiệu lực phải từ hôm nay (%(today)s) trở đi."), field="valid_from")
# A start date within the project's span of dates (coso.core.params), as the forms' validate_day.
DATE_OUT_OF_RANGE = ErrorCode("invalid-date", _("Ngày phải trong khoảng %(first)s–%(last)s."), field="valid_from")
# Nor are the steps of a version already in force (dossiers filed under it follow them): a new version carries new steps.
VERSION_STARTED = ErrorCode(
    "version-started",
    _("Không được sửa quá khứ: phiên bản này đã áp dụng từ ngày %(valid_from)s nên không được sửa các bước xử lý; "
      "hãy tạo phiên bản mới áp dụng từ một ngày sau hôm nay (%(today)s) với các bước mới."),
)
# A version withdrawn before it took effect (``procedures_end``) is never in force: nothing of it is configured any more.
VERSION_WITHDRAWN = ErrorCode("version-withdrawn", _("Phiên bản từ ngày %(valid_from)s đã rút trước ngày hiệu lực (thủ tục ngừng áp dụng) nên không "
                                                     "áp dụng cho hồ sơ nào; không sửa các bước xử lý của phiên bản này."), status=409)
# Nor are procedures ended on a past day (dossiers filed since would have been filed under an ended version).
END_PAST = ErrorCode("end-past", _("Không được sửa quá khứ: ngày kết thúc phải từ hôm nay (%(today)s) trở đi."), field="valid_to")
# An ended procedure (``procedures_end``: replaced or abolished) takes no new version and no new phân cấp; an administrator
# who must revive it makes it active again first.
PROCEDURE_ENDED = ErrorCode("procedure-ended", _("Thủ tục %(code)s đã ngừng áp dụng: không tạo được phiên bản mới hay phân cấp mới cho thủ tục này."),
                            field="procedure")
END_DATE_INVALID = ErrorCode("validation-error", _("Ngày kết thúc “%(value)s” không hợp lệ (dạng YYYY-MM-DD)."), field="valid_to")
VERSION_EXISTS = ErrorCode("version-exists", _("Đã có phiên bản bắt đầu từ ngày %(valid_from)s; chọn ngày áp dụng khác."), status=409)
VERSION_CREATE_VALIDATION_ERROR = ErrorCode("validation-error", _("Chưa nhập thời hạn giải quyết."))
VERSION_CREATE_VALIDATION_ERROR_2 = ErrorCode("validation-error", _("Thời hạn giải quyết phải lớn hơn 0."))
TIME_LIMIT_TOO_LONG = ErrorCode("validation-error", _("Thời hạn giải quyết dài quá: tối đa %(max)s %(unit)s."), field="time_limit")
# The cut-off time is a local time of day (Asia/Ho_Chi_Minh), as the office hours are.
CUTOFF_TIME_ZONE = ErrorCode("validation-error", _("Giờ giới hạn tiếp nhận là giờ địa phương (ví dụ 15:00), không kèm múi giờ."),
                             field="cutoff_time")
PROCEDURES_END_FORBIDDEN = ErrorCode("forbidden", _("Chỉ quản trị hệ thống được kết thúc thủ tục của danh mục quốc gia."), status=403)
INVALID_JSON = ErrorCode("invalid-json", _("Tệp JSON phải có danh sách “procedures”."))
TOO_MANY_ROWS = ErrorCode("too-many-rows", _("Tệp có quá %(max_import_rows)s dòng."))
ROWS_FROM_UPLOAD_INVALID_JSON = ErrorCode("invalid-json", _("Tệp JSON không hợp lệ."))
PORTAL_ROWS_IMPORT_EMPTY = ErrorCode("import-empty", _("Tệp không có bản ghi thủ tục nào."))
PORTAL_ROWS_TOO_MANY_ROWS = ErrorCode("too-many-rows", _("Tệp có quá %(max_records)s bản ghi."))
PORTAL_ROWS_IMPORT_INVALID = ErrorCode("import-invalid", _("Tệp có %(len)s bản ghi lỗi, chưa nhập bản ghi nào. %(value)s"))
PORTAL_NO_COMMUNE_RECORDS = ErrorCode("import-empty", _("Tệp có %(len)s bản ghi nhưng không có thủ tục cấp xã nào (Xã/Phường) để nhập."))
READ_RECORDS_INVALID_JSON = ErrorCode("invalid-json", _("Tệp không phải văn bản UTF-8."))
READ_RECORDS_INVALID_JSON_2 = ErrorCode("invalid-json", _("Tệp JSON không hợp lệ (dòng %(lineno)s)."))
READ_RECORDS_INVALID_JSON_3 = ErrorCode("invalid-json", _("Dòng %(n)s: không phải JSON hợp lệ."))
FILE_TOO_LARGE = ErrorCode("file-too-large", _("Tệp lớn hơn 5 MB."))
NO_VERSION = ErrorCode("no-version", _("Thủ tục chưa có phiên bản hiệu lực vào ngày này."), status=404)
PROVINCE_UNKNOWN = ErrorCode("province-unknown", _("Không có tỉnh mã “%(code)s”."), field="province_code")
PROVINCE_SCOPE = ErrorCode("province-scope", _("Quản trị tỉnh chỉ được tạo phiên bản riêng của tỉnh mình (mã tỉnh %(province)s)."), status=403)
STEP_INVALID = ErrorCode("invalid-steps", _("%(message)s"))
STEPS_INVALID = ErrorCode("invalid-steps", _("Các bước xử lý chưa hợp lệ: %(messages)s"))
FIELDS_NOT_EDITABLE = ErrorCode("invalid-fields", _("Trường không được phép sửa: %(fields)s"))
FIELDS_INVALID = ErrorCode("invalid-fields", _("Trường không hợp lệ: %(fields)s"))

# Phân cấp (decentralisation of a provincial procedure's decision to communes)
DECENTRALISE_FORBIDDEN = ErrorCode("decentralise-forbidden", _("Chỉ quản trị hệ thống tỉnh mới được phân cấp thủ tục của tỉnh mình."), status=403)
DECENTRALISE_LEVEL = ErrorCode("decentralise-level", _("Chỉ phân cấp được thủ tục thuộc thẩm quyền cấp tỉnh."), field="procedure")
DECENTRALISE_FROM = ErrorCode("decentralise-from", _("Ngày áp dụng phải sau hôm nay (không sửa quá khứ)."), field="valid_from")
DECENTRALISE_TO = ErrorCode("decentralise-to", _("Ngày kết thúc phải sau hôm nay và sau ngày áp dụng."), field="valid_to")
DECENTRALISE_DECISION = ErrorCode("decentralise-decision", _("Nhập số và ngày ban hành quyết định phân cấp (không sau hôm nay)."),
                                  field="decision_number")
# Dates of a decision and its period: the span every record of a commune takes (coso.core.params.FIRST_DAY–LAST_DAY).
DECENTRALISE_DATE_RANGE = ErrorCode("date-out-of-range", _("Ngày phải trong khoảng %(first)s–%(last)s."), field="valid_from")
DECENTRALISE_OVERLAP = ErrorCode("decentralise-overlap", _("Thủ tục đã được phân cấp trong khoảng thời gian này (từ %(day)s)."), status=409)

# Applying an ended procedure again (``procedure_reactivate``): from a date, with its last versions re-opened from then.
PROCEDURE_REACTIVATE_FORBIDDEN = ErrorCode("forbidden", _("Chỉ quản trị hệ thống được áp dụng lại thủ tục của danh mục quốc gia."), status=403)
PROCEDURE_ACTIVE = ErrorCode("procedure-active", _("Thủ tục %(code)s đang áp dụng, không cần áp dụng lại."), status=409)
REACTIVATE_DATE_MISSING = ErrorCode("validation-error", _("Chọn ngày áp dụng lại thủ tục."), field="valid_from")
REACTIVATE_BEFORE_END = ErrorCode("reactivate-before-end", _("Thủ tục ngừng áp dụng từ ngày %(end)s: ngày áp dụng lại phải từ ngày đó trở đi."),
                                  field="valid_from")
REACTIVATE_DATE_TAKEN = ErrorCode("reactivate-date-taken", _("Ngày %(day)s là ngày bắt đầu của một phiên bản đã rút khi thủ tục ngừng áp dụng; "
                                                             "chọn ngày áp dụng lại khác."), status=409, field="valid_from")
REACTIVATE_NO_VERSION = ErrorCode("reactivate-no-version", _("Thủ tục %(code)s chưa từng có phiên bản có hiệu lực nên không có quy định để áp dụng lại."))
# Made active again without a date (``procedure_update``), an ended procedure would have no version in force.
REACTIVATE_NEEDS_DATE = ErrorCode(
    "reactivate-needs-date",
    _("Thủ tục %(code)s đã ngừng áp dụng và không còn phiên bản nào có hiệu lực: hãy áp dụng lại thủ tục từ một ngày "
      "(các quy định của phiên bản cuối được áp dụng lại từ ngày đó), không chỉ đánh dấu đang áp dụng."),
    field="is_active",
)
# Marked inactive without a date (``procedure_update``), a procedure's versions and phân cấp would stay open: it ends from a date.
END_NEEDS_DATE = ErrorCode(
    "end-needs-date",
    _("Hãy ngừng áp dụng thủ tục %(code)s từ một ngày (các phiên bản và phân cấp của thủ tục kết thúc vào ngày đó), "
      "không chỉ bỏ đánh dấu đang áp dụng."),
    field="is_active",
)
