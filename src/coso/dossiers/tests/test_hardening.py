"""Hardening of the one-stop shop (issue 13): formula injection in the register, uploads, Mẫu 01."""

from __future__ import annotations

import base64
import datetime as dt
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

import pytest

from coso.core.tests.test_excel_injection import HYPERLINK, assert_text
from coso.dossiers.models import Dossier, DossierAttachment
from coso.dossiers.tests.conftest import PDF_BYTES, act, pdf_upload

pytestmark = pytest.mark.django_db


def test_register_xlsx_writes_applicant_names_as_text_html_and_api(login, users, receive):
    receive(name=HYPERLINK)
    receive(name="@SUM(1+1)")
    c = login(users["leader"])
    html = c.get("/dossiers/register/", {"format": "xlsx"})
    assert html.status_code == 200
    assert_text(html.content, [HYPERLINK, "@SUM(1+1)"])
    today = timezone.localdate()
    api = c.get("/api/v1/dossiers/register.xlsx", {"start": (today - dt.timedelta(days=30)).isoformat(), "end": (today + dt.timedelta(days=2)).isoformat()})
    assert api.status_code == 200
    assert_text(api.content, [HYPERLINK, "@SUM(1+1)"])


# ---------------------------------------------------------------- one attachment pipeline (item 4), uploads (item 13)
VIET_250 = ("Giấy xác nhận tình trạng hôn nhân của người yêu cầu đăng ký khai sinh cho con tại Ủy ban nhân dân phường " * 3)[:246] + ".pdf"
BIG = 1024 * 1024


def _pdf(size: int = 0) -> bytes:
    return b"%PDF-1.4\n" + b"0" * max(0, size - 16) + b"\n%%EOF\n"


def _stored(tmp_path) -> list:  # type: ignore[no-untyped-def]
    root = tmp_path / "media"
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def multipart(fields: dict, files: list[tuple[str, str, bytes]]) -> tuple[bytes, str]:  # type: ignore[type-arg]
    """A multipart body built by hand, so that file names reach the server exactly as sent (``..`` included)."""
    boundary = "----cosoTestBoundary7MA4YWxkTrZu0gW"
    out = io.BytesIO()
    for key, value in fields.items():
        for v in value if isinstance(value, list) else [value]:
            out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{v}\r\n'.encode())
    for field, filename, data in files:
        out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="{filename}"\r\n'
                  f"Content-Type: application/octet-stream\r\n\r\n".encode())
        out.write(data + b"\r\n")
    out.write(f"--{boundary}--\r\n".encode())
    return out.getvalue(), f"multipart/form-data; boundary={boundary}"


def _intake_fields(version, **kw) -> dict:  # type: ignore[no-untyped-def]
    return {"procedure_code": version.procedure.code, "applicant_name": "Phạm Minh Tuấn", "applicant_phone": "0912345678",
            "documents": ["Tờ khai đăng ký khai sinh"], **kw}


def _b64(name: str, data: bytes, doc: str = "Tờ khai đăng ký khai sinh") -> dict:
    return {"document_name": doc, "filename": name, "content_base64": base64.b64encode(data).decode()}


def _clean_photo(att) -> bytes:  # type: ignore[no-untyped-def]
    from django.core.files.storage import default_storage

    with default_storage.open(att.file.name, "rb") as fh:
        return fh.read()


def test_dossier_jpeg_loses_gps_api_base64_and_multipart(login, users, version):
    from coso.feedback.tests.conftest import has_gps, jpeg_with_gps

    photo = jpeg_with_gps()
    assert has_gps(photo)
    c = login(users["onestop"])
    r = c.post("/api/v1/dossiers/intake", _intake_fields(version, files=[_b64("IMG_0001.jpg", photo)]), content_type="application/json")
    assert r.status_code == 201, r.content
    body, ctype = multipart(_intake_fields(version, document_names=["Ảnh hiện trạng"]), [("files", "IMG_0002.jpg", photo)])
    r2 = c.post("/api/v1/dossiers/intake", body, content_type=ctype)
    assert r2.status_code == 201, r2.content
    for dossier_id in (r.json()["id"], r2.json()["id"]):
        att = DossierAttachment.objects.get(dossier_id=dossier_id)
        assert att.content_type == "image/jpeg" and att.original_name.startswith("IMG_000")
        assert "IMG_000" not in att.file.name and att.file.name.startswith(f"dossiers/26734/{dossier_id}/")
        assert not has_gps(_clean_photo(att))
    assert DossierAttachment.objects.get(dossier_id=r2.json()["id"]).document_name == "Ảnh hiện trạng"


