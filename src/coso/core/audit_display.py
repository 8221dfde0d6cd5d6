"""The audit log as a person reads it, in the reader's language: field labels instead of attribute names (also for
the keys an entry carries that are not model fields), local times and Vietnamese dates instead of UTC ISO strings,
choice and role labels instead of codes, people's names instead of user ids, "Có/Không" ("Yes/No") instead of
true/false; secrets, hashes and search columns left out."""

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

# Columns a reader must never see in the audit log, whatever their value: secrets and hashes (an API token's,
# a sign-up code's, a reporter's address), the key that lets a feedback sender act on the item, who reported an item,
# and the search columns that only repeat other fields folded or as sort keys. Keys ending in _hash, _folded or
# _sort_key are left out too.
HIDDEN_FIELDS = frozenset(SENSITIVE_FIELDS) | {
    "access_key", "address_hash", "code_hash", "reporter_key", "token_hash",
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
