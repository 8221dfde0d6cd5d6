"""A refused scenario change (an unknown way of changing, an unknown norm, a value that is not a number, negative, a cut of
100 % or more), a scenario without a name or with a name already used, a rule without a source, a negative rule value or
coefficient, a worker without a name: the funding services answered these with plain Vietnamese text, so the API and the
pages said them in Vietnamese to an English reader. They now go through the translation catalogue (Vietnamese source
kept), each on the field it is about."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import coso
from coso.funding import services

pytestmark = pytest.mark.django_db

KEY = "funding.village.activist.coef"


@pytest.fixture
def marked(monkeypatch):  # type: ignore[no-untyped-def]
    """A translation that marks what went through it."""
    monkeypatch.setattr(services, "gettext", lambda text: f"«{text}»")


def _post(c, path, body):  # type: ignore[no-untyped-def]
    return c.post(path, body, content_type="application/json")


@pytest.mark.parametrize(("change", "field", "message"), [
    ({"key": KEY, "mode": "double", "value": "2"}, "changes.0.mode", "«Cách thay đổi không hợp lệ.»"),
    ({"key": "funding.nothing", "mode": "set", "value": "2"}, "changes.0.key", "«Không có định mức “funding.nothing”.»"),
    ({"key": KEY, "mode": "set", "value": "-1"}, "changes.0.value", "«Giá trị không được âm.»"),
    ({"key": KEY, "mode": "percent", "value": "-100"}, "changes.0.value", "«Không thể giảm từ 100% trở lên.»"),
])
def test_a_refused_change_is_said_through_the_catalogue(login, users, commune, marked, change, field, message):
    c = login(users["province_finance"])
    r = _post(c, "/api/v1/funding/scenarios", {"name": "Thử", "changes": [change]})
    assert r.status_code == 400, r.content
    body = r.json()
    assert body["code"] == "invalid-scenario-change"
    assert body["details"]["fields"] == {field: [message]}
    assert body["message"].endswith(message)
    sc = services.scenario_create(actor=users["province_finance"], name="Có", changes=[{"key": KEY, "mode": "set", "value": "1"}])
    r = c.patch(f"/api/v1/funding/scenarios/{sc.pk}", {"version": sc.version, "changes": [change]}, content_type="application/json")
    assert r.status_code == 400 and r.json()["details"]["fields"] == {field: [message]}


def test_scenario_name_and_source_refusals_are_said_through_the_catalogue(login, users, commune, marked):
    c = login(users["province_finance"])
    ok = [{"key": KEY, "mode": "set", "value": "1"}]
    r = _post(c, "/api/v1/funding/scenarios", {"name": "  ", "changes": ok})
    assert r.status_code == 400 and r.json()["details"]["fields"] == {"name": ["«Bắt buộc.»"]}
    assert _post(c, "/api/v1/funding/scenarios", {"name": "Một", "changes": ok}).status_code == 201
    r = _post(c, "/api/v1/funding/scenarios", {"name": "Một", "changes": ok})
    assert r.status_code == 409 and r.json()["details"]["fields"] == {"name": ["«Tên đã dùng.»"]}
    sid = _post(c, "/api/v1/funding/scenarios", {"name": "Hai", "changes": ok}).json()["id"]
    r = c.patch(f"/api/v1/funding/scenarios/{sid}", {"version": 1, "name": "Một"}, content_type="application/json")
    assert r.status_code == 409 and r.json()["details"]["fields"] == {"name": ["«Tên đã dùng.»"]}
    r = _post(c, f"/api/v1/funding/scenarios/{sid}/adopt", {"effective_from": "2099-01-01", "source": " "})
    assert r.status_code == 400 and r.json()["details"]["fields"] == {"source": ["«Bắt buộc.»"]}


def test_rule_refusals_are_said_through_the_catalogue(login, users, commune, marked):
    c = login(users["province_finance"])
    rule = {"key": "funding.org.mttq.I", "value": "1000", "valid_from": "2099-01-01", "source": "NQ 1/2099"}
    r = _post(c, "/api/v1/funding/rules", {**rule, "source": " "})
    assert r.status_code == 400 and r.json()["details"]["fields"] == {"source": ["«Bắt buộc.»"]}
    r = _post(c, "/api/v1/funding/rules", {**rule, "value": "-5"})
    assert r.status_code == 400 and r.json()["details"]["fields"] == {"value": ["«Giá trị không được âm.»"]}
    r = _post(c, "/api/v1/funding/rules", {**rule, "value": "abc"})
    assert r.status_code in (400, 422) and list(r.json()["details"]["fields"]) == ["value"]
    # An unknown norm is refused on its field with the message, not with the key sent back as if it were one.
    r = _post(c, "/api/v1/funding/rules", {**rule, "key": "funding.nothing"})
    assert r.status_code == 400 and r.json()["details"]["fields"] == {"key": [r.json()["message"]]}


def test_distribution_refusals_are_said_through_the_catalogue(login, users, old_commune, marked):
    c = login(users["finance"])
    r = _post(c, "/api/v1/funding/distributions/commune-pt",
              {"commune_code": old_commune.code, "month": "2026-01-01", "workers": [{"name": " ", "coefficient": "1"}]})
    assert r.status_code == 400 and r.json()["details"]["fields"] == {"workers.0.name": ["«Bắt buộc.»"]}
    r = _post(c, "/api/v1/funding/distributions/commune-pt",
              {"commune_code": old_commune.code, "month": "2026-01-01", "workers": [{"name": "A", "coefficient": "-1"}]})
    assert r.status_code == 400 and r.json()["details"]["fields"] == {"workers.0.coefficient": ["«Không được âm.»"]}


def test_the_messages_have_english_entries():
    po = (Path(coso.__file__).parent / "locale" / "en" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    english = dict(re.findall(r'^msgid "(.+)"\nmsgstr "(.+)"$', po, flags=re.M))
    for text in ("Bắt buộc.", "Tên đã dùng.", "Cách thay đổi không hợp lệ.", "Không có định mức “%(key)s”.", "Giá trị phải là số.",
                 "Giá trị không được âm.", "Không thể giảm từ 100% trở lên.", "Không được âm."):
        assert english.get(text), text