def test_dossier_jpeg_loses_gps_html_intake_and_supplement(login, users, version):
    from coso.feedback.tests.conftest import has_gps, jpeg_with_gps

    c = login(users["onestop"])
    r = c.post(f"/dossiers/intake/?procedure={version.procedure.code}", {
        "procedure": version.procedure.code, "applicant_name": "Lê Văn An", "applicant_phone": "0909000111", "channel": "counter", "doc_0": "on",
        "file_0": SimpleUploadedFile("anh-to-khai.jpg", jpeg_with_gps(), content_type="image/jpeg"),
    })
    assert r.status_code == 302, r.content.decode()[:1500]
    d = Dossier.objects.get()
    assert not has_gps(_clean_photo(d.attachments.get()))
    # A file added by a workflow action (supplement received) goes through the same pipeline.
    act(d, users["onestop"], "request_supplement", reason="Thiếu bản sao giấy chứng sinh")
    d.refresh_from_db()
    r = c.post(f"/dossiers/{d.pk}/act/receive_supplement/", {"version": d.version, "files": [SimpleUploadedFile("bo-sung.jpg", jpeg_with_gps())]})
    assert r.status_code == 302, r.content.decode()[:1500]
    supplement = d.attachments.get(kind="supplement")
    assert supplement.content_type == "image/jpeg" and not has_gps(_clean_photo(supplement))


