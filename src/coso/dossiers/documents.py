"""The one-stop forms as PDF and the register / statistics as Excel.

Dossiers received from 1/7/2025 (Decree 118/2025/NĐ-CP) get the seven forms of Circular 03/2025/TT-VPCP, Appendix I:
01 receipt and appointment, 02 supplement request, 03 refusal, 04 apology and extension, 05 stop notice (new), 06 control
sheet, 07 register. Dossiers received before keep the six of Circular 01/2018/TT-VPCP (Art. 9): 01–03 the same, 04 apology
and new date, 05 control sheet, 06 register. The dated rule ``onestop.regime`` decides.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from reportlab.platypus import KeepTogether

from coso.core.excel import workbook_bytes
from coso.core.pdf import A4, A5, OfficialDocument, landscape, vn_date_line
from coso.core.text import format_date
from coso.dossiers.constants import Action, Channel, Status, Timeliness
from coso.dossiers.models import Dossier
from coso.dossiers.services import REGIME_118, REGIME_OLD, public_url, regime, regime_on
from coso.units.models import AdministrativeUnit

# kind → (number, title) per regime
FORM_SETS: dict[str, dict[str, tuple[str, str]]] = {
    REGIME_OLD: {
        "receipt": ("01", "Giấy tiếp nhận hồ sơ và hẹn trả kết quả"),
        "supplement": ("02", "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ"),
        "refusal": ("03", "Phiếu từ chối tiếp nhận giải quyết hồ sơ"),
        "apology": ("04", "Phiếu xin lỗi và hẹn lại ngày trả kết quả"),
        "control": ("05", "Phiếu kiểm soát quá trình giải quyết hồ sơ"),
        "register": ("06", "Sổ theo dõi hồ sơ"),
    },
    REGIME_118: {
        "receipt": ("01", "Giấy tiếp nhận hồ sơ và hẹn trả kết quả"),
        "supplement": ("02", "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ"),
        "refusal": ("03", "Phiếu từ chối tiếp nhận giải quyết hồ sơ"),
        "apology": ("04", "Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết"),
        "stop": ("05", "Thông báo dừng giải quyết hồ sơ"),
        "control": ("06", "Phiếu kiểm soát quá trình giải quyết hồ sơ"),
        "register": ("07", "Sổ theo dõi hồ sơ"),
    },
}
CIRCULAR = {REGIME_OLD: "Thông tư 01/2018/TT-VPCP", REGIME_118: "Thông tư 03/2025/TT-VPCP"}
# Every kind a dossier's form URL may name (the register is printed for a period, not per dossier).
FORMS = frozenset(k for forms in FORM_SETS.values() for k in forms if k != "register")


def form_set(d: Dossier) -> dict[str, tuple[str, str]]:
    return FORM_SETS[regime(d) if regime(d) in FORM_SETS else REGIME_OLD]


def form_number(kind: str, d: Dossier) -> str:
    return form_set(d)[kind][0]


def _subtitle(kind: str, d: Dossier) -> str:
    reg = regime(d) if regime(d) in FORM_SETS else REGIME_OLD
    return f"Mẫu số {FORM_SETS[reg][kind][0]} ({CIRCULAR[reg]})"


def register_form(day: dt.date) -> tuple[str, str, str]:
    """(number, title, circular) of the register kept on ``day``: Mẫu 06 before 1/7/2025, Mẫu 07 from then."""
    reg = regime_on(day)
    reg = reg if reg in FORM_SETS else REGIME_OLD
    number, title = FORM_SETS[reg]["register"]
    return number, title, CIRCULAR[reg]


def available_forms(d: Dossier) -> list[tuple[str, str]]:
    """(kind, "Mẫu 0X — title") of the forms this dossier has, in the numbering of its regime."""
    forms = form_set(d)
    kinds = ["receipt"]
    if d.supplement_count:
        kinds.append("supplement")
    if d.status == Status.REFUSED:
        kinds.append("refusal")
    if d.apology_due_date or d.apologies.exists():
        kinds.append("apology")
    if "stop" in forms and d.status in (Status.STOPPED, Status.WITHDRAWN):
        kinds.append("stop")
    kinds.append("control")
    return sorted(((k, f"Mẫu {forms[k][0]} — {forms[k][1]}") for k in kinds), key=lambda kv: kv[1])


def form_available(kind: str, d: Dossier) -> bool:
    return kind in {k for k, _l in available_forms(d)}


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
        place_date=vn_date_line(place, timezone.localdate(recv)), pagesize=pagesize, font_size=font_size, subtitle=_subtitle("receipt", d),
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
        place_date=vn_date_line(place, timezone.localdate(at)), pagesize=A5, font_size=10, subtitle=_subtitle("supplement", d),
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
    if _restarts(d):
        doc.paragraph("Thời hạn giải quyết được tính lại từ đầu sau khi nhận đủ hồ sơ.")
    else:
        doc.paragraph("Thời gian chờ bổ sung không tính vào thời hạn giải quyết; ngày hẹn trả được lùi tương ứng khi nhận đủ hồ sơ bổ sung.")
    close_after = (ev.data.get("close_after") if ev else None) or (d.close_due_date.isoformat() if d.close_due_date else None)
    if close_after:
        doc.paragraph(f"Quá ngày {format_date(dt.date.fromisoformat(close_after))} mà ông/bà chưa hoàn thiện hồ sơ, Bộ phận Một cửa sẽ đóng hồ sơ.")
    doc.paragraph("Trong quá trình hoàn thiện hồ sơ, nếu có vướng mắc, ông/bà liên hệ Trung tâm Phục vụ hành chính công để được hướng dẫn.")
    doc.signature("", "NGƯỜI HƯỚNG DẪN", ev.actor_name if ev else "")
    return doc.build()


def refusal_pdf(d: Dossier) -> bytes:
    agency, place, _u = _header(d)
    ev = _event(d, Action.REFUSE)
    at = ev.at if ev else timezone.now()
    doc = OfficialDocument(
        title="PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ", agency_lines=agency, number=f"Mã hồ sơ: {d.code}",
        place_date=vn_date_line(place, timezone.localdate(at)), pagesize=A5, font_size=10, subtitle=_subtitle("refusal", d),
    )
    doc.paragraph(f"Trung tâm Phục vụ hành chính công nhận được hồ sơ đề nghị: {d.procedure_version.procedure.name}")
    doc.paragraph(f"Của: <b>{_e(d.applicant_name)}</b>. Địa chỉ: {_e(d.applicant_address or '…')}", markup=True)
    doc.paragraph(f"Qua nghiên cứu, xem xét, cơ quan giải quyết thông báo không tiếp nhận, giải quyết hồ sơ này với lý do: {ev.reason if ev else ''}")
    doc.paragraph("Xin thông báo để ông/bà được biết và thực hiện.")
    doc.signature("", "NGƯỜI KÝ", ev.actor_name if ev else "")
    return doc.build()


def _restarts(d: Dossier) -> bool:
    from coso.dossiers.services import _dossier_rule

    return bool(_dossier_rule(d, "onestop.supplement.restart_clock", False))


def apology_pdf(d: Dossier) -> bytes:
    if regime(d) == REGIME_118:
        return apology_118_pdf(d)
    agency, place, _u = _header(d)
    ap = d.apologies.order_by("-issued_at").first()
    at = ap.issued_at if ap else timezone.now()
    number = f"Số: {ap.number:03d}/PXL" if ap else "Số: …/PXL"
    doc = OfficialDocument(
        title="PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ", agency_lines=agency, number=number,
        place_date=vn_date_line(place, timezone.localdate(at)), pagesize=A5, font_size=10, subtitle=_subtitle("apology", d),
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


def _competent_lines(d: Dossier) -> list[str]:
    unit = _unit(d.commune_code)
    return [f"UBND {unit.name.upper() if unit else d.commune_code}"]


def apology_118_pdf(d: Dossier) -> bytes:
    """Mẫu 04 of Circular 03/2025: issued by the competent processing body at the latest 1 day before the due date, with the
    reason and the proposed new date; the one-stop office changes the date and informs the applicant (Decree 118/2025 Art. 19(6))."""
    _agency, place, _u = _header(d)
    ap = d.apologies.order_by("-issued_at").first()
    at = ap.issued_at if ap else timezone.now()
    doc = OfficialDocument(
        title="VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT", agency_lines=_competent_lines(d),
        number=f"Số: {ap.number:03d}/XL" if ap else "Số: …/XL", place_date=vn_date_line(place, timezone.localdate(at)), pagesize=A5, font_size=10,
        subtitle=_subtitle("apology", d),
    )
    doc.paragraph("Kính gửi: Trung tâm Phục vụ hành chính công và ông/bà " + _e(d.applicant_name) + ".", markup=True)
    doc.paragraph(f"Ngày {_d(d.received_at)}, Trung tâm Phục vụ hành chính công tiếp nhận hồ sơ đề nghị: {d.procedure_version.procedure.name}; mã hồ sơ: {d.code}.")
    doc.paragraph(f"Thời hạn trả kết quả theo Giấy tiếp nhận hồ sơ và hẹn trả kết quả: {_d(ap.old_due_date if ap else d.due_date)}.")
    doc.paragraph(f"Hồ sơ dự kiến không giải quyết được đúng hạn. Lý do: {ap.reason if ap else ''}")
    doc.paragraph("Cơ quan giải quyết xin lỗi ông/bà và đề nghị gia hạn thời gian trả kết quả giải quyết hồ sơ đến ngày:")
    doc.paragraph(f"<b>{_d(ap.new_due_date if ap else None)}</b>", style="center", markup=True)
    doc.paragraph("Việc hẹn lại ngày trả kết quả chỉ thực hiện một lần. Mong nhận được sự thông cảm của ông/bà.")
    doc.signature("", "THỦ TRƯỞNG CƠ QUAN GIẢI QUYẾT", ap.issued_by.display_name if ap and ap.issued_by else "")
    return doc.build()


def stop_pdf(d: Dossier) -> bytes:
    """Mẫu 05 of Circular 03/2025 (new): processing stopped, or the dossier withdrawn, at the applicant's request (Decree 118/2025 Art. 21)."""
    agency, place, _u = _header(d)
    ev = d.events.filter(action__in=[Action.WITHDRAW, Action.STOP]).order_by("-at").first()
    at = ev.at if ev else timezone.now()
    doc = OfficialDocument(
        title="THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ", agency_lines=agency, number=f"Mã hồ sơ: {d.code}",
        place_date=vn_date_line(place, timezone.localdate(at)), pagesize=A5, font_size=10, subtitle=_subtitle("stop", d),
    )
    doc.paragraph(f"Kính gửi: ông/bà <b>{_e(d.applicant_name)}</b>.", markup=True)
    doc.paragraph(f"Ngày {_d(d.received_at or d.submitted_at)}, Trung tâm Phục vụ hành chính công tiếp nhận hồ sơ đề nghị: {d.procedure_version.procedure.name}.")
    by_applicant = bool(ev and ev.action == Action.WITHDRAW)
    what = "rút hồ sơ" if by_applicant else "dừng giải quyết hồ sơ"
    doc.paragraph(f"Ngày {_d(at)}, hồ sơ được dừng giải quyết ({what}"
                  + (" theo đề nghị của ông/bà" if by_applicant else "") + f"). Lý do: {ev.reason if ev else ''}")
    doc.paragraph("Hồ sơ không tiếp tục được giải quyết; giấy tờ đã nộp được trả lại theo đề nghị. Ông/bà có thể nộp hồ sơ mới khi có nhu cầu.")
    doc.signature("", "NGƯỜI THÔNG BÁO", ev.actor_name if ev else "")
    return doc.build()


