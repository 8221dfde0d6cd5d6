"""Fixtures of the dossiers tests: procedures built here (the catalogue loader is someone else's work)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

import pytest

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)


def pdf_upload(name: str = "to-khai.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def make_procedure(code: str = "1.001193", name: str = "Đăng ký khai sinh", *, time_limit: str = "3", time_unit: str = "working_days",
                   cutoff=None, docs=None, online: str = "full", steps=True):  # type: ignore[no-untyped-def]
    from coso.accounts.roles import Role
    from coso.core.text import fold
    from coso.procedures.models import Procedure, ProcedureStep, ProcedureVersion

    p = Procedure.objects.create(code=code, name=name, name_folded=fold(name), field="Hộ tịch")
    v = ProcedureVersion.objects.create(
        procedure=p, valid_from=dt.date(2020, 1, 1), time_limit=Decimal(time_limit), time_unit=time_unit, cutoff_time=cutoff,
        required_documents=docs if docs is not None else [{"name": "Tờ khai đăng ký khai sinh", "copies": 1, "required": True}], online=online,
    )
    if steps:
        for order, sname, role, share in [(1, "Tiếp nhận", Role.ONESTOP_OFFICER, 10), (2, "Thẩm định", Role.SPECIALIST, 60),
                                           (3, "Phê duyệt", Role.COMMUNE_LEADER, 20), (4, "Trả kết quả", Role.ONESTOP_OFFICER, 10)]:
            ProcedureStep.objects.create(version=v, order=order, name=sname, role=role, share_percent=share)
    return v


@pytest.fixture
def version(db):  # type: ignore[no-untyped-def]
    return make_procedure()


@pytest.fixture(autouse=True)
def _media(tmp_path, settings):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = str(tmp_path / "media")
    from coso.core.notify import MemoryBackend

    MemoryBackend.outbox.clear()


@pytest.fixture
def receive(users, commune, version):  # type: ignore[no-untyped-def]
    """receive(**overrides) → a dossier received at the counter by the one-stop officer."""
    from coso.dossiers import services

    def do(**kw):  # type: ignore[no-untyped-def]
        applicant = services.Applicant(name=kw.pop("name", "Nguyễn Văn Đức"), phone=kw.pop("phone", "0909123456"),
                                       email=kw.pop("email", "duc@example.vn"), citizen_id=kw.pop("citizen_id", "079090001234"))
        return services.receive_at_counter(
            actor=kw.pop("actor", users["onestop"]), commune=kw.pop("commune", commune), applicant=applicant,
            procedure_version=kw.pop("procedure_version", version), documents=kw.pop("documents", ["Tờ khai đăng ký khai sinh"]), **kw,
        )

    return do


def act(dossier, user, action, **kw):  # type: ignore[no-untyped-def]
    from coso.dossiers import services

    dossier.refresh_from_db()
    return services.perform(actor=user, dossier_id=dossier.pk, action=action, expected_version=kw.pop("version", dossier.version), **kw)


__all__ = ["PDF_BYTES", "PNG_BYTES", "act", "io", "make_procedure", "pdf_upload"]


def register_codes(client: Any, period: dict[str, str]) -> tuple[str, set[str]]:
    """(the register page's HTML, the dossier codes of the register sheet from the API) for a period."""
    from openpyxl import load_workbook

    html = client.get("/dossiers/register/", period)
    assert html.status_code == 200
    sheet = client.get("/api/v1/dossiers/register.xlsx", period)
    assert sheet.status_code == 200
    cells = {str(c) for row in load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True) for c in row if c is not None}
    return html.content.decode(), cells
