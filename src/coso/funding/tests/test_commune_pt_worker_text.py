"""A split of the commune part-time fund stored each worker's name and title whatever their length (a 5,000-character
name was accepted) and the title untrimmed. Names and titles are now at most 200 characters and trimmed, a split at
most 500 workers; a longer one is refused on its field and nothing is written."""

from __future__ import annotations

import pytest

from coso.core.models import AuditLog
from coso.funding.models import FundDistribution

pytestmark = pytest.mark.django_db
URL = "/api/v1/funding/distributions/commune-pt"


@pytest.mark.parametrize(("workers", "field"), [
    ([{"name": "A" * 201, "coefficient": 1}], "workers.0.name"),
    ([{"name": "Nguyễn Văn A", "coefficient": 1}, {"name": "B", "title": "T" * 201, "coefficient": 1}], "workers.1.title"),
    ([{"name": f"N{i}", "coefficient": 0} for i in range(501)], "workers"),
])
def test_overlong_names_titles_or_lists_are_refused_and_nothing_written(login, users, old_commune, workers, field):
    r = login(users["finance"]).post(URL, {"commune_code": old_commune.code, "month": "2026-01-01", "workers": workers},
                                     content_type="application/json")
    assert r.status_code == 400, r.content[:300]
    assert r.json()["code"] == "invalid-worker" and list(r.json()["details"]["fields"]) == [field]
    assert not FundDistribution.objects.exists() and not AuditLog.objects.filter(verb__startswith="funding-").exists()


def test_a_name_and_title_of_200_characters_are_kept_trimmed(login, users, old_commune):
    r = login(users["finance"]).post(URL, {"commune_code": old_commune.code, "month": "2026-01-01",
                                           "workers": [{"name": " " + "A" * 200 + " ", "title": "  Trưởng thôn  ", "coefficient": 1}]},
                                     content_type="application/json")
    assert r.status_code == 201, r.content[:300]
    line = FundDistribution.objects.get().lines[0]
    assert (line["name"], line["title"]) == ("A" * 200, "Trưởng thôn")
