"""A dossier received and forwarded through the API reads on the audit page with labels in the reader's language,
also for the fields the model declares without a verbose_name (Django would print "Assignee", "Version", "Owner",
"Is open", "Created at")."""

from __future__ import annotations

import pytest

from coso.core.tests.pages import audit_labels, english_defaults
from coso.dossiers.models import Dossier

pytestmark = pytest.mark.django_db


def test_dossier_forwarded_through_the_api_on_the_audit_page(login, users, version):
    c = login(users["onestop"])
    r = c.post("/api/v1/dossiers/intake", {"procedure_code": version.procedure.code, "applicant_name": "Phạm Minh Tuấn",
                                           "applicant_phone": "0912345678", "documents": ["Tờ khai đăng ký khai sinh"]},
               content_type="application/json")
    assert r.status_code == 201, r.content
    body = r.json()
    r = c.post(f"/api/v1/dossiers/{body['id']}/actions/forward", {"version": body["version"]}, content_type="application/json")
    assert r.status_code == 200, r.content

    admin = login(users["province_admin"])
    html = admin.get("/audit/", {"object_type": "dossiers.Dossier"}).content.decode()
    labels = audit_labels(html)
    for label in ("Người được giao", "Phiên bản", "Chủ hồ sơ", "Đang mở", "Người tiếp nhận", "Thời điểm tạo", "Thời điểm cập nhật",
                  "Trạng thái", "Mã hồ sơ"):
        assert label in labels
    assert not set(labels) & english_defaults(Dossier)
    assert "Applicant name folded" not in html and "pham minh tuan" not in html

    admin.post("/i18n/setlang/", {"language": "en", "next": "/"})
    labels = audit_labels(admin.get("/audit/", {"object_type": "dossiers.Dossier"}).content.decode())
    for label in ("Officer in charge", "Version", "Dossier owner", "Open", "Received by", "Created at", "Updated at"):
        assert label in labels
    assert not {"Người được giao", "Phiên bản", "Chủ hồ sơ", "Đang mở"} & set(labels)
