"""An anonymous visitor may ask the published index for a limited number of date ranges of their own choosing an hour
(each computed and kept in the shared cache); months, quarters and years, ranges asked again and signed-in users are
not counted. Past the allowance: 429 with Retry-After, on the page (in Vietnamese) and in the API (the one error shape)."""

from __future__ import annotations

import pytest

from coso.core.models import AuditLog

pytestmark = pytest.mark.django_db

RANGES = ["start=2026-11-01&end=2026-11-10", "start=2026-11-02&end=2026-11-10", "start=2026-11-03&end=2026-11-10"]


@pytest.fixture
def two_an_hour(settings):  # type: ignore[no-untyped-def]
    settings.INDICES_PUBLIC_RANGES_PER_HOUR = 2


def test_the_page_counts_distinct_ranges_per_address(two_an_hour, november, province, client):
    url = f"/chi-so/cong-khai/?province={province.code}&"
    assert client.get(url + RANGES[0]).status_code == 200
    assert client.get(url + RANGES[0]).status_code == 200  # the same range again: free
    assert client.get(url + RANGES[1]).status_code == 200
    for period in ("period=2026-11", "period=2026-Q4", "period=2026"):  # presets are never counted
        assert client.get(url + period).status_code == 200
    audit_before = AuditLog.objects.count()
    refused = client.get(url + RANGES[2])
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 3600
    assert "quá nhiều khoảng thời gian" in refused.content.decode()
    assert client.get(url + RANGES[2]).status_code == 429  # still refused, not counted as seen
    assert client.get(url + RANGES[0]).status_code == 200  # the ranges already asked stay open
    other = client.get(url + RANGES[2], REMOTE_ADDR="198.51.100.7")  # another address has its own allowance
    assert other.status_code == 200
    assert AuditLog.objects.count() == audit_before


def test_the_api_answers_the_error_shape_and_signed_in_users_are_not_counted(two_an_hour, november, province, client, users):
    base = "/api/v1/indices/scorecard?level=province&code=" + province.code + "&"
    for r in RANGES[:2]:
        assert client.get(base + r).status_code == 200
    refused = client.get(base + RANGES[2], HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 429
    body = refused.json()
    assert body["code"] == "too-many-ranges" and body["message"] and "Retry-After" in refused
    assert client.get(f"/api/v1/indices/ranking?province={province.code}&{RANGES[2]}").status_code == 429
    client.force_login(users["leader"])
    assert client.get(base + RANGES[2]).status_code == 200
    assert client.get(f"/chi-so/cong-khai/?province={province.code}&{RANGES[2]}").status_code == 200