def control_pdf(d: Dossier) -> bytes:
    agency, place, _u = _header(d)
    doc = OfficialDocument(
        title="PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ", agency_lines=agency, number=f"Mã hồ sơ: {d.code}",
        place_date=vn_date_line(place, timezone.localdate()), pagesize=A5, font_size=10, subtitle=_subtitle("control", d),
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


def register_filename(start: dt.date, end: dt.date, ext: str) -> str:
    return f"mau{register_form(end)[0]}-{start:%Y%m%d}-{end:%Y%m%d}.{ext}"


def register_pdf(rows: Any, *, title_unit: str, start: dt.date, end: dt.date) -> bytes:
    number, _title, circular = register_form(end)
    doc = OfficialDocument(
        title="SỔ THEO DÕI HỒ SƠ", agency_lines=[f"UBND {title_unit.upper()}", "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG"],
        subtitle=f"Mẫu số {number} ({circular}) — từ ngày {format_date(start)} đến ngày {format_date(end)}", pagesize=landscape(A4), font_size=10,
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
    number, _title, circular = register_form(end)
    return workbook_bytes([{
        "title": f"Mẫu {number}", "heading": [f"SỔ THEO DÕI HỒ SƠ — {title_unit}", f"Mẫu số {number} ({circular}). Từ {format_date(start)} đến {format_date(end)}"],
        "headers": headers, "rows": [_register_row(i, d) for i, d in enumerate(rows, start=1)], "widths": [6, 28, 40, 24, 30, 12, 12, 12, 20, 12],
    }])


# The statistics workbook is not a legal form (unlike the register, Mẫu 06/07): it follows the reader's language.
STAT_COLUMNS = [
    ("received", gettext_lazy("Tiếp nhận")), ("online", gettext_lazy("Trực tuyến")), ("finished", gettext_lazy("Đã giải quyết")),
    ("early", gettext_lazy("Trước hạn")), ("on_time", gettext_lazy("Đúng hạn")), ("late", gettext_lazy("Trễ hạn")),
    ("pending", gettext_lazy("Đang giải quyết")), ("supplemented", gettext_lazy("Có bổ sung")), ("refused", gettext_lazy("Từ chối")),
    ("avg_days", gettext_lazy("TB ngày xử lý")), ("on_time_rate", gettext_lazy("Tỷ lệ đúng hạn (%)")),
    ("online_share", gettext_lazy("Tỷ lệ trực tuyến (%)")),
]


def stats_xlsx(data: dict[str, Any], *, label: str, group_label: str, group_key: Any) -> bytes:
    headers = [str(group_label)] + [str(h) for _k, h in STAT_COLUMNS]

    def row(name: str, r: dict[str, Any]) -> list[Any]:
        return [name] + [round(r[k], 2) if isinstance(r.get(k), float) else r.get(k) for k, _h in STAT_COLUMNS]

    rows = [row(group_key(r), r) for r in data["rows"]] + [row(gettext("Tổng cộng"), data["total"])]
    t = data["total"]
    summary = [
        [gettext("Phiếu xin lỗi"), t["apologies"]],
        [gettext("Rất hài lòng"), t["ratings"].get("very_satisfied", 0)],
        [gettext("Hài lòng"), t["ratings"].get("satisfied", 0)],
        [gettext("Không hài lòng"), t["ratings"].get("unsatisfied", 0)],
        [gettext("Tỷ lệ hài lòng (%)"), round(t["satisfaction_rate"], 2) if t["satisfaction_rate"] is not None else None],
    ]
    period = gettext("Từ %(start)s đến %(end)s") % {"start": format_date(data["start"]), "end": format_date(data["end"])}
    return workbook_bytes([
        {"title": gettext("Thống kê"), "heading": [gettext("THỐNG KÊ HỒ SƠ — %(unit)s") % {"unit": label}, period], "headers": headers, "rows": rows},
        {"title": gettext("Hài lòng"), "headers": [gettext("Chỉ tiêu"), gettext("Giá trị")], "rows": summary},
    ])


def form_pdf(kind: str, d: Dossier) -> bytes:
    return {"receipt": receipt_pdf, "supplement": supplement_pdf, "refusal": refusal_pdf, "apology": apology_pdf, "stop": stop_pdf, "control": control_pdf}[kind](d)
