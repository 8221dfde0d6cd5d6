"""Error catalogue of administrative units and villages (see coso.core.errors)."""

from django.utils.translation import gettext_lazy as _

from coso.core.errors import ErrorCode

VILLAGE_NAME_REQUIRED = ErrorCode("village-name-required", _("Tên thôn, tổ dân phố không được để trống."), field="name")
VILLAGE_NAME_TAKEN = ErrorCode("village-name-taken", _("Xã/phường đã có thôn, tổ dân phố tên “%(name)s”."), status=409, field="name")
VILLAGE_HOUSEHOLDS_OVER_POPULATION = ErrorCode("village-households-over-population",
                                               _("Số hộ (%(households)s) không thể lớn hơn số dân (%(population)s)."), field="households")
VILLAGE_CONVERSION_KIND = ErrorCode("village-conversion-kind", _("Chỉ tổ dân phố hoặc khu phố mới có thể là đơn vị chuyển từ thôn."),
                                    field="converted_from_thon")
UNKNOWN_FIELDS = ErrorCode("unknown-fields", _("Trường không được phép: %(fields)s"))
NOT_A_COMMUNE = ErrorCode("not-a-commune", _("Thôn, tổ dân phố phải thuộc một xã, phường hoặc đặc khu."))
VILLAGE_IN_USE = ErrorCode("village-in-use", _("Thôn, tổ dân phố đang được dùng ở dữ liệu khác nên không xoá được."), status=409)
IMPORT_EMPTY = ErrorCode("import-empty", _("Tệp không có dòng dữ liệu nào."))
IMPORT_INVALID = ErrorCode("import-invalid", _("Tệp có %(count)s dòng không hợp lệ; chưa nhập dòng nào. Sửa các lỗi được liệt kê rồi tải lên lại."))
IMPORT_CONFLICT = ErrorCode("import-conflict", _("Xã %(commune)s vừa có thêm “%(name)s”. Vui lòng tải lên lại."), status=409)
FILE_TOO_LARGE = ErrorCode("file-too-large", _("Tệp lớn hơn %(size)s MB."))
ADDRESS_TOO_LONG = ErrorCode("address-too-long", _("Địa chỉ dài quá 300 ký tự."), field="address")
ADDRESS_REQUIRED = ErrorCode("address-required", _("Nhập địa chỉ cũ, ví dụ: “xã Tân Thông Hội, huyện Củ Chi, TP Hồ Chí Minh”."), field="address")

# Reorganisation wizard
REORG_FORBIDDEN = ErrorCode("reorg-forbidden", _("Chỉ quản trị hệ thống tỉnh mới được sắp xếp đơn vị hành chính, thôn, tổ dân phố của tỉnh mình."),
                            status=403)
REORG_KIND = ErrorCode("reorg-kind", _("Chọn loại sắp xếp: sáp nhập thôn, tổ dân phố; sáp nhập xã; chia tách xã."), field="kind")
REORG_DECISION_NUMBER = ErrorCode("reorg-decision-number", _("Nhập số quyết định, nghị quyết sắp xếp."), field="decision_number")
REORG_DECISION_DATE = ErrorCode("reorg-decision-date", _("Ngày ban hành phải có và không sau hôm nay."), field="decision_date")
REORG_EFFECTIVE_DATE = ErrorCode("reorg-effective-date", _("Ngày có hiệu lực phải sau hôm nay và không trước ngày ban hành."),
                                 field="effective_on")
REORG_EFFECTIVE_OUT_OF_RANGE = ErrorCode("date-out-of-range", _("Ngày phải trong khoảng %(first)s–%(last)s."), field="effective_on")
REORG_DECISION_OUT_OF_RANGE = ErrorCode("date-out-of-range", _("Ngày phải trong khoảng %(first)s–%(last)s."), field="decision_date")
REORG_TITLE = ErrorCode("reorg-title", _("Nhập nội dung sắp xếp (tối đa 300 ký tự)."), field="title")
REORG_COMMUNE = ErrorCode("reorg-commune", _("Xã, phường “%(code)s” không thuộc tỉnh hoặc đã hết hiệu lực."), field="commune")
REORG_VILLAGES = ErrorCode("reorg-villages", _("Chọn ít nhất hai thôn, tổ dân phố đang hoạt động của cùng một xã (hoặc một thôn và thôn nhận)."),
                           field="sources")
