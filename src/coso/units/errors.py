"""Error catalogue of administrative units and villages (see coso.core.errors)."""

from django.utils.translation import gettext_lazy as _

from coso.core.errors import ErrorCode

VILLAGE_NAME_REQUIRED = ErrorCode("village-name-required", _("Tên thôn, tổ dân phố không được để trống."), field="name")
VILLAGE_NAME_TAKEN = ErrorCode("village-name-taken", _("Xã/phường đã có thôn, tổ dân phố tên “%(name)s”."), status=409, field="name")
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
