"""The history notes the system writes on a feedback item (``FeedbackEvent.note``), stored in Vietnamese and shown in the
reader's language.

A note is stored as its Vietnamese text, the catalogue's source: a fixed note is its own msgid, and a note with parameters
is its template (the msgid) filled in. Shown, a fixed note is translated with ``gettext``; a filled-in note is read back
against its template and its template translated, the parameters kept as written (names, codes, dates, the words a
moderator typed), so the rows written before the notes were translatable are shown translated too. Anything else, the
text a person typed (a reason, a request for information, a report), is shown as typed.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from django.utils.translation import gettext, gettext_noop

SUBMITTED = gettext_noop("Đã tiếp nhận phản ánh, chờ kiểm duyệt.")
SUPPLEMENTED = gettext_noop("Công dân đã bổ sung thông tin.")
PUBLISHED = gettext_noop("Phản ánh đã được kiểm duyệt và công khai.")
ANSWERED = gettext_noop("Đã có nội dung trả lời.")
ANSWER_PUBLISHED = gettext_noop("Đã công khai trả lời.")
REDACTED = gettext_noop("Ẩn thông tin cá nhân")
FIXED = frozenset({SUBMITTED, SUPPLEMENTED, PUBLISHED, ANSWERED, ANSWER_PUBLISHED, REDACTED})

# Templates with parameters. ``note`` is a moderator's optional words after the system's; ``rating``, a rating's label.
FLAGGED = gettext_noop("Từ ngữ cần xem: %(words)s")
FLAG_CLEARED = gettext_noop("Đã xem từ ngữ: %(words)s.")
REDACTED_FILES = gettext_noop("%(note)s; ẩn %(count)s tệp")
COPY_FILES_HIDDEN = gettext_noop("Ẩn %(count)s tệp đã ẩn ở phản ánh gốc %(code)s.")
FILES_SHOWN = gettext_noop("Hiện lại %(count)s tệp.")
COPY_FILES_SHOWN = gettext_noop("Hiện lại %(count)s tệp đã hiện lại ở phản ánh gốc %(code)s.")
REPORTS_DISMISSED = gettext_noop("Bỏ qua %(count)s báo cáo vi phạm.")
AUTO_HIDDEN = gettext_noop("Tự động ẩn sau %(count)s lượt báo vi phạm.")
RATED = gettext_noop("Người gửi đánh giá: %(rating)s.")
RATED_MOVED = gettext_noop("Người gửi đánh giá: %(rating)s. Phản ánh được chuyển về %(unit)s (đơn vị tiếp nhận sau sắp xếp) để xử lý.")
OVERDUE_ANSWER = gettext_noop("Quá hạn xử lý (%(date)s); đã báo lãnh đạo đơn vị.")
OVERDUE_PUBLICATION = gettext_noop("Quá hạn công khai trả lời (%(date)s); đã báo lãnh đạo đơn vị.")
FORWARD_OVERDUE = gettext_noop("Chưa phân loại sau hạn chuyển cơ quan có thẩm quyền (%(date)s); đã báo lãnh đạo đơn vị.")
FORWARDED = gettext_noop("Không thuộc thẩm quyền của UBND %(unit)s; đã chuyển đến %(target)s. Lý do: %(reason)s")
FORWARDED_COPY = gettext_noop("Không thuộc thẩm quyền của UBND %(unit)s; đã chuyển đến %(target)s. Lý do: %(reason)s "
                              "Mã phản ánh tại nơi nhận: %(copy)s.")
RECEIVED = gettext_noop("Nhận từ UBND %(unit)s (phản ánh %(code)s), chuyển vì không thuộc thẩm quyền. Lý do: %(reason)s")

# Which templates a moderator's words may follow (after one space), and the order they are tried in: the longer of two
# templates that share a beginning first.
WITH_NOTE = frozenset({FLAG_CLEARED, COPY_FILES_HIDDEN, FILES_SHOWN, COPY_FILES_SHOWN, REPORTS_DISMISSED})
TEMPLATES = (FLAGGED, FLAG_CLEARED, REDACTED_FILES, COPY_FILES_HIDDEN, COPY_FILES_SHOWN, FILES_SHOWN, REPORTS_DISMISSED, AUTO_HIDDEN,
             RATED_MOVED, RATED, OVERDUE_ANSWER, OVERDUE_PUBLICATION, FORWARD_OVERDUE, FORWARDED_COPY, FORWARDED, RECEIVED)
_PARAM = {"count": r"\d+", "date": r"\d{2}/\d{2}/\d{4}", "code": r"\S+", "copy": r"\S+"}


def write(template: str, *, note: str = "", **params: Any) -> str:
    """The stored (Vietnamese) text of a note: ``template`` filled in, then the moderator's ``note`` if the template takes one."""
    if "%(note)s" in template:  # the words take their place inside the note
        params = {**params, "note": note}
    text = template % params
    return f"{text} {note}" if note and template in WITH_NOTE else text


@functools.cache
def _patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    out = []
    for template in TEMPLATES:
        parts = re.split(r"%\((\w+)\)s", template)
        regex = "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>{_PARAM.get(p, '.*?')})" for i, p in enumerate(parts))
        if template in WITH_NOTE:
            regex += r"(?: (?P<_note>.*))?"
        out.append((template, re.compile(regex, re.DOTALL)))
    return tuple(out)


def _labels_vi() -> set[str]:
    from django.utils import translation

    from coso.feedback.models import Feedback

    with translation.override("vi"):
        return {str(label) for label in Feedback.Rating.labels}


def display(note: str) -> str:
    """``note`` in the active language: a note the system wrote, translated; the words a person typed, as typed."""
    if not note:
        return note
    if note in FIXED:
        return gettext(note)
    for template, pattern in _patterns():
        m = pattern.fullmatch(note)
        if m is None:
            continue
        params = {k: v for k, v in m.groupdict().items() if k != "_note"}
        if "note" in params:  # the words a moderator typed, or the fixed note written when they typed none
            params["note"] = gettext(params["note"]) if params["note"] in FIXED else params["note"]
        if "rating" in params:
            params["rating"] = gettext(params["rating"]) if params["rating"] in _labels_vi() else params["rating"]
        text = gettext(template) % params
        tail = m.groupdict().get("_note")
        return f"{text} {tail}" if tail else text
    return note