def test_dossier_files_go_through_the_storage_api(login, users, version, settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"}}
    c = login(users["onestop"])
    r = c.post("/api/v1/dossiers/intake", _intake_fields(version, files=[_b64("to-khai.pdf", PDF_BYTES)]), content_type="application/json")
    assert r.status_code == 201, r.content
    assert _stored(tmp_path) == []  # nothing written by path: the configured storage holds it
    att = DossierAttachment.objects.get()
    page = c.get(f"/dossiers/{att.dossier_id}/attachments/{att.pk}/")
    assert page.status_code == 200 and b"".join(page.streaming_content) == PDF_BYTES


def test_request_limit_follows_attachment_limit(settings):
    from coso.core.uploads import request_body_limit

    assert request_body_limit(settings.COSO_MAX_ATTACHMENT_BYTES) == settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE > settings.COSO_MAX_ATTACHMENT_BYTES * 4 // 3
    assert settings.FILE_UPLOAD_HANDLERS[0] == "coso.core.uploads.SafeNamesUploadHandler"


def test_api_9_5_mb_pdf_accepted_11_mb_refused_clearly(login, users, version, tmp_path):
    c = login(users["onestop"])
    pdf = _pdf(int(9.5 * BIG))
    r = c.post("/api/v1/dossiers/intake", _intake_fields(version, files=[_b64("ban-quet.pdf", pdf)]), content_type="application/json")
    assert r.status_code == 201, r.content[:500]
    body, ctype = multipart(_intake_fields(version), [("files", "ban-quet.pdf", pdf)])
    r = c.post("/api/v1/dossiers/intake", body, content_type=ctype)
    assert r.status_code == 201, r.content[:500]
    assert [a.size for a in DossierAttachment.objects.all()] == [len(pdf), len(pdf)]
    before = _stored(tmp_path)
    big = _pdf(11 * BIG)
    r = c.post("/api/v1/dossiers/intake", _intake_fields(version, files=[_b64("qua-lon.pdf", big)]), content_type="application/json")
    assert r.status_code == 413 and r.json()["code"] == "request-too-large" and "multipart" in r.json()["message"]
    body, ctype = multipart(_intake_fields(version), [("files", "qua-lon.pdf", big)])
    r = c.post("/api/v1/dossiers/intake", body, content_type=ctype)
    assert r.status_code == 400 and r.json()["code"] == "attachment-too-large" and "10 MB" in r.json()["message"]
    assert Dossier.objects.count() == 2 and _stored(tmp_path) == before


def test_html_form_11_mb_file_refused_with_message(login, users, version, tmp_path):
    c = login(users["onestop"])
    r = c.post(f"/dossiers/intake/?procedure={version.procedure.code}", {
        "procedure": version.procedure.code, "applicant_name": "Lê Văn An", "applicant_phone": "0909000111", "channel": "counter", "doc_0": "on",
        "file_0": SimpleUploadedFile("qua-lon.pdf", _pdf(11 * BIG)),
    })
    assert r.status_code == 400 and "vượt quá 10 MB" in r.content.decode()
    assert Dossier.objects.count() == 0 and _stored(tmp_path) == []


HOSTILE_NAMES = ["..", "???", "..\\..\\x.pdf", VIET_250]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_hostile_file_names_api_base64_and_multipart(login, users, version, name):
    c = login(users["onestop"])
    r = c.post("/api/v1/dossiers/intake", _intake_fields(version, files=[_b64(name, PDF_BYTES)]), content_type="application/json")
    assert r.status_code == 201, r.content
    body, ctype = multipart(_intake_fields(version), [("files", name, PDF_BYTES)])
    r2 = c.post("/api/v1/dossiers/intake", body, content_type=ctype)
    assert r2.status_code == 201, r2.content
    for dossier_id in (r.json()["id"], r2.json()["id"]):
        att = DossierAttachment.objects.get(dossier_id=dossier_id)  # never silently dropped
        assert ".." not in att.original_name and "\\" not in att.original_name and "/" not in att.original_name
        assert 1 <= len(att.original_name) <= 200 and att.file.name.endswith(".pdf") and name not in att.file.name
        page = c.get(f"/dossiers/{dossier_id}/attachments/{att.pk}/")
        assert page.status_code == 200 and b"".join(page.streaming_content) == PDF_BYTES
    if name == VIET_250:
        assert att.original_name.endswith(".pdf") and att.original_name.startswith("Giấy xác nhận")
    if name == "..\\..\\x.pdf":
        assert att.original_name == "x.pdf"


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_hostile_file_names_html_form(login, users, version, name):
    c = login(users["onestop"])
    body, ctype = multipart({"procedure": version.procedure.code, "applicant_name": "Lê Văn An", "applicant_phone": "0909000111",
                             "channel": "counter", "doc_0": "on"}, [("file_0", name, PDF_BYTES)])
    r = c.post(f"/dossiers/intake/?procedure={version.procedure.code}", body, content_type=ctype)
    assert r.status_code == 302, r.content.decode()[:1500]
    att = Dossier.objects.get().attachments.get()  # the file is kept, not silently dropped
    assert att.document_name == "Tờ khai đăng ký khai sinh" and len(att.original_name) <= 200


def test_refused_second_file_leaves_nothing(login, users, version, tmp_path):
    c = login(users["onestop"])
    exe = b"MZ\x90\x00" + b"\x00" * 500
    body, ctype = multipart(_intake_fields(version), [("files", "don.pdf", PDF_BYTES), ("files", "anh.jpg", exe)])
    r = c.post("/api/v1/dossiers/intake", body, content_type=ctype)
    assert r.status_code == 400 and r.json()["code"] == "attachment-type" and r.json()["details"]["file"] == "anh.jpg"
    assert Dossier.objects.count() == 0 and DossierAttachment.objects.count() == 0 and _stored(tmp_path) == []


def test_failure_after_files_were_written_removes_them(receive, monkeypatch, tmp_path):
    """A submission refused after its files were written (here: the audit write fails) leaves no file behind."""
    from coso.dossiers import services
    from coso.feedback.tests.conftest import jpeg_with_gps

    def boom(**kw):  # type: ignore[no-untyped-def]
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "audit_log", boom)
    with pytest.raises(RuntimeError):
        receive(files=[("Tờ khai đăng ký khai sinh", pdf_upload()), ("Ảnh", SimpleUploadedFile("a.jpg", jpeg_with_gps()))])
    assert Dossier.objects.count() == 0 and _stored(tmp_path) == []


