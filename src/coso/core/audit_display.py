"""The audit log as a person reads it, in the reader's language: field labels instead of attribute names (also for
the keys an entry carries that are not model fields), what each action code means, local times and Vietnamese dates
instead of UTC ISO strings, choice and role labels instead of codes, people's names instead of user ids, "Có/Không"
("Yes/No") instead of true/false; secrets, hashes and search columns left out."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from coso.core.audit import SENSITIVE_FIELDS

EMPTY = "—"
MAX_CHARS = 200
_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

# Labels of the model fields declared without a verbose_name, by field name. Django would show such a field by its
# attribute name with spaces ("created at", "is open"): English on a Vietnamese page. Adding verbose_name to the
# models would need a migration in every app, so the audit display names them here (lowercase like a verbose_name;
# the display capitalises). A field declared later without a verbose_name must get a label here or be listed in
# HIDDEN_FIELDS (core/tests/test_audit_display.py checks every model of the project).
FIELD_LABELS: dict[str, str | Promise] = {
    "action": _("thao tác"),
    "actor": _("người thực hiện"),
    "actor_name": _("tên người thực hiện"),
    "actor_role": _("vai trò người thực hiện"),
    "adopted_at": _("thời điểm áp dụng"),
    "agency_code": _("mã định danh cơ quan"),
    "answer_published_at": _("thời điểm công khai trả lời"),
    "answered_at": _("thời điểm trả lời"),
    "answered_by": _("người trả lời"),
    "applied_at": _("thời điểm thực hiện"),
    "approved_at": _("thời điểm phê duyệt"),
    "assigned_to": _("người được giao xử lý"),
    "assignee": _("người được giao"),
    "at": _("thời điểm"),
    "attempts": _("số lần nhập mã"),
    "batch": _("đợt giao"),
    "by_province": _("kết quả theo tỉnh"),
    "cancelled_at": _("thời điểm hủy"),
    "candidate": _("người trong quy hoạch"),
    "category": _("lĩnh vực"),
    "changed_at": _("thời điểm thay đổi"),
    "changed_by": _("người thay đổi"),
    "channel": _("kênh"),
    "closed_at": _("thời điểm kết thúc"),
    "codename": _("tên mã"),
    "comment": _("nhận xét"),
    "commune": _("xã/phường"),
    "commune_code": _("mã xã"),
    "content_type": _("kiểu tệp"),
    "created_at": _("thời điểm tạo"),
    "created_by": _("người tạo"),
    "data": _("dữ liệu kèm theo"),
    "day": _("ngày"),
    "decided_at": _("thời điểm quyết định"),
    "decided_by": _("người quyết định"),
    "destination": _("nơi nhận mã"),
    "done_at": _("thời điểm hoàn thành"),
    "dossier": _("hồ sơ"),
    "due_date": _("hạn xử lý"),
    "effective_on": _("ngày có hiệu lực"),
    "entries": _("số mục"),
    "error": _("lỗi"),
    "escalated_at": _("thời điểm báo lãnh đạo"),
    "evaluation": _("phiếu đánh giá"),
    "expires_at": _("thời điểm hết hạn"),
    "feedback": _("phản ánh, kiến nghị"),
    "file": _("tệp"),
    "file_content_type": _("kiểu tệp"),
    "file_name": _("tên tệp"),
    "finished_at": _("thời điểm kết thúc"),
    "flag_words": _("từ ngữ cần xem"),
    "forward_escalated_at": _("thời điểm báo lãnh đạo quá hạn chuyển"),
    "forward_target_code": _("mã nơi chuyển đến"),
    "forwarded_at": _("thời điểm chuyển"),
    "from_status": _("trạng thái trước"),
    "from_step": _("bước trước"),
    "fund": _("số tiền quỹ (đồng)"),
    "handled_by": _("người xử lý"),
    "handler_role": _("vai trò xử lý"),
    "hidden_reason": _("lý do ẩn"),
    "info_due": _("hạn đề nghị bổ sung thông tin"),
    "info_request": _("nội dung đề nghị bổ sung"),
    "ip": _("địa chỉ IP"),
    "is_image": _("là hình ảnh"),
    "is_open": _("đang mở"),
    "issued_at": _("thời điểm lập phiếu"),
    "issued_by": _("người lập phiếu"),
    "kind": _("loại"),
    "last": _("số thứ tự đã cấp gần nhất"),
    "last_used_at": _("lần sử dụng gần nhất"),
    "legal_basis": _("căn cứ pháp lý"),
    "level": _("cấp"),
    "lines": _("chi tiết phân bổ"),
    "media_url": _("đường dẫn hình ảnh"),
    "module": _("phân hệ"),
    "name": _("tên"),
    "note": _("ghi chú"),
    "object_id": _("mã đối tượng"),
    "object_type": _("loại đối tượng"),
    "officer_ids": _("cán bộ được đánh giá"),
    "order": _("thứ tự"),
    "original_name": _("tên tệp gốc"),
    "owner": _("chủ hồ sơ"),
    "parent": _("đơn vị cấp trên"),
    "person": _("cán bộ, công chức"),
    "planning_list": _("danh sách quy hoạch"),
    "predecessor": _("đơn vị cũ"),
    "prefix": _("tiền tố khóa"),
    "preview": _("số liệu xem trước"),
    "procedure": _("thủ tục"),
    "province_code": _("mã tỉnh"),
    "public": _("công khai"),
    "publish_due": _("hạn công khai"),
    "published_at": _("thời điểm công khai"),
    "rated_at": _("thời điểm đánh giá"),
    "rated_by": _("người đánh giá"),
    "reason": _("lý do"),
    "rebuilt_at": _("thời điểm tính lại toàn bộ"),
    "received_by": _("người tiếp nhận"),
    "refreshed_at": _("thời điểm cập nhật số liệu"),
    "reject_due": _("hạn từ chối tiếp nhận"),
    "reject_reason": _("lý do từ chối"),
    "report": _("báo cáo"),
    "report_count": _("số lượt báo vi phạm"),
    "reported_by": _("người báo cáo"),
    "requested_by": _("người đề nghị"),
    "result": _("kết quả"),
    "revoked": _("đã thu hồi"),
    "revoked_by": _("người thu hồi"),
    "role": _("vai trò thực hiện"),
    "rule_source": _("căn cứ quy định"),
    "run": _("lần chạy"),
    "running_since": _("đang chạy từ"),
    "scale": _("quy mô"),
    "scenario": _("kịch bản"),
    "score": _("điểm đánh giá"),
    "share_percent": _("tỷ lệ thời hạn (%)"),
    "size": _("dung lượng (byte)"),
    "source": _("nguồn"),
    "source_ref": _("mã tham chiếu nguồn"),
    "spec": _("nội dung quyết định"),
    "stamp": _("dấu phiên bản"),
    "started_at": _("thời điểm bắt đầu"),
    "status": _("trạng thái"),
    "step": _("bước"),
    "submitter": _("tài khoản người gửi"),
    "successor": _("đơn vị mới"),
    "task": _("nhiệm vụ"),
    "text": _("nội dung"),
    "title": _("tiêu đề"),
    "to_status": _("trạng thái sau"),
    "to_step": _("bước sau"),
    "total": _("tổng số tiền phân bổ (đồng)"),
    "unit": _("đơn vị"),
    "updated_at": _("thời điểm cập nhật"),
    "updated_by": _("người cập nhật"),
    "uploaded_at": _("thời điểm tải lên"),
    "uploaded_by": _("người tải lên"),
    "used_at": _("thời điểm sử dụng"),
    "user": _("tài khoản"),
    "valid_from": _("hiệu lực từ ngày"),
    "valid_to": _("hiệu lực đến ngày"),
    "version": _("phiên bản"),
    "village": _("thôn, tổ dân phố"),
}

# Labels of the keys audit entries carry that are not fields of the object's model (counts, lists and parameters a
# service records with ``audit_log(after={...})``), by key; a key that is neither a field nor here nor in FIELD_LABELS
# is shown as it is.
EXTRA_LABELS: dict[str, str | Promise] = {
    "area_filled": _("số đơn vị được bổ sung diện tích"),
    "attachments_hidden": _("tệp đính kèm đã ẩn"),
    "budget": _("kinh phí (đồng)"),
    "candidates": _("người trong quy hoạch đã kết thúc"),
    "changes": _("các thay đổi"),
    "channels": _("kênh đã gửi"),
    "count": _("số bản ghi"),
    "course": _("khóa bồi dưỡng"),
    "created": _("đã tạo"),
    "escalated": _("đã báo lãnh đạo"),
    "files": _("tệp đính kèm"),
    "filters": _("điều kiện lọc"),
    "greedy_closed": _("số thiếu hụt được bù (phương án tham lam)"),
    "handed_over": _("đã trao đường dẫn trực tiếp"),
    "hidden": _("đã ẩn"),
    "ids": _("mã các bản ghi"),
    "items": _("số mục"),
    "late": _("quá hạn"),
    "milp_closed": _("số thiếu hụt được bù (phương án tối ưu)"),
    "origin": _("phản ánh gốc"),
    "params": _("tham số"),
    "provider": _("nhà cung cấp định danh"),
    "rows": _("số dòng"),
    "scope": _("phạm vi"),
    "steps": _("các bước"),
    "subject": _("mã định danh bên ngoài"),
    "successions_created": _("số quan hệ kế thừa được tạo"),
    "successions_removed": _("số quan hệ kế thừa được xoá"),
    "successions_updated": _("số quan hệ kế thừa được cập nhật"),
    "units_created": _("số đơn vị được tạo"),
    "usage_rows": _("số dòng sử dụng"),
    "year": _("năm"),
}

# Keys whose values are role codes (coso.accounts.roles.Role) on models that store them without choices.
ROLE_KEYS = frozenset({"role", "actor_role", "handler_role", "waiting_role"})
# Keys whose values are user ids (or lists of them) without being foreign keys to the user model.
USER_ID_KEYS = frozenset({"officer_ids"})

# Names of the models declared without a verbose_name (Django would name them in English, from the class name), by
# model label; a model added later without a verbose_name must get one here (core/tests/test_audit_display.py checks).
MODEL_LABELS: dict[str, str | Promise] = {
    "core.SearchEntry": _("mục chỉ mục tìm kiếm"),
    "core.SearchDocument": _("tài liệu chỉ mục tìm kiếm"),
    "core.SearchWordCount": _("thống kê từ tìm kiếm"),
    "core.DemoMarker": _("dấu dữ liệu mẫu"),
    "accounts.ApiToken": _("mã truy cập API"),
    "accounts.SignupCode": _("mã xác minh đăng ký"),
    "units.UnitParentLink": _("quan hệ đơn vị cấp trên"),
    "units.UnitSuccession": _("quan hệ kế thừa đơn vị"),
    "rules.RuleBookState": _("trạng thái bộ quy định"),
    "procedures.ProcedureVersion": _("phiên bản thủ tục"),
    "procedures.ProcedureStep": _("bước thủ tục"),
    "dossiers.DossierCounter": _("bộ đếm số hồ sơ"),
    "dossiers.DossierStep": _("bước xử lý hồ sơ"),
    "dossiers.DossierEvent": _("diễn biến hồ sơ"),
    "dossiers.DossierAttachment": _("tệp đính kèm hồ sơ"),
    "dossiers.DossierApology": _("văn bản xin lỗi"),
    "dossiers.DossierRating": _("đánh giá hồ sơ"),
    "workforce.PositionHolding": _("quá trình giữ chức vụ"),
    "workforce.Training": _("quá trình đào tạo, bồi dưỡng"),
    "workforce.Discipline": _("kỷ luật"),
    "workforce.StaffingQuota": _("định biên"),
    "workforce.Evaluation": _("đánh giá, xếp loại"),
    "workforce.EvaluationStep": _("bước đánh giá"),
    "workforce.WorkItem": _("nhiệm vụ được giao"),
    "funding.ScenarioChange": _("thay đổi trong kịch bản"),
    "funding.FundDistribution": _("phân phối quỹ"),
    "feedback.ResponseTemplate": _("mẫu trả lời"),
    "feedback.FeedbackEvent": _("diễn biến phản ánh"),
    "feedback.FeedbackReport": _("báo vi phạm"),
    "feedback.FeedbackAttachment": _("tệp đính kèm phản ánh"),
    "planning.PlanningList": _("danh sách quy hoạch"),
    "planning.Candidate": _("người trong quy hoạch"),
    "planning.CandidateEvent": _("diễn biến quy hoạch"),
    "planning.RemovalProposal": _("đề nghị đưa ra khỏi quy hoạch"),
    "planning.Course": _("khóa bồi dưỡng"),
    "planning.TrainingPlan": _("kế hoạch đào tạo, bồi dưỡng"),
    "planning.PostgradRequest": _("đề nghị đào tạo sau đại học"),
    "planning.AppointmentProposal": _("đề nghị bổ nhiệm"),
    "assignments.Decision": _("quyết định điều động, luân chuyển"),
    "assignments.RotationExemption": _("trường hợp không luân chuyển"),
    "assignments.Origin": _("quê quán, nơi công tác của cán bộ"),
    "jobs.JobLock": _("khoá tác vụ"),
    "indices.RollupState": _("trạng thái tổng hợp chỉ số"),
    "tasks.TaskReport": _("báo cáo nhiệm vụ"),
    "tasks.TaskAttachment": _("tệp đính kèm báo cáo"),
    "tasks.Extension": _("đề nghị gia hạn nhiệm vụ"),
}

# Where one attribute name means something else in one model: (model label, field name) → label.
MODEL_FIELD_LABELS: dict[tuple[str, str], str | Promise] = {
    ("procedures.ProcedureStep", "version"): _("phiên bản thủ tục"),
    ("dossiers.DossierStep", "name"): _("tên bước"),
    ("dossiers.DossierStep", "due_date"): _("hạn của bước"),
    ("dossiers.DossierAttachment", "kind"): _("loại tệp"),
    ("funding.FundDistribution", "kind"): _("loại quỹ"),
    ("feedback.FeedbackEvent", "kind"): _("loại diễn biến"),
    ("workforce.EvaluationStep", "level"): _("mức xếp loại"),
    ("units.UnitSuccession", "kind"): _("hình thức sắp xếp"),
    ("units.UnitSuccession", "source"): _("nguồn dữ liệu"),
    ("units.Reorganisation", "result"): _("kết quả thực hiện"),
    ("planning.TrainingPlan", "result"): _("kết quả lập kế hoạch"),
    ("feedback.FeedbackReport", "reason"): _("lý do báo vi phạm"),
    ("feedback.Feedback", "channel"): _("kênh tiếp nhận"),
    ("accounts.SignupCode", "channel"): _("kênh gửi mã"),
    ("accounts.Delegation", "revoked_by"): _("người chấm dứt ủy quyền"),
    ("jobs.ExportJob", "content_type"): _("kiểu tệp xuất"),
}

# What an entry's action code (the ``verb`` a service passes to ``audit_log``) means, in the reader's language, by
# code. The page shows the label and keeps the code beside it (inspectors search by it); a code not here (an old
# entry's) is shown as it is. A verb written later without a label here fails core/tests/test_audit_display.py, which
# reads every ``verb=`` of the project's code.
VERB_LABELS: dict[str, str | Promise] = {
    # the actions themselves: the verb of an entry whose service names none (core.audit.audit_log), and of sign-ins
    "create": _("Tạo"),
    "update": _("Sửa"),
    "delete": _("Xoá"),
    "view": _("Xem dữ liệu cá nhân"),
    "action": _("Thao tác nghiệp vụ"),
    "login": _("Đăng nhập"),
    "login_failed": _("Đăng nhập thất bại"),
    # accounts
    "api_token_issue": _("Cấp mã truy cập API"),
    "citizen_signup": _("Công dân đăng ký tài khoản"),
    "citizen_signup_verified": _("Xác minh mã đăng ký của công dân"),
    "delegation_create": _("Ủy quyền xử lý (KT., TUQ.)"),
    "delegation_end": _("Chấm dứt ủy quyền"),
    "external_identity_create": _("Tạo tài khoản công dân từ định danh bên ngoài"),
    "external_identity_link": _("Liên kết định danh bên ngoài với tài khoản"),
    "login_unlock": _("Mở khoá đăng nhập bằng đường dẫn"),
    "login_unlock_link": _("Gửi đường dẫn mở khoá đăng nhập"),
    "otp_disable": _("Tắt xác thực hai lớp"),
    "otp_enrol": _("Bật xác thực hai lớp"),
    "otp_failed": _("Nhập sai mã xác thực hai lớp"),
    "otp_recovery_codes": _("Tạo lại mã khôi phục"),
    "otp_reset": _("Gỡ xác thực hai lớp của tài khoản"),
    "password_change": _("Tự đổi mật khẩu"),
    "password_change_failed": _("Nhập sai mật khẩu hiện tại (đổi mật khẩu hoặc thông tin liên hệ)"),
    "password_reset_request": _("Đề nghị đặt lại mật khẩu"),
    "password_reset_send": _("Gửi đường dẫn đặt mật khẩu"),
    "password_set": _("Đặt mật khẩu mới"),
    "profile_update": _("Tự sửa thông tin tài khoản"),
    "sessions_end_others": _("Đăng xuất khỏi các thiết bị khác"),
    "session_end": _("Đăng xuất một thiết bị"),
    "staff_create": _("Tạo tài khoản cán bộ"),
    "staff_create_from_register": _("Tạo tài khoản cán bộ từ hồ sơ nhân sự"),
    "staff_deactivate": _("Khoá tài khoản cán bộ"),
    "staff_import": _("Tạo tài khoản cán bộ từ tệp Excel"),
    "staff_import_file": _("Nhập tệp Excel tài khoản cán bộ"),
    "staff_reactivate": _("Mở khoá tài khoản cán bộ"),
    "staff_update": _("Sửa tài khoản cán bộ"),
    # assignments
    "assignments.decision_apply": _("Cập nhật hồ sơ theo quyết định bổ nhiệm có hiệu lực"),
    "assignments.decision_record": _("Ghi nhận quyết định bổ nhiệm"),
    "assignments.decision_return": _("Trả lại quyết định bổ nhiệm khi sắp xếp đơn vị (xã nhận không có chức danh)"),
    "assignments.exemption_add": _("Thêm trường hợp không luân chuyển"),
    "assignments.origin_set": _("Ghi quê quán, nơi công tác của cán bộ"),
    "assignments.planning_closed": _("Kết thúc quy hoạch của người được bổ nhiệm"),
    # dossiers: f"dossier-{action}" for each action of dossiers.constants.ACTIONS, and the codes written directly
    "dossier-accept": _("Tiếp nhận hồ sơ trực tuyến"),
    "dossier-apology": _("Xin lỗi và gia hạn giải quyết hồ sơ"),
    "dossier-approve": _("Phê duyệt, ký hồ sơ"),
    "dossier-assign": _("Phân công xử lý hồ sơ"),
    "dossier-close": _("Đóng hồ sơ do không bổ sung"),
    "dossier-forward": _("Chuyển bước xử lý hồ sơ"),
    "dossier-rate": _("Đánh giá mức độ hài lòng về hồ sơ"),
    "dossier-receive": _("Tiếp nhận hồ sơ tại quầy"),
    "dossier-receive_supplement": _("Nhận hồ sơ bổ sung"),
    "dossier-refuse": _("Từ chối giải quyết hồ sơ"),
    "dossier-release": _("Bỏ phân công hồ sơ của người không còn công tác tại xã"),
    "dossier-request_supplement": _("Yêu cầu bổ sung hồ sơ"),
    "dossier-result_ready": _("Xác nhận hồ sơ đã có kết quả"),
    "dossier-return_result": _("Trả kết quả hồ sơ"),
    "dossier-send_back": _("Trả hồ sơ về bước trước"),
    "dossier-stop": _("Dừng xử lý hồ sơ"),
    "dossier-submit-online": _("Nộp hồ sơ trực tuyến"),
    "dossier-withdraw": _("Rút hồ sơ theo đề nghị của công dân"),
    # feedback
    "feedback_answer": _("Trả lời phản ánh, kiến nghị"),
    "feedback_assign": _("Giao xử lý phản ánh"),
    "feedback_auto_hide": _("Tự động ẩn phản ánh bị báo vi phạm"),
    "feedback_clear_flag": _("Bỏ cờ từ ngữ của phản ánh"),
    "feedback_dismiss_reports": _("Bỏ qua báo cáo vi phạm phản ánh"),
    "feedback_edit": _("Biên tập nội dung công khai của phản ánh"),
    "feedback_escalate": _("Báo lãnh đạo phản ánh quá hạn"),
    "feedback_forward": _("Chuyển phản ánh đến cơ quan có thẩm quyền"),
    "feedback_forward_escalate": _("Báo lãnh đạo phản ánh quá hạn chuyển"),
    "feedback_hide": _("Ẩn phản ánh"),
    "feedback_hide_attachments": _("Ẩn tệp đính kèm của phản ánh được chuyển đến"),
    "feedback_publish": _("Công khai phản ánh"),
    "feedback_publish_answer": _("Công khai trả lời phản ánh"),
    "feedback_rate": _("Người gửi đánh giá trả lời"),
    "feedback_receive_forward": _("Nhận phản ánh được chuyển đến"),
    "feedback_redact": _("Che thông tin cá nhân trong phản ánh"),
    "feedback_reject": _("Từ chối phản ánh"),
    "feedback_report": _("Báo vi phạm phản ánh"),
    "feedback_request_info": _("Đề nghị người gửi bổ sung thông tin"),
    "feedback_submit": _("Gửi phản ánh, kiến nghị"),
    "feedback_supplement": _("Người gửi bổ sung thông tin"),
    "feedback_unhide": _("Bỏ ẩn phản ánh"),
    "feedback_unhide_attachments": _("Hiện lại tệp đính kèm đã ẩn của phản ánh"),
    # funding
    "funding-commune-pt-distribution": _("Phân phối quỹ phụ cấp người hoạt động không chuyên trách cấp xã"),
    "funding-extra-workers-set": _("Đặt số người hoạt động không chuyên trách cấp xã tăng thêm từ một ngày"),
    "funding-organisation-created": _("Tạo tổ chức chính trị - xã hội của xã"),
    "funding-scenario-adopted": _("Áp dụng kịch bản kinh phí"),
    "funding-scenario-changes": _("Ghi các thay đổi của kịch bản kinh phí"),
    "funding-scenario-created": _("Tạo kịch bản kinh phí"),
    "funding-scenario-deleted": _("Xoá kịch bản kinh phí"),
    "funding-scenario-updated": _("Sửa kịch bản kinh phí"),
    "funding-scenario-unadopted": _("Huỷ áp dụng kịch bản kinh phí"),
    "funding-village-distribution": _("Phân phối quỹ phụ cấp thôn, tổ dân phố"),
    "reorganisation_merge_duplicate": _("Ngừng tổ chức trùng khi sắp xếp đơn vị"),
    "reorganisation_extra_workers": _("Cộng số người hoạt động không chuyên trách tăng thêm của các xã sáp nhập cho xã tiếp nhận"),
    # indices
    "indices_rebuild": _("Tính lại toàn bộ chỉ số"),
    "province_figure_corrected": _("Sửa số liệu tỉnh nhập"),
    "province_figure_entered": _("Nhập số liệu của tỉnh"),
    "province_figure_removed": _("Xoá số liệu tỉnh nhập"),
    # jobs
    "export_request": _("Yêu cầu xuất dữ liệu"),
    "job_run": _("Chạy tác vụ định kỳ"),
    "job_run_requested": _("Yêu cầu chạy tác vụ định kỳ"),
    "job_run_abandoned": _("Ghi nhận tác vụ định kỳ bị gián đoạn"),
    # planning
    "planning.appointment_proposal_close": _("Kết thúc đề nghị bổ nhiệm"),
    "planning.appointment_proposal_open": _("Lập đề nghị bổ nhiệm"),
    "planning.attendance_complete": _("Xác nhận hoàn thành khóa bồi dưỡng"),
    "planning.candidate_add": _("Đưa người vào quy hoạch"),
    "planning.candidate_remove": _("Đưa người ra khỏi quy hoạch"),
    "planning.close_on_appointment": _("Kết thúc quy hoạch do đã được bổ nhiệm"),
    "planning.course_create": _("Tạo khóa bồi dưỡng"),
    "planning.list_create": _("Lập danh sách quy hoạch"),
    "planning.merge_duplicate": _("Đóng quy hoạch trùng người khi sáp nhập xã"),
    "planning.plan_build": _("Lập kế hoạch đào tạo, bồi dưỡng"),
    "planning.postgrad_create": _("Ghi nhận đề nghị đào tạo sau đại học"),
    "planning.postgrad_decide": _("Quyết định đề nghị đào tạo sau đại học"),
    "planning.postgrad_repayment": _("Tính chi phí đào tạo phải đền bù"),
    "planning.proposal_decide": _("Quyết định đề nghị đưa ra khỏi quy hoạch"),
    "planning.review_propose": _("Rà soát hằng năm: đề xuất đưa ra khỏi quy hoạch"),
    # procedures
    "procedure_create": _("Tạo thủ tục hành chính"),
    "procedure_decentralise": _("Phân cấp thủ tục cho cấp xã"),
    "procedure_decentralise_end": _("Chấm dứt phân cấp thủ tục"),
    "procedure_decentralise_withdraw": _("Huỷ phân cấp thủ tục chưa có hiệu lực"),
    "procedure_end": _("Ngừng áp dụng thủ tục"),
    "procedure_import": _("Nhập thủ tục từ danh mục"),
    "procedure_import_row": _("Nhập phiên bản thủ tục từ danh mục"),
    "procedure_reactivate": _("Áp dụng lại thủ tục đã ngừng áp dụng"),
    "procedure_rename_shipped": _("Sửa tên thủ tục theo danh mục"),
    "procedure_steps_configure": _("Cấu hình các bước xử lý của thủ tục"),
    "procedure_update": _("Sửa thông tin thủ tục"),
    "procedure_version_close": _("Kết thúc phiên bản thủ tục"),
    "procedure_version_create": _("Tạo phiên bản thủ tục"),
    "procedure_version_update": _("Sửa phần mô tả của phiên bản thủ tục"),
    "procedure_version_withdraw": _("Rút phiên bản thủ tục chưa có hiệu lực (thủ tục ngừng áp dụng)"),
    # rules
    "rule_change": _("Thay đổi giá trị quy định"),
    "rule_close": _("Kết thúc giá trị quy định trước"),
    "rule_continue": _("Giá trị trước tiếp tục sau thời hạn thay đổi"),
    "rule_load": _("Nạp bộ quy định có sẵn"),
    "rule_reopen": _("Khôi phục giá trị quy định trước"),
    "rule_withdraw": _("Rút giá trị quy định chưa có hiệu lực"),
    # tasks
    "directive_register": _("Ghi nhận văn bản chỉ đạo"),
    "task_assign": _("Giao nhiệm vụ cho xã"),
    "task_assignee": _("Giao cán bộ chủ trì nhiệm vụ"),
    "task_cancel": _("Huỷ nhiệm vụ"),
    "task_complete": _("Báo cáo hoàn thành nhiệm vụ"),
    "task_extension_apply": _("Áp dụng hạn mới của nhiệm vụ"),
    "task_extension_approve": _("Đồng ý gia hạn nhiệm vụ"),
    "task_extension_close": _("Kết thúc đề nghị gia hạn chưa xét"),
    "task_extension_refuse": _("Không đồng ý gia hạn nhiệm vụ"),
    "task_extension_request": _("Đề nghị gia hạn nhiệm vụ"),
    "task_progress": _("Báo cáo tiến độ nhiệm vụ"),
    "task_report": _("Gửi báo cáo nhiệm vụ"),
    # units
    "commune_update_attributes": _("Sửa thông tin xã/phường"),
    "reorganisation_apply": _("Thực hiện sắp xếp đơn vị hành chính"),
    "reorganisation_cancel": _("Huỷ sắp xếp đơn vị hành chính"),
    "reorganisation_failed": _("Sắp xếp đơn vị hành chính không thực hiện được"),
    "reorganisation_move": _("Chuyển dữ liệu sang đơn vị mới khi sắp xếp"),
    "reorganisation_schedule": _("Lên lịch sắp xếp đơn vị hành chính"),
    "reorganisation_unit_create": _("Tạo đơn vị mới khi sắp xếp"),
    "reorganisation_unit_end": _("Kết thúc đơn vị cũ khi sắp xếp"),
    "reorganisation_unit_rename": _("Đổi tên đơn vị khi sắp xếp"),
    "reorganisation_village_create": _("Tạo thôn, tổ dân phố khi sắp xếp"),
    "reorganisation_village_end": _("Kết thúc thôn, tổ dân phố khi sắp xếp"),
    "reorganisation_village_merge": _("Nhập thôn, tổ dân phố khi sắp xếp"),
    "reorganisation_village_rename": _("Đổi tên thôn, tổ dân phố trùng tên khi sắp xếp"),
    "units_import_lineage_2025": _("Nạp đơn vị trước 1/7/2025 và đơn vị kế thừa"),
    "units_import_official": _("Nạp danh mục tỉnh, xã chính thức"),
    "village_create": _("Thêm thôn, tổ dân phố"),
    "village_delete": _("Xoá thôn, tổ dân phố"),
    "village_import": _("Nhập thôn, tổ dân phố từ tệp Excel"),
    "village_update": _("Sửa thôn, tổ dân phố"),
    # workcalendar
    "load_calendar_overrides": _("Nạp lịch nghỉ lễ, ngày làm bù"),
    # workforce
    "approve": _("Phê duyệt kết quả đánh giá, xếp loại"),
    "evaluation-open": _("Mở phiếu đánh giá, xếp loại"),
    "import": _("Nhập danh sách cán bộ từ tệp Excel"),
    "import-dossier-stats": _("Lấy số liệu hồ sơ một cửa vào nhật ký công việc"),
    "import-dossiers": _("Tính lại đánh giá theo hồ sơ một cửa"),
    "import-task-items": _("Lấy nhiệm vụ được giao đã hoàn thành vào nhật ký công việc"),
    "import-tasks": _("Tính lại đánh giá theo nhiệm vụ được giao"),
    "leader-assess": _("Lãnh đạo đánh giá, xếp loại"),
    "person_link_user": _("Liên kết hồ sơ nhân sự với tài khoản"),
    "self-assess": _("Tự đánh giá, xếp loại"),
    "work-item": _("Ghi nhiệm vụ vào nhật ký công việc"),
    "workforce.evaluation_transfer": _("Chuyển phiếu đánh giá chưa phê duyệt theo người chuyển công tác"),
    "workforce.person_update": _("Sửa hồ sơ cán bộ"),
    "workforce.position_add": _("Thêm quá trình giữ chức vụ"),
    "workforce.position_change": _("Thay đổi chức vụ hiện giữ"),
    "workforce.position_end": _("Kết thúc chức vụ đang giữ"),
    "workforce.position_history": _("Bổ sung quá trình công tác"),
    "workforce.position_start": _("Bắt đầu giữ chức vụ"),
    "workforce.qualification_raised": _("Nâng trình độ sau đào tạo"),
    "workforce.training_completed": _("Ghi nhận hoàn thành đào tạo, bồi dưỡng"),
    "workforce.transfer_out": _("Chuyển công tác ra khỏi cấp xã (thôi trong danh sách của xã)"),
    "workforce.work_item_import": _("Thêm vào nhật ký công việc khi lấy số liệu hồ sơ, nhiệm vụ"),
    "workforce.work_item_import_remove": _("Bỏ khỏi nhật ký công việc khi lấy lại số liệu hồ sơ, nhiệm vụ"),
    "workforce.work_item_import_update": _("Cập nhật nhật ký công việc khi lấy lại số liệu hồ sơ, nhiệm vụ"),
}

# Columns a reader must never see in the audit log, whatever their value: secrets and hashes (an API token's,
# a sign-up code's, a reporter's address), the key that lets a feedback sender act on the item, who reported an item,
# and the search columns that only repeat other fields folded or as sort keys. Keys ending in _hash, _folded or
# _sort_key are left out too.
HIDDEN_FIELDS = frozenset(SENSITIVE_FIELDS) | {
    "access_key", "address_hash", "code_hash", "reporter_key", "token_hash",
    # a browser session's signed data (coso.accounts.sessions)
    "session_data",
    "applicant_name_folded", "name_folded", "name_sort_key",
    # the search index's own rows (coso.core.search): folded words and documents
    "terms", "token",
    # day numbers the database derives from the task's dates (generated columns; snapshots leave them out)
    "assigned_day", "closed_day", "due_day", "effective_due_day",
}
_HIDDEN_SUFFIXES = ("_hash", "_folded", "_sort_key")


def _model(object_type: str) -> type[models.Model] | None:
    if "." not in object_type:
        return None
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def _field(model: type[models.Model] | None, key: str) -> models.Field | None:
    if model is None:
        return None
    for f in model._meta.concrete_fields:
        if key in (f.name, f.attname):
            return f  # type: ignore[return-value]
    return None


def has_default_verbose_name(field: models.Field) -> bool:
    """True when the field was declared without a verbose_name (Django then uses its attribute name)."""
    return getattr(field, "_verbose_name", None) is None and str(field.verbose_name) == field.name.replace("_", " ")


def is_hidden(key: str, field: models.Field | None = None) -> bool:
    """True for a column the audit display never shows (a secret, a hash, a search column)."""
    names = {key} if field is None else {key, field.name}
    return any(n in HIDDEN_FIELDS or n.endswith(_HIDDEN_SUFFIXES) for n in names)


def _capitalised(name: str) -> str:
    return name[:1].upper() + name[1:]


def _label(field: models.Field | None, key: str) -> str:
    if field is None:
        label = EXTRA_LABELS.get(key) or FIELD_LABELS.get(key)
        return _capitalised(str(label)) if label is not None else key
    if has_default_verbose_name(field):
        model = getattr(field, "model", None)
        label = model._meta.label if model is not None else ""
        name = str(MODEL_FIELD_LABELS.get((label, field.name)) or FIELD_LABELS.get(field.name) or field.verbose_name)
    else:
        name = str(field.verbose_name)
    return _capitalised(name)


def _is_user_key(key: str, field: models.Field | None) -> bool:
    if key in USER_ID_KEYS:
        return True
    related = getattr(field, "related_model", None) if field is not None and field.is_relation else None
    return related is not None and related is get_user_model()


def _user_ids(value: Any) -> list[int]:
    values = value if isinstance(value, list) else [value]
    return [int(v) for v in values if isinstance(v, int) and not isinstance(v, bool) or isinstance(v, str) and v.isdigit()]


def users_named(ids: Any) -> dict[int, str]:
    """{user id: display name} of the users that still exist among ``ids`` (one query)."""
    wanted = {int(i) for i in ids}
    if not wanted:
        return {}
    return {u.pk: u.display_name for u in get_user_model().objects.filter(pk__in=wanted).only("pk", "full_name", "first_name", "last_name", "username")}


def _user_value(value: Any, names: dict[int, str]) -> str:
    def one(v: Any) -> str:
        try:
            return names.get(int(v)) or str(v)  # a user who no longer exists: their id, as recorded
        except (TypeError, ValueError):
            return format_value(v)

    if isinstance(value, list):
        return ", ".join(one(v) for v in value) if value else EMPTY
    return one(value)


def format_value(value: Any, field: models.Field | None = None, *, key: str = "") -> str:
    if value is None or value == "" or value == [] or value == {}:
        return EMPTY
    if isinstance(value, bool):
        return str(_("Có") if value else _("Không"))
    if field is not None and field.choices and not isinstance(value, (list, dict)):
        label = dict(field.flatchoices).get(value)  # type: ignore[arg-type]
        if label is not None:
            return str(label)
    if key in ROLE_KEYS and isinstance(value, str):
        from coso.accounts.roles import Role

        if value in Role.values:
            return str(Role(value).label)
    if isinstance(value, str):
        if _ISO_DATETIME.match(value):
            parsed = parse_datetime(value)
            if parsed is not None:
                if timezone.is_naive(parsed):
                    parsed = timezone.make_aware(parsed, dt.UTC)
                return timezone.localtime(parsed).strftime("%H:%M %d/%m/%Y")
        if _ISO_DATE.match(value):
            day = parse_date(value)
            if day is not None:
                return day.strftime("%d/%m/%Y")
        return value if len(value) <= MAX_CHARS else value[: MAX_CHARS - 1] + "…"
    if isinstance(value, list):
        return ", ".join(format_value(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{_label(None, str(k))}: {format_value(v, key=str(k))}" for k, v in value.items())
    if isinstance(value, float):
        return f"{value:g}".replace(".", ",")
    return str(value)


def object_label(object_type: str) -> str:
    """What kind of object an entry is about, in the reader's language (the model's name); the code when unknown."""
    model = _model(object_type or "")
    if model is None:
        return object_type
    label = MODEL_LABELS.get(model._meta.label) or model._meta.verbose_name
    return _capitalised(str(label))


def verb_label(verb: str) -> str:
    """What an entry's action code means, in the reader's language; the code itself when it has no label."""
    label = VERB_LABELS.get(verb or "")
    return str(label) if label is not None else (verb or "")


def verbs_matching(text: str) -> list[str]:
    """The action codes whose label, in Vietnamese or in the reader's language, contains ``text`` (without regard to
    case or accents): the audit page's filter finds "Chuyển bước" as well as the code ``dossier-forward``."""
    from django.utils import translation

    from coso.core.text import fold

    wanted = fold(text)
    if not wanted:
        return []
    with translation.override("vi"):
        vietnamese = {code: str(label) for code, label in VERB_LABELS.items()}
    return sorted(code for code, label in VERB_LABELS.items() if wanted in fold(str(label)) or wanted in fold(vietnamese[code]))


