"""The commune part-time fund split with no worker (API ``workers: []``) was refused by the model's own check, on a
field the API does not have (``lines``: "Trường này không được để trống."). It is refused like the page's form does,
on ``workers``, and nothing is written."""

from __future__ import annotations

import pytest

from coso.core.models import AuditLog
from coso.funding.models import FundDistribution

pytestmark = pytest.mark.django_db


def test_a_split_among_nobody_is_refused_on_workers(login, users, old_commune):
    r = login(users["finance"]).post("/api/v1/funding/distributions/commune-pt",
                                     {"commune_code": old_commune.code, "month": "2026-01-01", "workers": []}, content_type="application/json")
    assert r.status_code == 400
    assert r.json() == {"code": "nothing-to-distribute", "message": "Nhập ít nhất một người.",
                        "details": {"fields": {"workers": ["Nhập ít nhất một người."]}}}
    assert not FundDistribution.objects.exists() and not AuditLog.objects.filter(verb__startswith="funding-").exists()
