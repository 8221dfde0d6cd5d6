"""Demo data for the feedback app (called by `manage.py demo`).

A year of feedback for every commune of the demo province: most published and answered on
time, some late (and escalated), some moderated (edited, redacted, hidden after reports,
rejected), some still open, ratings of answers and officers. Deterministic (seeded), with
bulk_create; the same generator feeds the benchmark at national scale.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import random
import secrets
from collections.abc import Callable, Iterator
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from coso.core.bulk import insert_rows
from coso.core.demo import STREETS, DemoContext, random_person, random_phone, squeeze_before
from coso.core.models import SearchEntry
from coso.core.search import search_documents, search_entries, search_stats_refresh
from coso.feedback.models import Feedback, FeedbackCategory, FeedbackEvent
from coso.feedback.services import SEARCH_KIND, FeedbackRules, load_defaults, rule_for
from coso.workcalendar.services import get_calendar

VN = ZoneInfo("Asia/Ho_Chi_Minh")
PER_COMMUNE = 40  # a year, province scale

SUBJECTS: dict[str, list[tuple[str, str]]] = {
    "MT": [("Rác thải ùn ứ đầu hẻm {n}", "Rác thải ùn ứ nhiều ngày ở đầu hẻm {n} đường {street}, bốc mùi hôi, đề nghị thu gom."),
           ("Nước thải chảy tràn", "Nước thải sinh hoạt chảy tràn ra mặt đường {street} gần số {n}, gây ô nhiễm."),
           ("Đốt rác gây khói", "Có người đốt rác vào buổi tối ở khu đất trống đường {street}, khói bay vào nhà dân."),
           ("Cây xanh gãy đổ", "Cây xanh trước nhà số {n} đường {street} bị gãy cành, nguy hiểm cho người đi đường.")],
    "GT": [("Ổ gà trên đường {street}", "Mặt đường {street} đoạn gần số {n} có nhiều ổ gà lớn, xe máy dễ té ngã."),
           ("Đèn đường không sáng", "Đèn chiếu sáng trên đường {street} đoạn từ số {n} không sáng đã hai tuần."),
           ("Ngập nước khi mưa", "Mỗi khi mưa lớn, đoạn đường {street} gần số {n} ngập sâu, người dân đi lại khó khăn."),
           ("Biển báo bị che khuất", "Biển báo giao thông ở ngã tư {street} bị cây che khuất, tài xế không nhìn thấy.")],
    "TT": [("Lấn chiếm vỉa hè", "Nhiều hộ kinh doanh lấn chiếm vỉa hè đường {street}, người đi bộ phải xuống lòng đường."),
           ("Xây dựng không phép", "Công trình tại số {n} đường {street} đang xây dựng vượt tầng, không có biển báo cấp phép."),
           ("Tụ tập gây ồn", "Nhóm thanh niên tụ tập hát karaoke đến khuya ở hẻm {n} đường {street}, gây mất trật tự.")],
    "DV": [("Mất nước sinh hoạt", "Khu vực hẻm {n} đường {street} bị mất nước sinh hoạt ba ngày chưa có thông báo."),
           ("Cống thoát nước tắc", "Cống thoát nước trước số {n} đường {street} bị tắc, nước đọng gây muỗi.")],
    "QD": [("Hỏi thủ tục đăng ký thường trú", "Tôi muốn hỏi hồ sơ đăng ký thường trú cho con mới sinh cần những giấy tờ gì và nộp ở đâu."),
           ("Thời hạn cấp giấy phép xây dựng", "Đề nghị cho biết thời hạn giải quyết hồ sơ cấp giấy phép xây dựng nhà ở riêng lẻ."),
           ("Phí chứng thực bản sao", "Mức phí chứng thực bản sao từ bản chính hiện nay là bao nhiêu, có nộp trực tuyến được không.")],
    "CB": [("Thái độ cán bộ một cửa", "Ngày {n} tôi đến Bộ phận Một cửa nộp hồ sơ, cán bộ tiếp nhận có thái độ thiếu nhiệt tình."),
           ("Hẹn trả kết quả nhiều lần", "Hồ sơ của tôi bị hẹn trả kết quả nhiều lần mà không có phiếu xin lỗi, đề nghị xem xét."),
           ("Khen cán bộ tận tình", "Tôi xin khen chị cán bộ Bộ phận Một cửa đã hướng dẫn tận tình, giải quyết nhanh hồ sơ.")],
    "KH": [("Đề nghị lắp camera an ninh", "Đề nghị xã lắp camera an ninh ở đầu hẻm {n} đường {street} vì hay xảy ra trộm cắp."),
           ("Sân chơi cho trẻ em", "Khu phố chưa có sân chơi cho trẻ em, đề nghị bố trí khu đất trống đường {street}.")],
}
CATEGORY_WEIGHTS = [("MT", 26), ("GT", 24), ("TT", 14), ("DV", 10), ("QD", 12), ("CB", 6), ("KH", 8)]
REJECT_REASONS = ["Nội dung không thuộc thẩm quyền giải quyết của UBND xã.", "Phản ánh trùng với phản ánh đã được trả lời.",
                  "Phản ánh có ngôn từ không phù hợp."]


class _EventList(list):
    """Collects events, or drops them (benchmarks that never read events)."""

    def __init__(self, keep: bool):
        super().__init__()
        self.keep = keep

    def add(self, **fields: Any) -> None:
        if self.keep:
            self.append(FeedbackEvent(**fields))


FORWARD_TARGETS = [
    ("province", "Sở Xây dựng", "Tuyến đường do tỉnh quản lý."),
    ("province", "Sở Nông nghiệp và Môi trường", "Nội dung về đất đai thuộc thẩm quyền của tỉnh."),
    ("external", "Công ty Điện lực", "Lưới điện do đơn vị điện lực quản lý."),
    ("external", "Công ty Cấp nước", "Đường ống cấp nước do công ty cấp nước quản lý."),
]


@functools.lru_cache(maxsize=4096)
def _rules(province_code: str, day: dt.date) -> FeedbackRules:
    return rule_for(province_code, day)


def _at(day: dt.date, rng: random.Random, lo: int = 7, hi: int = 20) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, rng.randrange(lo, hi), rng.randrange(60), tzinfo=VN)


def generate(
    *,
    rng: random.Random,
    communes: list[tuple[str, str]],
    per_commune: int,
    end: dt.date,
    days: int = 365,
    categories: dict[str, FeedbackCategory],
    answerers: dict[str, list[Any]] | None = None,
    submitters: dict[str, Any] | None = None,
    code_prefix: str = "D",
    with_events: bool = True,
) -> Iterator[tuple[Feedback, list[FeedbackEvent]]]:
    """Yield unsaved (feedback, events) pairs: ``per_commune`` items per (province_code, commune_code)."""
    cal = get_calendar()
    now = timezone.now()
    answers = {code: [t.body for t in cat.templates.all() if t.kind == "answer"] or ["Đã tiếp nhận và chỉ đạo xử lý. Cảm ơn ông/bà đã phản ánh."]
               for code, cat in categories.items()}
    today = end
    codes, weights = zip(*CATEGORY_WEIGHTS, strict=True)
    seq = 0
    for province_code, commune_code in communes:
        for _ in range(per_commune):
            seq += 1
            cat_code = rng.choices(codes, weights=weights)[0]
            title_t, text_t = rng.choice(SUBJECTS[cat_code])
            street, n = rng.choice(STREETS), rng.randrange(2, 300)
            title, text = title_t.format(street=street, n=n), text_t.format(street=street, n=n)
            day = today - dt.timedelta(days=rng.randrange(days))
            submitted = min(_at(day, rng, 6, 22), now - dt.timedelta(hours=1))
            start = cal.effective_start(submitted.replace(tzinfo=None))
            rules = _rules(province_code, start)
            answer_due = cal.add_working_days(start, rules.answer_days)
            anonymous = rng.random() < 0.15
            person = random_person(rng)
            fb = Feedback(
                code=f"PA{submitted:%y}-{code_prefix}{province_code}{seq:07d}", access_key=secrets.token_hex(8),
                category=categories[cat_code], title=title, text=text, address=f"{n} {street}",
                anonymous=anonymous, contact_name="" if anonymous else person["full_name"], contact_phone="" if anonymous else random_phone(rng),
                submitter=(submitters or {}).get(commune_code) if rng.random() < 0.1 else None,
                channel=rng.choices(["web", "api", "open311", "counter"], weights=[70, 10, 10, 10])[0],
                province_code=province_code, commune_code=commune_code, submitted_at=submitted, start_date=start,
                reject_due=cal.add_working_days(start, rules.reject_days), info_due=cal.add_working_days(start, rules.info_days), answer_due=answer_due,
                forward_due=cal.add_working_days(start, rules.forward_days), handler_role=categories[cat_code].handler_role,
            )
            if rng.random() < 0.4:
                fb.lat = round(10.70 + rng.random() * 0.2, 6)
                fb.long = round(106.60 + rng.random() * 0.2, 6)
            events = _EventList(with_events)
            events.add(kind="submit", public=True, note="Đã tiếp nhận phản ánh, chờ kiểm duyệt.", at=submitted)
            events.add(kind="original", title=title, text=text, at=submitted)
            age = cal.working_days_between(start, today) if start <= today else 0
            roll = rng.random()
            if roll < 0.04 and age >= 2:  # rejected (mostly on time)
                when = cal.add_working_days(start, rng.choice([1, 1, 2, 3]))
                fb.status, fb.reject_reason, fb.closed_at = Feedback.Status.REJECTED, rng.choice(REJECT_REASONS), _at(when, rng, 8, 16)
                fb.late = when > fb.reject_due
                events.add(kind="reject", public=True, note=fb.reject_reason, at=fb.closed_at)
            elif roll < 0.06 and age >= 5:  # outside the commune's competence: forwarded to a department or another body
                when = cal.add_working_days(start, rng.choice([1, 2, 3, 4, 5, 6]))
                fb.forward_target, fb.forward_target_name, fb.forward_reason = rng.choice(FORWARD_TARGETS)
                fb.forward_target_code = province_code if fb.forward_target == "province" else ""
                fb.status, fb.forwarded_at = Feedback.Status.FORWARDED, _at(when, rng, 8, 16)
                fb.closed_at, fb.late = fb.forwarded_at, when > cal.add_working_days(start, rules.forward_days)
                events.add(kind="forward", public=True, at=fb.forwarded_at,
                           note=f"Không thuộc thẩm quyền của UBND xã, phường; đã chuyển đến {fb.forward_target_name}. Lý do: {fb.forward_reason}")
            elif age < 2 and roll < 0.6:  # fresh: still pending moderation
                pass
            else:
                pub_day = cal.add_working_days(start, rng.choice([0, 1, 1, 2]))
                fb.is_public, fb.published_at = True, max(_at(min(pub_day, today), rng, 8, 16), submitted + dt.timedelta(minutes=10))
                fb.status = Feedback.Status.PROCESSING
                if rng.random() < 0.08:  # edited before publishing
                    fb.text = text.split(",")[0].rstrip(".") + "."
                    events.add(kind="edit", title=title, text=fb.text, note="Biên tập ngắn gọn", at=fb.published_at)
                events.add(kind="publish", public=True, note="Phản ánh đã được kiểm duyệt và công khai.", at=fb.published_at)
                late_roll = rng.random()
                answer_wd = rng.randrange(3, 15) if late_roll > 0.12 else rng.randrange(16, 25)
                answer_day = cal.add_working_days(start, answer_wd)
                if answer_day <= today and age > 3:
                    team = (answerers or {}).get(commune_code) or [None]
                    fb.answered_by = rng.choice(team)
                    fb.answered_at = _at(answer_day, rng, 8, 17)
                    fb.answer_text = rng.choice(answers[cat_code])
                    fb.publish_due = cal.add_working_days(answer_day, rules.publish_days)
                    fb.status, fb.answer_published_at = Feedback.Status.CLOSED, fb.answered_at
                    fb.closed_at = fb.answered_at
                    fb.late = answer_day > answer_due
                    events.add(kind="answer", text=fb.answer_text, note="Đã có nội dung trả lời.", at=fb.answered_at)
                    events.add(kind="publish_answer", public=True, text=fb.answer_text, note="Đã công khai trả lời.", at=fb.answered_at)
                    if rng.random() < 0.55:
                        r = rng.random()
                        fb.rating = "useful" if r < 0.78 else ("not_useful" if r < 0.94 else "reraised")
                        fb.rated_at = fb.answered_at + dt.timedelta(days=rng.randrange(1, 5))
                        if rng.random() < 0.7:
                            fb.officer_rating = rng.choices([5, 4, 3, 2, 1], weights=[45, 30, 12, 8, 5])[0]
                        events.add(kind="rate", public=True, note=f"Người gửi đánh giá: {Feedback.Rating(fb.rating).label}.", at=fb.rated_at)
                elif today > answer_due:
                    fb.late = fb.escalated = True
                    fb.escalated_at = _at(cal.next_working_day(answer_due, include_self=False), rng, 7, 8)
                    fb.escalated_due = answer_due
                    events.add(kind="escalate", note="Quá hạn xử lý; đã báo lãnh đạo đơn vị.", at=fb.escalated_at)
                if fb.is_public and rng.random() < 0.02:  # hidden after three public reports
                    fb.hidden, fb.report_count = True, 3
                    fb.hidden_reason = "Tự động ẩn sau 3 lượt báo vi phạm."
                    events.add(kind="auto_hide", note=fb.hidden_reason, at=fb.published_at + dt.timedelta(days=1))
            _not_after(now, fb, events)
            yield fb, events


FEEDBACK_TIMES = ("submitted_at", "closed_at", "published_at", "answered_at", "answer_published_at", "rated_at", "escalated_at")


def _not_after(now: dt.datetime, fb: Feedback, events: list[FeedbackEvent]) -> None:
    """Nothing in the demo is dated after the moment it is built (a publication at 15:00 of a demo built at
    9:00, a rating days after an answer given yesterday): those times move before ``now``, in order."""
    mapping = squeeze_before(now, [getattr(fb, k) for k in FEEDBACK_TIMES] + [e.at for e in events])
    if not mapping:
        return
    for k in FEEDBACK_TIMES:
        value = getattr(fb, k)
        if value is not None:
            setattr(fb, k, mapping.get(value, value))
    for e in events:
        e.at = mapping.get(e.at, e.at)


def _decimal(v: Any, *, ops: Any, digits: int, places: int) -> Any:
    return ops.adapt_decimalfield_value(v, digits, places)


def _json(v: Any) -> str:
    return json.dumps(v, ensure_ascii=False)


def _converters(model: Any) -> list[tuple[str, str, Any]]:
    """(column, attname, to_db) for every concrete field: a fast path around the ORM's bulk_create."""
    from django.db import connection, models

    ops = connection.ops
    out = []
    for f in model._meta.concrete_fields:
        conv: Callable[..., Any] | None
        if isinstance(f, models.DateTimeField):
            conv = ops.adapt_datetimefield_value
        elif isinstance(f, models.DateField):
            conv = ops.adapt_datefield_value
        elif isinstance(f, models.DecimalField):
            conv = functools.partial(_decimal, ops=ops, digits=f.max_digits, places=f.decimal_places)
        elif isinstance(f, models.JSONField):
            conv = _json
        else:
            conv = None
        out.append((f.column, f.attname, conv))
    return out


