"""Error catalogue of rules (see coso.core.errors): every service error's stable code and its translatable message."""

from django.utils.translation import gettext_lazy as _

from coso.core.errors import ErrorCode

RULE_OVERLAP = ErrorCode("rule-overlap", _("Quy định “%(key)s” của phạm vi này đã có giá trị từ %(start)s đến %(end)s, trùng thời gian với thay đổi mới. Hãy điều chỉnh hoặc huỷ giá trị đó trước."), status=409)
RULE_FORBIDDEN = ErrorCode("rule-forbidden", _("Bạn không có quyền thay đổi quy định này."), status=403)
CHECK_EDITOR_RULE_FORBIDDEN = ErrorCode("rule-forbidden", _("Chỉ quản trị hệ thống được thay đổi quy định áp dụng toàn quốc."), status=403)
CHECK_EDITOR_RULE_FORBIDDEN_2 = ErrorCode("rule-forbidden", _("Bạn chỉ được thay đổi quy định của tỉnh mình."), status=403)
CHECK_EDITOR_RULE_FORBIDDEN_3 = ErrorCode("rule-forbidden", _("Bạn chỉ được thay đổi quy định của xã mình."), status=403)
RULE_BAD_SCOPE = ErrorCode("rule-bad-scope", _("Quy định của xã cần mã tỉnh."))
RULE_CHANGE_RULE_BAD_SCOPE = ErrorCode("rule-bad-scope", _("Quy định này không thể đặt riêng cho phạm vi đã chọn."))
RULE_REASON_REQUIRED = ErrorCode("rule-reason-required", _("Cần ghi lý do thay đổi."))
RULE_BAD_DATE = ErrorCode("rule-bad-date", _("Ngày hiệu lực không hợp lệ."))
RULE_PAST = ErrorCode("rule-past", _("Không được sửa quá khứ: ngày hiệu lực phải từ hôm nay (%(today)s) trở đi."))
RULE_BAD_PERIOD = ErrorCode("rule-bad-period", _("Ngày hết hiệu lực phải sau ngày bắt đầu hiệu lực."))
RULE_BAD_CONFIDENCE = ErrorCode("rule-bad-confidence", _("Độ tin cậy không hợp lệ."))
RULE_WITHDRAW_RULE_REASON_REQUIRED = ErrorCode("rule-reason-required", _("Cần ghi lý do."))
RULE_UNKNOWN_KEY = ErrorCode("rule-unknown-key", _("Mã quy định “%(key)s” chưa được khai báo."))
RULE_FAMILY_KEY = ErrorCode("rule-unknown-key", _("“%(key)s” là một nhóm quy định, không phải một quy định; hãy chọn một quy định cụ thể trong nhóm."))
RULE_PROVINCE_UNKNOWN = ErrorCode("province-unknown", _("Không có tỉnh mã “%(code)s”."), field="province_code")
RULE_COMMUNE_OUTSIDE_PROVINCE = ErrorCode("rule-bad-scope", _("Xã, phường không thuộc tỉnh."), field="commune_code")
RULE_WITHDRAW_NOT_FOUND = ErrorCode("not-found", _("Không tìm thấy quy định."), status=404)
# A value written by adopting a funding scenario is withdrawn with the whole adoption, on the scenario's page: withdrawn
# alone, the scenario still said "adopted from …" and could be neither adopted again nor deleted.
RULE_WITHDRAW_FROM_SCENARIO = ErrorCode("rule-from-scenario", _("Giá trị này được ghi khi áp dụng kịch bản kinh phí (%(note)s). Hãy huỷ áp dụng kịch bản đó trên trang kịch bản (Kinh phí › Kịch bản): mọi giá trị kịch bản đã ghi được huỷ cùng lúc."), status=409)
# A value from the shipped data files is put back by ``load_rules`` at the next deploy: withdrawn, it would come back.
RULE_WITHDRAW_FROM_DATA = ErrorCode("rule-from-data", _("Giá trị này thuộc dữ liệu phát hành kèm phần mềm, sẽ được nạp lại ở lần cập nhật sau nên không huỷ được. Hãy đặt giá trị mới từ ngày cần áp dụng."), status=409)
RULE_WITHDRAW_RULE_PAST = ErrorCode("rule-past", _("Giá trị này đã có hiệu lực; không được xoá quá khứ. Hãy đặt giá trị mới từ một ngày tới."))
RULE_DIFF_BAD_PERIOD = ErrorCode("invalid-period", _("“Từ ngày” phải trước hoặc bằng “Đến ngày”."), field="date_from")
RULE_DATE_OUT_OF_RANGE = ErrorCode("invalid-date", _("Ngày phải trong khoảng %(first)s–%(last)s."))
