"""Error catalogue of funding (see coso.core.errors): every service error's stable code and its translatable message."""

from django.utils.translation import gettext_lazy as _

from coso.core.errors import ErrorCode

INVALID_FORMAT = ErrorCode("invalid-format", _("Định dạng phải là pdf hoặc xlsx."))
INVALID_NUMBER = ErrorCode("invalid-number", _("Giá trị phải là số."))
NUMBER_TOO_LARGE = ErrorCode("invalid-number", _("Số quá lớn."))
# The rule book's overlap (rule-overlap), with the norm's name instead of its internal key.
RULE_OVERLAP = ErrorCode("rule-overlap", _("Định mức “%(label)s” của phạm vi này đã có giá trị từ %(start)s đến %(end)s, trùng thời gian với thay đổi mới. Hãy điều chỉnh hoặc huỷ giá trị đó trước."), status=409)
UNKNOWN_NORM = ErrorCode("unknown-norm", _("Không có định mức “%(key)s”."))
SOURCE_REQUIRED = ErrorCode("source-required", _("Cần ghi căn cứ (văn bản, nghị quyết HĐND)."))
NEGATIVE_VALUE = ErrorCode("negative-value", _("Giá trị không được âm."))
COMMUNE_PROFILE_SET_INVALID_NUMBER = ErrorCode("invalid-number", _("Số người tăng thêm không được âm."))
INVALID_SCENARIO_CHANGE = ErrorCode("invalid-scenario-change", _("Thay đổi định mức không hợp lệ: %(first)s"))
# The scenario form's own message (Django's DecimalField, in Vietnamese): the API says the same of the same value.
SCENARIO_VALUE_TOO_PRECISE = ErrorCode("invalid-scenario-change", _("Hãy chắc chắn rằng không có nhiều hơn %(max)s chữ số thập phân."))
NAME_REQUIRED = ErrorCode("name-required", _("Cần đặt tên kịch bản."))
SCENARIO_NAME_TAKEN = ErrorCode("scenario-name-taken", _("Đã có kịch bản trùng tên."), status=409)
SCENARIO_ADOPTED = ErrorCode("scenario-adopted", _("Kịch bản đã áp dụng được giữ lại trong lịch sử, không xoá được."))
SCENARIO_ADOPT_SOURCE_REQUIRED = ErrorCode("source-required", _("Cần ghi căn cứ áp dụng (số nghị quyết/quyết định)."))
DISTRIBUTION_EXCEEDS_FUND = ErrorCode("distribution-exceeds-fund", _("Tổng phụ cấp phân phối %(fmt_money)s vượt %(what)s %(fmt_money2)s (vượt %(fmt_money3)s). Giảm hệ số hoặc số người hưởng."))
NO_FUND = ErrorCode("no-fund", _("Thôn không có quỹ phụ cấp trong tháng này."))
TOO_MANY_POSITIONS = ErrorCode("too-many-positions", _("Thôn chỉ có tối đa %(max_positions)s chức danh hưởng phụ cấp."))
NOTHING_TO_DISTRIBUTE = ErrorCode("nothing-to-distribute", _("Chưa có chức danh nào được nhập hệ số: không có gì để phân phối."))
COMMUNE_PT_FUND_DISTRIBUTE_NO_FUND = ErrorCode("no-fund", _("Không còn quỹ phụ cấp người hoạt động không chuyên trách cấp xã trong tháng này (chế độ kết thúc sau 31/5/2026 hoặc theo quyết định của tỉnh)."))
STALE_SCENARIO = ErrorCode("stale-scenario", _("Kịch bản đã được người khác sửa; hãy tải lại."), status=409)
SCENARIO_UPDATE_SCENARIO_ADOPTED = ErrorCode("scenario-adopted", _("Kịch bản đã áp dụng, không sửa được."))
SCENARIO_ALREADY_ADOPTED = ErrorCode("scenario-already-adopted", _("Kịch bản đã được áp dụng."), status=409)
SCENARIO_EMPTY = ErrorCode("scenario-empty", _("Kịch bản không thay đổi định mức nào."))
VILLAGE_DISTRIBUTION_PREVIEW_INVALID_NUMBER = ErrorCode("invalid-number", _("Hệ số không được âm."))
INVALID_WORKER = ErrorCode("invalid-worker", _("Thiếu họ tên người hưởng."))
INVALID_PERIOD = ErrorCode("invalid-period", _("Kỳ không hợp lệ: dùng năm (2026), quý (2026-Q2) hoặc tháng (2026-05)."))
EXPORT_ALLOCATION_INVALID_FORMAT = ErrorCode("invalid-format", _("Định dạng phải là xlsx hoặc pdf."))
INVALID_SCENARIO_COUNT = ErrorCode("invalid-scenario-count", _("Chọn từ 1 đến %(max_scenarios)s kịch bản."))
SCENARIOS_OF_DIFFERENT_PROVINCES = ErrorCode("scenarios-of-different-provinces", _("Chỉ so sánh các kịch bản của cùng một tỉnh."))
UNKNOWN_POSITION = ErrorCode("unknown-position", _("Chức danh không hưởng phụ cấp từ quỹ thôn: %(positions)s"))
DATE_OUT_OF_RANGE = ErrorCode("invalid-date", _("Ngày phải trong khoảng %(first)s–%(last)s."))
PERIOD_OUT_OF_RANGE = ErrorCode("invalid-period", _("Kỳ phải trong các năm %(first)s–%(last)s."))
SCENARIO_OUT_OF_BOUNDS = ErrorCode("scenario-out-of-bounds", _("Kịch bản “%(name)s” có định mức ngoài giới hạn cho phép (%(problems)s); hãy sửa hoặc xoá kịch bản."))
SCENARIO_ADOPT_PAST = ErrorCode("rule-past", _("Không được sửa quá khứ: ngày hiệu lực phải từ hôm nay (%(today)s) trở đi."), field="effective_from")
SCENARIO_CHANGES_NO_RULE = ErrorCode("scenario-changes-no-rule", _("Kịch bản “%(name)s” không thay đổi định mức nào có hiệu lực ngày %(date)s: áp dụng sẽ không tạo định mức mới nào. Hãy chọn ngày khác hoặc sửa kịch bản."), field="effective_from")
SCENARIO_ONLY_BASE_SALARY = ErrorCode("scenario-changes-no-rule", _("Kịch bản “%(name)s” chỉ thay đổi mức lương cơ sở, là quy định chung toàn quốc mà tỉnh không áp dụng được: kịch bản này chỉ dùng để tính thử."))
