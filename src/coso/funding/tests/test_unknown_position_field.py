"""A village split sent with a position the village fund does not pay ({"zzz": "1"}) was refused (unknown-position) without
naming a field, and a negative or non-numeric coefficient was put on a field named ``bi_thu``, not the path the API's
body carries it under. Each refusal now sits on ``coefficients.<position>`` with a message saying what is wrong (an
unknown position: which positions take a coefficient), translatable; the codes stay, nothing is written."""

from __future__ import annotations

import pytest

from coso.funding.models import FundDistribution
from coso.funding.tests.test_views_api import data  # noqa: F401  # the fixture

pytestmark = pytest.mark.django_db

URL = "/api/v1/funding/distributions/village"


def _post(c, village, coefficients):  # type: ignore[no-untyped-def]
    return c.post(URL, {"village_id": village.pk, "month": "2025-03-01", "coefficients": coefficients}, content_type="application/json")


def test_an_unknown_position_is_refused_on_its_field(login, users, data):  # noqa: F811
    r = _post(login(users["province_finance"]), data["v1"], {"bi_thu": "1", "zzz": "1", "pho_thon": "1"})
    body = r.json()
    assert r.status_code == 400 and body["code"] == "unknown-position"
    assert set(body["details"]["fields"]) == {"coefficients.zzz", "coefficients.pho_thon"}
    (why,) = body["details"]["fields"]["coefficients.zzz"]
    assert "bi_thu, truong_thon, truong_ban_ctmt" in why and "zzz" not in why
    assert not FundDistribution.objects.exists()


def test_bad_coefficients_are_refused_on_their_path(login, users, data):  # noqa: F811
    c = login(users["province_finance"])
    for value, code in (("-1", "invalid-number"), ("abc", "invalid-number")):
        body = _post(c, data["v1"], {"truong_thon": value}).json()
        assert body["code"] == code and list(body["details"]["fields"]) == ["coefficients.truong_thon"], body


def test_the_message_follows_the_language(login, users, data, english_catalogue):  # noqa: F811
    c = login(users["province_finance"])
    c.post("/i18n/setlang/", {"language": "en", "next": "/"})
    (why,) = _post(c, data["v1"], {"zzz": "1"}).json()["details"]["fields"]["coefficients.zzz"]
    assert why.startswith("This position is not paid from the village fund.")
