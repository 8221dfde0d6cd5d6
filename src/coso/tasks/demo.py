"""Demo data for the tasks app (called by `manage.py demo`).

Province directives of the past year, each giving one task to every commune of the demo province, in every
official status (completed on time / late, not completed within term / overdue, stopped), with progress and
result reports and extension requests (approved, refused, pending); plus a commune's own directive with a task
assigned to a named officer (evidence for the Decree 335 evaluation). Deterministic (seeded), bulk_create.
Nothing is dated after today (assignment, reports, completion, decisions); only deadlines of tasks still within
their term lie ahead, as they must.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.utils import timezone

from coso.core.demo import DemoContext
from coso.tasks.models import Directive, Extension, Task, TaskReport

DIRECTIVES = [
    # (days ago issued, days to deadline, level, issuer, number fmt, summary, task title, product)
    (
        330,
        45,
        "province",
        "UBND Thành phố",
        "{n}/UBND-VX",
        "Triển khai chiến dịch tiêm chủng mở rộng năm {y}",
        "Tổ chức tiêm chủng mở rộng cho trẻ em trên địa bàn",
        "Báo cáo kết quả tiêm chủng",
    ),
    (
        270,
        60,
        "central",
        "Thủ tướng Chính phủ",
        "{n}/CĐ-TTg",
        "Công điện về tăng cường phòng, chống thiên tai mùa mưa bão",
        "Rà soát, lập phương án sơ tán dân ở khu vực xung yếu",
        "Phương án sơ tán được phê duyệt",
    ),
    (
        200,
        30,
        "province",
        "UBND Thành phố",
        "{n}/KH-UBND",
        "Kế hoạch chuyển đổi số cấp xã năm {y}",
        "Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính còn hiệu lực",
        "Tỷ lệ hồ sơ được số hóa",
    ),
    (
        120,
        40,
        "province",
        "Sở Nội vụ",
        "{n}/SNV-CCVC",
        "Rà soát đội ngũ cán bộ, công chức cấp xã sau sắp xếp",
        "Rà soát, báo cáo tiêu chuẩn chức danh công chức cấp xã",
        "Biểu tổng hợp rà soát",
    ),
    (
        60,
        30,
        "province",
        "UBND Thành phố",
        "{n}/UBND-ĐT",
        "Chấn chỉnh tình trạng lấn chiếm vỉa hè, lòng đường",
        "Ra quân lập lại trật tự vỉa hè trên các tuyến đường chính",
        "Báo cáo kết quả ra quân",
    ),
    (
        25,
        45,
        "party",
        "Thành ủy",
        "{n}-CV/TU",
        "Tổ chức lấy ý kiến nhân dân về dự thảo văn kiện",
        "Tổ chức hội nghị lấy ý kiến nhân dân tại khu phố",
        "Biên bản tổng hợp ý kiến",
    ),
]

# outcome weights for a commune's task whose deadline has passed
PAST_OUTCOMES = [("on_time", 72), ("late", 10), ("overdue", 7), ("extended_on_time", 6), ("cancelled", 2), ("refused_overdue", 3)]


def _user(ctx: DemoContext, name: str) -> Any:
    return ctx.users.get(name)


def build(ctx: DemoContext) -> None:
    today = timezone.localdate()
    rng = ctx.rng("tasks")
    province_admin = _user(ctx, "noivu.tinh") or _user(ctx, "quantri.tinh")
    communes = ctx.communes if ctx.scale == "province" else [c for c in ctx.communes if c.province_code == ctx.province.code]
    bar = ctx.progress("Nhiệm vụ được giao")
    total = len(DIRECTIVES) * len(communes)
    done = 0
    for i, (ago, term, level, issuer, fmt, summary, title, product) in enumerate(DIRECTIVES):
        issued = today - dt.timedelta(days=ago)
        d = Directive.objects.create(
            number=fmt.format(n=1200 + 37 * i, y=issued.year),
            issued_on=issued,
            received_on=issued + dt.timedelta(days=1),
            issuer=issuer,
            level=level,
            summary=summary.format(y=issued.year),
            province_code=ctx.province.code,
            commune_code="",
            created_by=province_admin,
        )
        assigned = min(today, issued + dt.timedelta(days=2))
        due = assigned + dt.timedelta(days=term)
        tasks = [
            Task(
                directive=d,
                batch=f"demo{i}",
                title=title,
                lead_unit=c.name,
                coordinating_units="Công an xã; Mặt trận Tổ quốc xã",
                assigned_on=assigned,
                due_on=due,
                effective_due=due,
                expected_product=product,
                province_code=c.province_code,
                commune_code=c.code,
                created_by=province_admin,
            )
            for c in communes
        ]
        Task.objects.bulk_create(tasks, batch_size=1000)
        reports: list[TaskReport] = []
        extensions: list[Extension] = []
        for t in tasks:
            _outcome(t, today, rng, reports, extensions, decider=province_admin)
        Task.objects.bulk_update(
            tasks, ["state", "progress", "completed_on", "result", "effective_due", "cancelled_on", "cancel_reason"], batch_size=1000
        )
        TaskReport.objects.bulk_create(reports, batch_size=2000)
        Extension.objects.bulk_create(extensions, batch_size=2000)
        done += len(tasks)
        bar.update(done, total)
    _commune_own(ctx, today)
    bar.finish()
    ctx.notes.append("Nhiệm vụ: /nhiem-vu/ (báo cáo định kỳ: /nhiem-vu/bao-cao/).")


def _outcome(t: Task, today: dt.date, rng: random.Random, reports: list[TaskReport], extensions: list[Extension], *, decider: Any) -> None:
    span = max(1, (t.due_on - t.assigned_on).days)
    if t.due_on >= today:  # still within term: in progress, some done early, some asking for more time
        r = rng.random()
        elapsed = max(0, (today - t.assigned_on).days)
        if r < 0.3 and elapsed > 3:
            _complete(t, t.assigned_on + dt.timedelta(days=rng.randint(2, elapsed)), reports)
        else:
            t.progress = min(90, int(100 * elapsed / span) // 10 * 10)
            if elapsed > 5:
                reports.append(
                    TaskReport(
                        task=t,
                        kind="progress",
                        reported_on=t.assigned_on + dt.timedelta(days=elapsed // 2),
                        progress=t.progress,
                        content="Đang triển khai, đã họp giao việc cho các bộ phận.",
                    )
                )
            if r > 0.93:
                extensions.append(
                    Extension(
                        task=t,
                        current_due=t.due_on,
                        new_due=t.due_on + dt.timedelta(days=15),
                        status="pending",
                        reason="Chờ số liệu của đơn vị phối hợp.",
                        requested_on=today,
                    )
                )
        return
    outcome = rng.choices([o for o, _w in PAST_OUTCOMES], weights=[w for _o, w in PAST_OUTCOMES])[0]
    if outcome == "on_time":
        _complete(t, t.due_on - dt.timedelta(days=rng.randint(0, min(10, span))), reports)
    elif outcome == "late":
        _complete(t, min(today, t.due_on + dt.timedelta(days=rng.randint(1, 20))), reports)
    elif outcome == "overdue":
        t.progress = rng.choice([30, 50, 70])
        reports.append(
            TaskReport(
                task=t,
                kind="progress",
                reported_on=t.due_on - dt.timedelta(days=3),
                progress=t.progress,
                content="Đang triển khai, còn vướng kinh phí thực hiện.",
            )
        )
    elif outcome in ("extended_on_time", "refused_overdue"):
        asked = t.due_on - dt.timedelta(days=3)
        new_due = t.due_on + dt.timedelta(days=20)
        approved = outcome == "extended_on_time"
        extensions.append(
            Extension(
                task=t,
                current_due=t.due_on,
                new_due=new_due,
                reason="Khối lượng công việc lớn, cần thêm thời gian.",
                status="approved" if approved else "refused",
                requested_on=asked,
                decided_on=asked + dt.timedelta(days=1),
                decided_by=decider,
                decision_reason="" if approved else "Nhiệm vụ cấp bách, không gia hạn.",
            )
        )
        if approved:
            t.effective_due = new_due
            if new_due < today:
                _complete(t, new_due - dt.timedelta(days=2), reports)
        else:
            t.progress = 60
    else:  # cancelled
        t.state, t.cancelled_on, t.cancel_reason = "cancelled", min(today, t.due_on - dt.timedelta(days=5)), "Văn bản chỉ đạo đã được thay thế."


def _complete(t: Task, on: dt.date, reports: list[TaskReport]) -> None:
    on = max(t.assigned_on, on)
    t.state, t.completed_on, t.progress = "completed", on, 100
    t.result = "Đã hoàn thành, có báo cáo kết quả kèm theo."
    reports.append(TaskReport(task=t, kind="result", reported_on=on, progress=100, content=t.result))


def _commune_own(ctx: DemoContext, today: dt.date) -> None:
    """A directive registered by the demo commune, with a task assigned to its specialist (Decree 335 evidence)."""
    commune = ctx.communes[0]
    leader, officer = _user(ctx, "lanhdao"), _user(ctx, "chuyenvien")
    issued = today - dt.timedelta(days=40)
    d = Directive.objects.create(
        number="85/UBND",
        issued_on=issued,
        received_on=issued,
        issuer=f"UBND {commune.name}",
        level="commune",
        summary="Kế hoạch tuyên truyền cải cách hành chính quý này",
        province_code=commune.province_code,
        commune_code=commune.code,
        created_by=leader,
    )
    Task.objects.create(
        directive=d,
        title="Cập nhật niêm yết thủ tục hành chính tại Bộ phận Một cửa",
        lead_unit="Văn phòng HĐND và UBND",
        assigned_on=issued,
        due_on=issued + dt.timedelta(days=20),
        effective_due=issued + dt.timedelta(days=20),
        expected_product="Bảng niêm yết mới",
        assignee=officer,
        state="completed",
        progress=100,
        completed_on=issued + dt.timedelta(days=22),
        result="Đã niêm yết (chậm 2 ngày).",
        province_code=commune.province_code,
        commune_code=commune.code,
        created_by=leader,
    )
    Task.objects.create(
        directive=d,
        title="Tổ chức đối thoại với người dân về thủ tục đất đai",
        lead_unit="Phòng Kinh tế",
        assigned_on=issued,
        due_on=issued + dt.timedelta(days=30),
        effective_due=issued + dt.timedelta(days=30),
        assignee=officer,
        state="completed",
        progress=100,
        completed_on=issued + dt.timedelta(days=25),
        result="Đã tổ chức đối thoại.",
        province_code=commune.province_code,
        commune_code=commune.code,
        created_by=leader,
    )