def raw_insert(model: Any, objs: list[Any], *, first_id: int | None = None) -> None:
    """INSERT many rows with executemany (ids assigned here when ``first_id`` is given)."""
    from django.db import connection

    if not objs:
        return
    now = timezone.now()
    if first_id is not None:
        for i, o in enumerate(objs):
            o.pk = first_id + i
    for o in objs:
        for f in o._meta.concrete_fields:
            if getattr(f, "auto_now", False) or (getattr(f, "auto_now_add", False) and getattr(o, f.attname) is None):
                setattr(o, f.attname, now)
    conv = _converters(model)
    if first_id is None:
        conv = [c for c in conv if c[1] != model._meta.pk.attname]
    cols = ", ".join(connection.ops.quote_name(c) for c, _a, _f in conv)
    marks = ", ".join(["%s"] * len(conv))
    sql = f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} ({cols}) VALUES ({marks})"  # noqa: S608 - names come from model metadata
    rows = [tuple((f(getattr(o, a)) if (f and getattr(o, a) is not None) else getattr(o, a)) for _c, a, f in conv) for o in objs]
    with connection.cursor() as cur:
        cur.executemany(sql, rows)


def next_id(model: Any) -> int:
    from django.db.models import Max

    return (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1


def reset_sequences(*models_: Any) -> None:
    from django.core.management.color import no_style
    from django.db import connection

    with connection.cursor() as cur:
        for sql in connection.ops.sequence_reset_sql(no_style(), list(models_)):
            cur.execute(sql)


def index_rows(items: list[Feedback]) -> list[tuple[str, int, str, str, str]]:
    """Rows of the core search index (the entries of coso.core.search.search_index_set)."""
    return [(e.kind, e.object_id, e.token, e.province_code, e.commune_code)
            for fb in items
            for e in search_entries(kind=SEARCH_KIND, object_id=fb.pk, texts=(fb.code, fb.title, fb.text, fb.answer_text),
                                    province_code=fb.province_code, commune_code=fb.commune_code)]


def raw_index(rows: list[tuple[str, int, str, str, str]]) -> None:
    from django.db import connection

    q = connection.ops.quote_name
    sql = (f"INSERT INTO {q(SearchEntry._meta.db_table)} ({q('kind')}, {q('object_id')}, {q('token')}, {q('province_code')}, "  # noqa: S608
           f"{q('commune_code')}) VALUES (%s, %s, %s, %s, %s)")
    with connection.cursor() as cur:
        cur.executemany(sql, rows)


def insert(pairs: list[tuple[Feedback, list[FeedbackEvent]]], *, index: bool = True, events: bool = True) -> int:
    """Insert one batch (feedback, events, search words) in one transaction, with executemany."""
    with transaction.atomic():
        items = [fb for fb, _ in pairs]
        raw_insert(Feedback, items, first_id=next_id(Feedback))
        if events:
            evs = []
            for fb, batch in pairs:
                for e in batch:
                    e.feedback_id = fb.pk
                    evs.append(e)
            raw_insert(FeedbackEvent, evs)
        if index:
            raw_index(index_rows(items))
            insert_rows(search_documents(kind=SEARCH_KIND, rows=((fb.pk, (fb.code, fb.title, fb.text, fb.answer_text), fb.province_code,
                                                                  fb.commune_code) for fb in items)))
    return len(items)


def build(ctx: DemoContext) -> None:
    load_defaults()
    if Feedback.objects.filter(province_code=ctx.province.code, code__contains="-D").exists():
        return
    cats = {c.code: c for c in FeedbackCategory.objects.prefetch_related("templates")}
    communes = [(c.province_code or ctx.province.code, c.code) for c in ctx.communes]
    answerers: dict[str, list[Any]] = {}
    users = ctx.users
    if ctx.communes:
        main = ctx.communes[0].code
        answerers[main] = [u for u in (users.get("chuyenvien"), users.get("motcua"), users.get("lanhdao")) if u is not None] or [None]
        if len(ctx.communes) > 1 and users.get("lanhdao2"):
            answerers[ctx.communes[1].code] = [users["lanhdao2"], users.get("motcua2")]
    submitters = {ctx.communes[0].code: users.get("congdan")} if ctx.communes and users.get("congdan") else {}
    rng = ctx.rng("feedback")
    per = PER_COMMUNE if ctx.scale == "province" else 300
    total = len(communes) * per
    bar = ctx.progress("Phản ánh, kiến nghị")
    done = 0
    batch: list[tuple[Feedback, list[FeedbackEvent]]] = []
    for pair in generate(rng=rng, communes=communes, per_commune=per, end=timezone.localdate(), categories=cats,
                         answerers=answerers, submitters=submitters):
        batch.append(pair)
        if len(batch) >= 2000:
            done += insert(batch)
            bar.update(done, total)
            batch = []
    if batch:
        done += insert(batch)
    reset_sequences(Feedback)
    search_stats_refresh(kind=SEARCH_KIND)  # insert() writes the index entries itself
    bar.finish()