# ---------------------------------------------------------------- Mẫu 01 at the counter (item 19)
BIRTH_DOCS = [
    {"name": "Tờ khai đăng ký khai sinh theo mẫu", "copies": 1, "required": True},
    {"name": "Giấy chứng sinh; hoặc văn bản của người làm chứng; hoặc giấy cam đoan về việc sinh (sinh ngoài cơ sở y tế)", "copies": 1, "required": True},
    {"name": "Văn bản ủy quyền có chứng thực (nếu ủy quyền nộp hồ sơ thay)", "copies": 1, "required": False},
    {"name": "Giấy tờ chứng minh nơi cư trú của người yêu cầu (trường hợp đăng ký tại nơi cư trú của cha hoặc mẹ)", "copies": 2, "required": False},
]


def _pdf_text(data: bytes) -> str:
    from coso.dossiers.tests.pdftext import extract_text

    return " ".join(extract_text(data).split())


def _pages(data: bytes) -> int:
    import re

    return len(re.findall(rb"/Type\s*/Page(?!s)", data))


@pytest.fixture
def birth(db):  # type: ignore[no-untyped-def]
    from coso.dossiers.tests.conftest import make_procedure

    return make_procedure(code="1.999001", name="Đăng ký khai sinh (có yếu tố đủ điều kiện đăng ký tại nơi cư trú của cha, mẹ)", docs=BIRTH_DOCS)


def _intake_form(birth, **extra) -> dict:  # type: ignore[no-untyped-def]
    return {"procedure": birth.procedure.code, "applicant_name": "Nguyễn Thị Phương Thảo Uyên Nhi", "applicant_phone": "0909000111",
            "applicant_address": "Số 123/45/6 đường Nguyễn Thị Minh Khai, Khu phố 3, Phường Sài Gòn, Thành phố Hồ Chí Minh",
            "applicant_email": "thao.nguyen@example.vn", "channel": "counter", **extra}


def test_receipt_lists_only_the_papers_received_with_counts(login, users, birth):
    c = login(users["onestop"])
    page = c.get(f"/dossiers/intake/?procedure={birth.procedure.code}").content.decode()
    assert 'name="count_0"' in page and 'name="count_3"' in page
    r = c.post(f"/dossiers/intake/?procedure={birth.procedure.code}", _intake_form(birth, doc_0="on", count_0="2", doc_1="on", count_1="1"))
    assert r.status_code == 302, r.content.decode()[:2000]
    d = Dossier.objects.get()
    text = _pdf_text(c.get(f"/dossiers/{d.pk}/forms/receipt.pdf").content)
    assert "Tờ khai đăng ký khai sinh theo mẫu 02" in text
    assert "Giấy chứng sinh" in text
    assert "Văn bản ủy quyền" not in text and "nơi cư trú của người yêu cầu" not in text  # not handed in: not on the receipt
    # The API records counts the same way: a name, or {"name", "copies"}.
    api = c.post("/api/v1/dossiers/intake", {"procedure_code": birth.procedure.code, "applicant_name": "Phạm Minh Tuấn", "applicant_phone": "0912345678",
                                             "documents": [BIRTH_DOCS[0]["name"], {"name": BIRTH_DOCS[1]["name"], "copies": 3}, {"name": BIRTH_DOCS[3]["name"], "copies": 2}]},
                 content_type="application/json")
    assert api.status_code == 201, api.content
    text = _pdf_text(c.get(f"/api/v1/dossiers/{api.json()['id']}/forms/receipt.pdf").content)
    assert "(sinh ngoài cơ sở y tế) 03" in text and "cha hoặc mẹ) 02" in text and "Văn bản ủy quyền" not in text
    bad = c.post("/api/v1/dossiers/intake", {"procedure_code": birth.procedure.code, "applicant_name": "Phạm Minh Tuấn", "applicant_phone": "0912345678",
                                             "documents": [{"name": BIRTH_DOCS[0]["name"], "copies": 0}, BIRTH_DOCS[1]["name"]]}, content_type="application/json")
    assert bad.status_code == 422


