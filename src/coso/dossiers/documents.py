"""The one-stop forms of Circular 01/2018/TT-VPCP as PDF (Mẫu 01–06) and the register / statistics as Excel."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from reportlab.platypus import KeepTogether

from coso.core.excel import workbook_bytes
from coso.core.pdf import A4, A5, OfficialDocument, landscape, vn_date_line
from coso.core.text import format_date
from coso.dossiers.constants import Action, Channel, Status, Timeliness
from coso.dossiers.models import Dossier
from coso.dossiers.services import public_url
from coso.units.models import AdministrativeUnit

FORMS = {
    "receipt": "01",
    "supplement": "02",
    "refusal": "03",
    "apology": "04",
    "control": "05",
}


def _unit(code: str) -> Any:
    return AdministrativeUnit.objects.filter(code=code).first()


def _place(unit: Any) -> str:
    if unit is None:
        return ""
    for prefix in ("Phường ", "Xã ", "Đặc khu ", "Thị trấn "):
        if unit.name.startswith(prefix):
            return unit.name[len(prefix):]
    return unit.name


def _header(d: Dossier) -> tuple[list[str], str, Any]:
    unit = _unit(d.commune_code)
    name = unit.name.upper() if unit else d.commune_code
    return [f"UBND {name}", "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG"], _place(unit), unit


def _d(value: Any) -> str:
    return format_date(value) if value else "…/…/……"


def received_papers(d: Dossier) -> list[tuple[str, int]]:
    """What the citizen actually handed in, with counts: the papers ticked at the counter (Mẫu 01 lists
    only these), then files sent electronically for papers not handed in on paper (online submission)."""
    rows: list[tuple[str, int]] = []
    ev = d.events.filter(action=Action.RECEIVE).order_by("at", "id").first()
    if ev is not None:
        papers = ev.data.get("papers")
        if papers is None:  # received before counts were recorded: the ticked names, with the copies asked for
            asked = {doc.get("name"): doc.get("copies", 1) for doc in (d.procedure_version.required_documents or []) if isinstance(doc, dict)}
            papers = [{"name": n, "copies": asked.get(n, 1)} for n in ev.data.get("documents", [])]
        rows = [(str(p["name"]), int(p.get("copies") or 1)) for p in papers]
    listed = {name for name, _n in rows}
    files: dict[str, int] = {}
    for a in d.attachments.filter(kind="input").order_by("id"):
        if a.document_name not in listed:
            files[a.document_name] = files.get(a.document_name, 0) + 1
    rows += [(f"{name} (bản điện tử)", n) for name, n in files.items()]
    return rows


def _docs(d: Dossier) -> list[list[str]]:
    rows = [["STT", "Tên giấy tờ", "Số lượng"]]
    for i, (name, count) in enumerate(received_papers(d), start=1):
        rows.append([str(i), name, f"{count:02d}"])
    return rows


def _event(d: Dossier, action: str) -> Any:
    return d.events.filter(action=action).order_by("-at").first()


def receipt_pdf(d: Dossier) -> bytes:
    """Mẫu 01 on one A5 sheet (signatures included): the text shrinks a little for a long list of papers,
    and only a list too long for A5 moves to A4. A list too long even for that runs over, with the closing
    lines and the signatures kept together on the last page."""
    for pagesize, font in ((A5, 10), (A5, 9), (A5, 8.5), (A4, 11), (A4, 10), (A4, 9), (A4, 8.5)):
        doc = _receipt(d, pagesize=pagesize, font_size=font)
        pdf = doc.build()
        if doc.page_count <= 1:
            return pdf
    return pdf


def _receipt(d: Dossier, *, pagesize: Any, font_size: float) -> OfficialDocument:
    agency, place, _u = _header(d)
    recv = d.received_at or d.submitted_at
    doc = OfficialDocument(
        title="GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", agency_lines=agency, number=f"Mã hồ sơ: {d.code}",
        place_date=vn_date_line(place, timezone.localdate(recv)), pagesize=pagesize, font_size=font_size, subtitle="Mẫu số 01",
    )
    doc.paragraph(f"Trung tâm Phục vụ hành chính công tiếp nhận hồ sơ của: <b>{_e(d.applicant_name)}</b>", markup=True)
    doc.paragraph(f"Địa chỉ: {d.applicant_address or '…'}")
    doc.paragraph(f"Số điện thoại: {d.applicant_phone}    Thư điện tử: {d.applicant_email or '…'}")
    doc.paragraph(f"Nội dung yêu cầu giải quyết: {d.procedure_version.procedure.name}")
    doc.paragraph("Thành phần hồ sơ nộp gồm:")
    doc.table(_docs(d), col_widths=[12, 90, 20])
    closing = len(doc.story)
    doc.spacer(1.5)
    doc.paragraph(f"Số lượng hồ sơ: 01 bộ. Kênh nộp: {Channel(d.channel).label}.")
    doc.paragraph(f"Thời gian giải quyết hồ sơ theo quy định: {d.procedure_version.time_limit.normalize()} {d.procedure_version.get_time_unit_display()}.")
    doc.paragraph(f"Thời gian nhận hồ sơ: {format_date(recv)}.")
    doc.paragraph(f"<b>Thời gian trả kết quả giải quyết hồ sơ: {_d(d.due_at) if d.procedure_version.time_unit == 'working_hours' else _d(d.due_date)}</b>", markup=True)
    doc.paragraph_with_qr("Tra cứu tình trạng hồ sơ bằng mã QR hoặc tại trang tra cứu với mã hồ sơ và 4 số cuối điện thoại.", public_url(d.code), size_mm=20)
    officer = d.received_by.display_name if d.received_by else ""
    doc.signature("NGƯỜI NỘP HỒ SƠ", "NGƯỜI TIẾP NHẬN HỒ SƠ", officer)
    doc.story[closing:] = [KeepTogether(doc.story[closing:])]
    return doc


def _e(text: str) -> str:
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def supplement_pdf(d: Dossier) -> bytes:
    agency, place, _u = _header(d)
    ev = _event(d, Action.REQUEST_SUPPLEMENT)
    at = ev.at if ev else timezone.now()
    doc = OfficialDocument(
        title="PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ", agency_lines=agency, number=f"Mã hồ sơ: {d.code}",
        place_date=vn_date_line(place, timezone.localdate(at)), pagesize=A5, font_size=10, subtitle="Mẫu số 02",
    )
    doc.paragraph(f"Hồ sơ của: <b>{_e(d.applicant_name)}</b>", markup=True)
    doc.paragraph(f"Nội dung yêu cầu giải quyết: {d.procedure_version.procedure.name}")
    doc.paragraph("Yêu cầu bổ sung, hoàn thiện hồ sơ gồm những nội dung sau:")
    docs = (ev.data.get("documents") if ev else None) or []
    rows = [["STT", "Nội dung cần bổ sung"]] + [[str(i), x] for i, x in enumerate(docs, start=1)]
    if len(rows) == 1:
        rows.append(["1", ev.reason if ev else ""])
    doc.table(rows, col_widths=[12, 110])
    doc.spacer(2)
    doc.paragraph(f"Lý do: {ev.reason if ev else ''}")
    doc.paragraph("Thời gian chờ bổ sung không tính vào thời hạn giải quyết; ngày hẹn trả được lùi tương ứng khi nhận đủ hồ sơ bổ sung.")
    doc.paragraph("Trong quá trình hoàn thiện hồ sơ, nếu có vướng mắc, ông/bà liên hệ Trung tâm Phục vụ hành chính công để được hướng dẫn.")
    doc.signature("", "NGƯỜI HƯỚNG DẪN", ev.actor_name if ev else "")
    return doc.build()


def refusal_pdf(d: Dossier) -> bytes:
    agency, place, _u = _header(d)
    ev = _event(d, Action.REFUSE)
    at = ev.at if ev else timezone.now()
    doc = OfficialDocument(
        title="PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ", agency_lines=agency, number=f"Mã hồ sơ: {d.code}",
        place_date=vn_date_line(place, timezone.localdate(at)), pagesize=A5, font_size=10, subtitle="Mẫu số 03",
    )
    doc.paragraph(f"Trung tâm Phục vụ hành chính công nhận được hồ sơ đề nghị: {d.procedure_version.procedure.name}")
    doc.paragraph(f"Của: <b>{_e(d.applicant_name)}</b>. Địa chỉ: {_e(d.applicant_address or '…')}", markup=True)
    doc.paragraph(f"Qua nghiên cứu, xem xét, cơ quan giải quyết thông báo không tiếp nhận, giải quyết hồ sơ này với lý do: {ev.reason if ev else ''}")
    doc.paragraph("Xin thông báo để ông/bà được biết và thực hiện.")
    doc.signature("", "NGƯỜI KÝ", ev.actor_name if ev else "")
    return doc.build()


def apology_pdf(d: Dossier) -> bytes:
    agency, place, _u = _header(d)
    ap = d.apologies.order_by("-issued_at").first()
    at = ap.issued_at if ap else timezone.now()
    number = f"Số: {ap.number:03d}/PXL" if ap else "Số: …/PXL"
    doc = OfficialDocument(
        title="PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ", agency_lines=agency, number=number,
        place_date=vn_date_line(place, timezone.localdate(at)), pagesize=A5, font_size=10, subtitle="Mẫu số 04",
    )
    doc.paragraph(f"Ngày {_d(d.received_at)}, Trung tâm Phục vụ hành chính công tiếp nhận giải quyết hồ sơ đề nghị: {d.procedure_version.procedure.name}.")
    doc.paragraph(f"Mã hồ sơ: {d.code}, của ông/bà: {d.applicant_name}.")
    doc.paragraph(f"Thời gian hẹn trả kết quả giải quyết hồ sơ: {_d(ap.old_due_date if ap else d.due_date)}.")
    doc.paragraph(f"Tuy nhiên đến nay, cơ quan giải quyết chưa trả kết quả giải quyết hồ sơ cho ông/bà. Lý do: {ap.reason if ap else ''}")
    doc.paragraph("Sự chậm trễ này đã gây phiền hà cho ông/bà. Cơ quan giải quyết xin lỗi ông/bà và sẽ trả kết quả giải quyết hồ sơ cho ông/bà vào ngày:")
    doc.paragraph(f"<b>{_d(ap.new_due_date if ap else None)}</b>", style="center", markup=True)
    doc.paragraph("Mong nhận được sự thông cảm của ông/bà.")
    doc.signature("", "ĐẠI DIỆN CƠ QUAN GIẢI QUYẾT", ap.issued_by.display_name if ap and ap.issued_by else "")
    return doc.build()


def control_pdf(d: Dossier) -> bytes:
    agency, place, _u = _header(d)
    doc = OfficialDocument(
        title="PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ", agency_lines=agency, number=f"Mã hồ sơ: {d.code}",
        place_date=vn_date_line(place, timezone.localdate()), pagesize=A5, font_size=10, subtitle="Mẫu số 05",
    )
    doc.paragraph(f"Kèm theo hồ sơ của: {d.applicant_name}. Thủ tục: {d.procedure_version.procedure.name}")
    doc.paragraph(f"Ngày nhận: {_d(d.received_at)}; ngày hẹn trả: {_d(d.due_date)}" + (f"; hẹn lại: {_d(d.apology_due_date)}" if d.apology_due_date else ""))
    rows: list[list[Any]] = [["Thời điểm", "Thao tác", "Người thực hiện", "Trạng thái", "Ghi chú"]]
    for e in d.events.order_by("at", "id"):
        label = Action(e.action).label if e.action in Action.values else e.action
        status = Status(e.to_status).label if e.to_status in Status.values else e.to_status
        rows.append([format_date(e.at), label, e.actor_name, status, e.reason])
    doc.table(rows, col_widths=[22, 28, 24, 24, 26])
    if d.timeliness:
        doc.spacer(2)
        doc.paragraph(f"Kết quả: {Timeliness(d.timeliness).label}.")
    return doc.build()


def register_pdf(rows: Any, *, title_unit: str, start: dt.date, end: dt.date) -> bytes:
    doc = OfficialDocument(
        title="SỔ THEO DÕI HỒ SƠ", agency_lines=[f"UBND {title_unit.upper()}", "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG"],
        subtitle=f"Mẫu số 06 — từ ngày {format_date(start)} đến ngày {format_date(end)}", pagesize=landscape(A4), font_size=10,
    )
    table = [["STT", "Mã hồ sơ", "Tên TTHC", "Tên cá nhân, tổ chức", "Địa chỉ, số điện thoại", "Ngày nhận", "Hẹn trả", "Ngày xong", "Trạng thái", "Tiến độ"]]
    for i, d in enumerate(rows, start=1):
        table.append(_register_row(i, d))
    doc.table(table, col_widths=[10, 42, 55, 35, 40, 20, 20, 20, 25, 18])
    return doc.build()


def _register_row(i: int, d: Dossier) -> list[str]:
    return [
        str(i), d.code, d.procedure_version.procedure.name, d.applicant_name, f"{d.applicant_address} {d.applicant_phone}".strip(),
        format_date(timezone.localdate(d.received_at)) if d.received_at else "", format_date(d.due_date),
        format_date(timezone.localdate(d.finished_at)) if d.finished_at else "", str(Status(d.status).label),
        str(Timeliness(d.timeliness).label) if d.timeliness else "",
    ]


def register_xlsx(rows: Any, *, title_unit: str, start: dt.date, end: dt.date) -> bytes:
    headers = ["STT", "Mã hồ sơ", "Tên TTHC", "Tên cá nhân, tổ chức", "Địa chỉ, số điện thoại", "Ngày nhận", "Hẹn trả", "Ngày xong", "Trạng thái", "Tiến độ"]
    return workbook_bytes([{
        "title": "Mẫu 06", "heading": [f"SỔ THEO DÕI HỒ SƠ — {title_unit}", f"Từ {format_date(start)} đến {format_date(end)}"],
        "headers": headers, "rows": [_register_row(i, d) for i, d in enumerate(rows, start=1)], "widths": [6, 28, 40, 24, 30, 12, 12, 12, 20, 12],
    }])


STAT_COLUMNS = [
    ("received", "Tiếp nhận"), ("online", "Trực tuyến"), ("finished", "Đã giải quyết"), ("early", "Trước hạn"), ("on_time", "Đúng hạn"),
    ("late", "Trễ hạn"), ("pending", "Đang giải quyết"), ("supplemented", "Có bổ sung"), ("refused", "Từ chối"), ("avg_days", "TB ngày xử lý"),
    ("on_time_rate", "Tỷ lệ đúng hạn (%)"), ("online_share", "Tỷ lệ trực tuyến (%)"),
]


def stats_xlsx(data: dict[str, Any], *, label: str, group_label: str, group_key: Any) -> bytes:
    headers = [group_label] + [h for _k, h in STAT_COLUMNS]

    def row(name: str, r: dict[str, Any]) -> list[Any]:
        return [name] + [round(r[k], 2) if isinstance(r.get(k), float) else r.get(k) for k, _h in STAT_COLUMNS]

    rows = [row(group_key(r), r) for r in data["rows"]] + [row("Tổng cộng", data["total"])]
    t = data["total"]
    summary = [
        ["Phiếu xin lỗi", t["apologies"]],
        ["Rất hài lòng", t["ratings"].get("very_satisfied", 0)],
        ["Hài lòng", t["ratings"].get("satisfied", 0)],
        ["Không hài lòng", t["ratings"].get("unsatisfied", 0)],
        ["Tỷ lệ hài lòng (%)", round(t["satisfaction_rate"], 2) if t["satisfaction_rate"] is not None else None],
    ]
    return workbook_bytes([
        {"title": "Thống kê", "heading": [f"THỐNG KÊ HỒ SƠ — {label}", f"Từ {format_date(data['start'])} đến {format_date(data['end'])}"], "headers": headers, "rows": rows},
        {"title": "Hài lòng", "headers": ["Chỉ tiêu", "Giá trị"], "rows": summary},
    ])


def form_pdf(kind: str, d: Dossier) -> bytes:
    return {"receipt": receipt_pdf, "supplement": supplement_pdf, "refusal": refusal_pdf, "apology": apology_pdf, "control": control_pdf}[kind](d)