def _sides(entry: Any) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    before, after = entry.before, entry.after
    if before is not None and not isinstance(before, dict):
        before = {"": before}
    if after is not None and not isinstance(after, dict):
        after = {"": after}
    return before, after


def _mentioned_users(entry: Any) -> set[int]:
    """The user ids an entry's values hold (foreign keys to users, lists of officers)."""
    model = _model(entry.object_type or "")
    ids: set[int] = set()
    for side in _sides(entry):
        for key, value in (side or {}).items():
            if key and _is_user_key(key, _field(model, key)):
                ids.update(_user_ids(value))
    return ids


def field_changes(entry: Any, users: dict[int, str] | None = None) -> list[dict[str, str]]:
    """[{label, before, after}] for one audit entry; ``before``/``after`` are "" when the entry has no
    such side (a creation has no before, a deletion no after). ``users``: {id: name} of the users the entry
    mentions (see :func:`entries_changes`); looked up here when not given."""
    before, after = _sides(entry)
    keys = list((after or {}).keys()) + [k for k in (before or {}) if k not in (after or {})]
    model = _model(entry.object_type or "")
    names = users if users is not None else users_named(_mentioned_users(entry))

    def show(value: Any, field: models.Field | None, key: str) -> str:
        if key and value not in (None, "") and _is_user_key(key, field):
            return _user_value(value, names)
        return format_value(value, field, key=key)

    rows = []
    for key in keys:
        field = _field(model, key)
        if key and is_hidden(key, field):
            continue
        rows.append(
            {
                "label": _label(field, key) if key else "",
                "before": show(before.get(key), field, key) if before is not None else "",
                "after": show(after.get(key), field, key) if after is not None else "",
            }
        )
    return rows


def entries_changes(entries: Any) -> list[list[dict[str, str]]]:
    """:func:`field_changes` of each entry of a page, the names of the users they mention read in one query."""
    entries = list(entries)
    names = users_named(set().union(*(_mentioned_users(e) for e in entries))) if entries else {}
    return [field_changes(e, names) for e in entries]