def test_counter_refuses_a_dossier_without_its_mandatory_papers_ticked(login, users, birth):
    c = login(users["onestop"])
    # Scans attached for both mandatory papers, but no paper ticked as received: refused, like online submission refuses missing files.
    r = c.post(f"/dossiers/intake/?procedure={birth.procedure.code}", _intake_form(
        birth, doc_2="on", file_0=pdf_upload("to-khai.pdf"), file_1=pdf_upload("giay-chung-sinh.pdf")))
    html = r.content.decode()
    assert r.status_code == 400 and "chưa đủ thành phần" in html
    assert html.count("Giấy tờ bắt buộc: đánh dấu khi đã nhận bản giấy") == 4  # at both checkboxes and in the summary at the top
    api = c.post("/api/v1/dossiers/intake", _intake_fields(birth, documents=[], files=[_b64("to-khai.pdf", PDF_BYTES, BIRTH_DOCS[0]["name"]),
                                                                                          _b64("cs.pdf", PDF_BYTES, BIRTH_DOCS[1]["name"])]),
                 content_type="application/json")
    assert api.status_code == 400 and api.json()["code"] == "incomplete-dossier"
    assert Dossier.objects.count() == 0


@pytest.mark.parametrize("papers", [2, 4])
def test_receipt_signatures_stay_on_the_first_page(login, users, birth, papers):
    c = login(users["onestop"])
    ticks = {f"doc_{i}": "on" for i in range(papers)}
    r = c.post(f"/dossiers/intake/?procedure={birth.procedure.code}", _intake_form(birth, **ticks))
    assert r.status_code == 302, r.content.decode()[:2000]
    pdf = c.get(f"/dossiers/{Dossier.objects.get().pk}/forms/receipt.pdf").content
    assert _pages(pdf) == 1
    assert "NGƯỜI TIẾP NHẬN HỒ SƠ" in _pdf_text(pdf)


def test_receipt_with_a_long_list_keeps_signatures_with_it(login, users, db):
    from coso.dossiers.tests.conftest import make_procedure

    docs = [{"name": f"Giấy tờ số {i}: bản sao có chứng thực hoặc bản chụp kèm bản chính để đối chiếu của giấy tờ liên quan", "copies": 1, "required": True}
            for i in range(1, 15)]
    v = make_procedure(code="1.999002", name="Thủ tục nhiều giấy tờ", docs=docs)
    c = login(users["onestop"])
    r = c.post(f"/dossiers/intake/?procedure={v.procedure.code}", _intake_form(v, **{f"doc_{i}": "on" for i in range(len(docs))}))
    assert r.status_code == 302, r.content.decode()[:2000]
    pdf = c.get(f"/dossiers/{Dossier.objects.get().pk}/forms/receipt.pdf").content
    assert _pages(pdf) == 1


def test_intake_redirects_to_print_the_receipt(login, users, birth):
    c = login(users["onestop"])
    r = c.post(f"/dossiers/intake/?procedure={birth.procedure.code}", _intake_form(birth, doc_0="on", doc_1="on"))
    d = Dossier.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/dossiers/{d.pk}/?print=receipt"
    page = c.get(r["Location"]).content.decode()
    assert 'id="print-receipt"' in page and f'data-pdf="/dossiers/{d.pk}/forms/receipt.pdf"' in page and "print-receipt.js" in page
    assert 'id="print-receipt"' not in c.get(f"/dossiers/{d.pk}/").content.decode()
    pdf = c.get(f"/dossiers/{d.pk}/forms/receipt.pdf")
    assert pdf["X-Frame-Options"] == "SAMEORIGIN" and "frame-ancestors 'self'" in pdf["Content-Security-Policy"]
