"""The dossier state machine as data (DIGIT-style: state → action → next state, roles per action).

Every action an officer or a citizen can take on a dossier is one row of ``ACTIONS``: the
states it may start from, the state it leads to (``None`` = the state does not change),
the roles allowed to take it, and whether a reason is required. Services read this table;
nothing else in the code decides which transition is legal.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from coso.accounts.roles import Role


class Status(models.TextChoices):
    ONLINE_SUBMITTED = "online_submitted", _("Đã nộp trực tuyến, chờ tiếp nhận")
    RECEIVED = "received", _("Đã tiếp nhận")
    PROCESSING = "processing", _("Đang xử lý")
    SUPPLEMENT_REQUESTED = "supplement_requested", _("Chờ bổ sung hồ sơ")
    APPROVED = "approved", _("Đã phê duyệt")
    RESULT_READY = "result_ready", _("Đã có kết quả, chờ trả")
    RETURNED = "returned", _("Đã trả kết quả")
    REFUSED = "refused", _("Từ chối giải quyết")
    WITHDRAWN = "withdrawn", _("Công dân rút hồ sơ")
    STOPPED = "stopped", _("Dừng xử lý")
    CLOSED = "closed", _("Đóng hồ sơ (không bổ sung)")


class Channel(models.TextChoices):
    COUNTER = "counter", _("Trực tiếp")
    ONLINE = "online", _("Trực tuyến (Cổng Dịch vụ công)")
    POST = "post", _("Bưu chính")
    VNEID = "vneid", _("Trực tuyến qua VNeID")


class Timeliness(models.TextChoices):
    EARLY = "early", _("Trước hạn")
    ON_TIME = "on_time", _("Đúng hạn")
    LATE = "late", _("Trễ hạn")


class Satisfaction(models.TextChoices):
    VERY_SATISFIED = "very_satisfied", _("Rất hài lòng")
    SATISFIED = "satisfied", _("Hài lòng")
    UNSATISFIED = "unsatisfied", _("Không hài lòng")


# The 12 criteria of the provincial portals (e.g. dichvucong.thuathienhue.gov.vn), after Decree 61/2018 Art. 31; each scored Tốt / Trung bình / Kém (2/1/0).
RATING_CRITERIA: list[tuple[str, str | Promise]] = [
    ("overall", _("Đánh giá chung")),
    ("convenience", _("Sự thuận tiện")),
    ("on_time", _("Giải quyết đúng hẹn")),
    ("attitude", _("Thái độ của cán bộ")),
    ("time_vs_limit", _("Thời gian so với quy định")),
    ("actual_time", _("Thời gian thực tế so với quy định")),
    ("contacts", _("Số lần phải liên hệ để hoàn thành hồ sơ")),
    ("agencies", _("Số cơ quan phải liên hệ")),
    ("organisation", _("Tổ chức bộ phận một cửa")),
    ("publicity", _("Công khai thủ tục hành chính")),
    ("feedback_handling", _("Tiếp nhận, xử lý phản ánh, kiến nghị")),
    ("online_quality", _("Tiến độ, chất lượng dịch vụ công trực tuyến")),
]
CRITERION_SCORES = [(2, _("Tốt")), (1, _("Trung bình")), (0, _("Kém"))]
# Since 1/7/2025 the criteria are the nine of Decree 118/2025 Art. 33(1), from the rule book (``onestop.rating.criteria``);
# RATING_CRITERIA above is the fallback for dossiers the rule book has no row for.
# The rule book's labels are Vietnamese text; a label as shipped (data/rules.json: these nine, or the twelve above) is shown
# in the reader's language (``coso.dossiers.services.rating_criteria``), a label a province typed is shown as typed.
RATING_CRITERIA_118: list[tuple[str, str | Promise]] = [
    ("time", _("Thời gian trả kết quả giải quyết so với thời hạn quy định")),
    ("agencies", _("Số lượng cơ quan, đơn vị phải liên hệ để hoàn thiện hồ sơ")),
    ("contacts", _("Số lần phải liên hệ với nơi tiếp nhận hồ sơ để hoàn thiện hồ sơ")),
    ("information", _("Tính chính xác, đầy đủ, kịp thời của thông tin thủ tục hành chính được công khai")),
    ("attitude", _("Thái độ của cán bộ, công chức, viên chức, nhân viên")),
    ("result_costs", _("Kết quả giải quyết đúng quy định; chi phí, kể cả chi phí ngoài quy định")),
    ("feedback", _("Thời gian, chất lượng giải trình đối với phản ánh, kiến nghị")),
    ("online", _("Tiến độ, chất lượng cung cấp dịch vụ công trực tuyến")),
    ("other", _("Tiêu chí khác")),
]


class RatingChannel(models.TextChoices):
    """Ways ratings are collected (Decree 118/2025 Art. 31(1); "survey" only under Decree 61/2018)."""

    FORM = "form", _("Phiếu đánh giá")
    DEVICE = "device", _("Thiết bị đánh giá điện tử tại Bộ phận Một cửa")
    PORTAL = "portal", _("Đánh giá trực tuyến tại Cổng Dịch vụ công quốc gia")
    CAMERA = "camera", _("Camera giám sát")
    BOX = "box", _("Hòm thư góp ý")
    SURVEY = "survey", _("Điều tra xã hội học")
    OTHER = "other", _("Hình thức khác")

OPEN_STATUSES = frozenset({Status.ONLINE_SUBMITTED, Status.RECEIVED, Status.PROCESSING, Status.SUPPLEMENT_REQUESTED, Status.APPROVED})
# "Đã xử lý xong" and the other end states counted by the national portal (Decision 766/QĐ-TTg formulas): the processing clock stops here.
FINISHED_STATUSES = frozenset({Status.RESULT_READY, Status.RETURNED, Status.REFUSED, Status.WITHDRAWN, Status.STOPPED, Status.CLOSED})
ONLINE_CHANNELS = frozenset({Channel.ONLINE, Channel.VNEID})
PAPER_CHANNELS = frozenset({Channel.COUNTER, Channel.POST})
CLOCK_RUNNING = frozenset({Status.RECEIVED, Status.PROCESSING, Status.APPROVED})

STAFF_ACTORS = frozenset({Role.ONESTOP_OFFICER, Role.SPECIALIST, Role.COMMUNE_LEADER})


class Action(models.TextChoices):
    SUBMIT_ONLINE = "submit_online", _("Nộp trực tuyến")
    RECEIVE = "receive", _("Tiếp nhận tại quầy")
    ACCEPT = "accept", _("Tiếp nhận hồ sơ trực tuyến")
    FORWARD = "forward", _("Chuyển bước tiếp theo")
    SEND_BACK = "send_back", _("Trả lại bước trước")
    REQUEST_SUPPLEMENT = "request_supplement", _("Yêu cầu bổ sung hồ sơ")
    RECEIVE_SUPPLEMENT = "receive_supplement", _("Nhận hồ sơ bổ sung")
    REFUSE = "refuse", _("Từ chối giải quyết")
    APPROVE = "approve", _("Phê duyệt, ký")
    STOP = "stop", _("Dừng xử lý")
    WITHDRAW = "withdraw", _("Rút hồ sơ theo đề nghị của công dân")
    RESULT_READY = "result_ready", _("Xác nhận đã có kết quả")
    RETURN_RESULT = "return_result", _("Trả kết quả")
    APOLOGY = "apology", _("Xin lỗi và gia hạn thời gian giải quyết")
    ASSIGN = "assign", _("Phân công xử lý")
    RATE = "rate", _("Đánh giá mức độ hài lòng")
    CLOSE = "close", _("Đóng hồ sơ do không bổ sung")


@dataclass(frozen=True)
class Transition:
    sources: frozenset[str]
    target: str | None
    roles: frozenset[str]
    reason_required: bool = False
    # The acting officer must hold the role of the dossier's current step (forward / send back).
    step_role: bool = False
    extra: dict = field(default_factory=dict)


_ONESTOP = frozenset({Role.ONESTOP_OFFICER})
_PROCESSORS = frozenset({Role.ONESTOP_OFFICER, Role.SPECIALIST, Role.COMMUNE_LEADER})
_DECIDERS = frozenset({Role.SPECIALIST, Role.COMMUNE_LEADER})
_IN_PROCESS = frozenset({Status.RECEIVED, Status.PROCESSING})

ACTIONS: dict[str, Transition] = {
    Action.ACCEPT: Transition(frozenset({Status.ONLINE_SUBMITTED}), Status.RECEIVED, _ONESTOP),
    Action.FORWARD: Transition(_IN_PROCESS, Status.PROCESSING, _PROCESSORS, step_role=True),
    Action.SEND_BACK: Transition(frozenset({Status.PROCESSING}), Status.PROCESSING, _PROCESSORS, reason_required=True, step_role=True),
    Action.REQUEST_SUPPLEMENT: Transition(_IN_PROCESS, Status.SUPPLEMENT_REQUESTED, _PROCESSORS, reason_required=True),
    Action.RECEIVE_SUPPLEMENT: Transition(frozenset({Status.SUPPLEMENT_REQUESTED}), Status.PROCESSING, _ONESTOP),
    Action.REFUSE: Transition(frozenset({Status.ONLINE_SUBMITTED}) | _IN_PROCESS, Status.REFUSED, _PROCESSORS, reason_required=True),
    Action.APPROVE: Transition(_IN_PROCESS, Status.APPROVED, frozenset({Role.COMMUNE_LEADER})),
    Action.STOP: Transition(_IN_PROCESS | {Status.SUPPLEMENT_REQUESTED}, Status.STOPPED, _DECIDERS, reason_required=True),
    # The applicant may stop or withdraw until a decision is issued (Decree 118/2025 Art. 21; Mẫu 05 from 1/7/2025).
    Action.WITHDRAW: Transition(OPEN_STATUSES - {Status.APPROVED}, Status.WITHDRAWN, _ONESTOP | {Role.CITIZEN}, reason_required=True),
    Action.RESULT_READY: Transition(frozenset({Status.APPROVED}), Status.RESULT_READY, _PROCESSORS),
    Action.RETURN_RESULT: Transition(frozenset({Status.RESULT_READY}), Status.RETURNED, _ONESTOP),
    # Issued by the competent processing body, not the one-stop office (Decree 118/2025 Art. 19(6); Decree 61/2018 Art. 19(9)).
    Action.APOLOGY: Transition(OPEN_STATUSES - {Status.ONLINE_SUBMITTED}, None, _DECIDERS, reason_required=True),
    # "Đóng hồ sơ": the one-stop office closes a dossier not supplemented in time (Decree 118/2025 Art. 19(5)); the daily job does it too.
    Action.CLOSE: Transition(frozenset({Status.SUPPLEMENT_REQUESTED}), Status.CLOSED, _ONESTOP),
    Action.ASSIGN: Transition(_IN_PROCESS, None, frozenset({Role.COMMUNE_LEADER, Role.ONESTOP_OFFICER, Role.SPECIALIST})),
}

# Who must act next when the dossier is in a status that has no step (inbox routing).
WAITING_ROLE_BY_STATUS: dict[str, str] = {
    Status.ONLINE_SUBMITTED: Role.ONESTOP_OFFICER,
    Status.SUPPLEMENT_REQUESTED: Role.ONESTOP_OFFICER,
    Status.APPROVED: Role.ONESTOP_OFFICER,
    Status.RESULT_READY: Role.ONESTOP_OFFICER,
}

# Kinds sniffed from the content (coso.core.attachments): scans and photos of papers, PDF, Word.
# Photos are re-encoded without EXIF/GPS; GIF/BMP/TIFF scans are stored as PNG.
ALLOWED_ATTACHMENT_KINDS = frozenset({"pdf", "jpg", "png", "webp", "gif", "bmp", "tif", "docx", "odt"})

PHONE_SUFFIX_DIGITS = 4
MAX_FREE_TEXT = 4000  # characters of a note, a reason or a rating comment (as a feedback or a task report)

# A register covers at most three years (the page, the API and the export job alike).
REGISTER_MAX_YEARS = 3  # by the calendar: coso.core.params.last_day_of_years