REORG_TARGET_VILLAGE = ErrorCode("reorg-target-village", _("Thôn, tổ dân phố nhận phải thuộc cùng xã và không nằm trong danh sách sáp nhập."),
                                 field="target_village")
REORG_NEW_NAME = ErrorCode("reorg-new-name", _("Nhập tên thôn, tổ dân phố mới (hoặc chọn thôn nhận)."), field="new_name")
REORG_NAME_TOO_LONG = ErrorCode("too-long", _("Tên dài quá 200 ký tự."), field="new_name")
REORG_TARGET_NAME_TOO_LONG = ErrorCode("too-long", _("Tên dài quá 200 ký tự."), field="targets")
REORG_NAME_TAKEN = ErrorCode("reorg-name-taken", _("Xã đã có thôn, tổ dân phố tên “%(name)s”."), status=409, field="new_name")
REORG_COMMUNE_NAME_TAKEN = ErrorCode("reorg-name-taken", _("Tỉnh đã có xã, phường tên “%(name)s”."), status=409, field="targets")
REORG_SPLIT_NAME_TWICE = ErrorCode("reorg-name-taken", _("Hai đơn vị sau chia tách cùng tên “%(name)s”."), status=409, field="targets")
REORG_COMMUNE_NAME_PENDING = ErrorCode("reorg-name-taken", _("Tên “%(name)s” đã được đặt cho một xã, phường trong phương án sắp xếp khác đang chờ "
                                                              "hiệu lực (%(number)s)."), status=409, field="targets")
REORG_SOURCES = ErrorCode("reorg-sources", _("Chọn ít nhất một xã, phường khác xã nhận để sáp nhập."), field="sources")
REORG_TARGETS = ErrorCode("reorg-targets", _("Chia tách cần ít nhất hai đơn vị sau chia tách, mỗi đơn vị có mã, tên, dân số và diện tích."),
                          field="targets")
REORG_TARGET_CODE = ErrorCode("reorg-target-code", _("Mã “%(code)s” đã là mã của một xã, phường đang hoạt động khác."), status=409,
                              field="targets")
REORG_TARGET_CODE_ENDED = ErrorCode("reorg-target-code-ended",
                                    _("Mã “%(code)s” là mã của %(name)s trước đây, đơn vị không thuộc xã, phường được chia tách: "
                                      "hồ sơ, phản ánh cũ mang mã này là của đơn vị khác. Chọn mã khác."), status=409, field="targets")
REORG_VILLAGE_TARGET = ErrorCode("reorg-village-target", _("Thôn “%(name)s” phải được giao cho một đơn vị sau chia tách."), field="villages")
REORG_BUSY = ErrorCode("reorg-busy", _("Đơn vị “%(name)s” đã có trong một phương án sắp xếp khác đang chờ hiệu lực (%(number)s)."),
                       status=409)
REORG_NOT_SCHEDULED = ErrorCode("reorg-not-scheduled", _("Phương án sắp xếp không còn ở trạng thái chờ hiệu lực."), status=409)
REORG_TOO_LATE = ErrorCode("reorg-too-late", _("Chỉ hủy được trước ngày có hiệu lực (%(day)s)."), status=409)
REORG_NOT_DUE = ErrorCode("reorg-not-due", _("Chưa đến ngày có hiệu lực (%(day)s)."), status=409)
REORG_CANCEL_REASON = ErrorCode("reorg-cancel-reason", _("Nhập lý do hủy."), field="reason")
REORG_VERSION = ErrorCode("reorg-version", _("Phương án vừa được người khác thay đổi. Tải lại trang."), status=409)
