"""The ways of filing (``onestop.channels``) and of rating (``onestop.rating.channels``) are lists of codes that the
one-stop shop reads against its own choices, dropping codes it does not know: a new value naming an unknown code, no
code or a code twice is refused with the code(s) named (``rule-bad-value`` at the field), nothing written or audited,
through the API and the “Căn cứ pháp lý” page; a text rule is never longer than ``MAX_TEXT_LENGTH`` characters."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from coso.core.models import AuditLog
from coso.dossiers import services
from coso.rules.models import Rule
from coso.rules.registry import MAX_TEXT_LENGTH, declaration
from coso.rules.services import data_files, load_rules

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))
API = "/api/v1/rules"
FILING = "onestop.channels"
RATING = "onestop.rating.channels"

BAD = [
    (FILING, "counter,online,xyz", ["“xyz”"]),
    (FILING, "conter,post", ["“conter”"]),
    (RATING, "portal,zalo,xyz", ["“zalo”", "“xyz”"]),
    (RATING, "", ["ít nhất một mã"]),
    (RATING, " , ,", ["ít nhất một mã"]),
    (FILING, "online,post,online", ["lặp lại", "“online”"]),
    (RATING, "form," + "x" * 100_000, [str(MAX_TEXT_LENGTH)]),
    (FILING, "counter," * 200, [str(MAX_TEXT_LENGTH)]),
]


def _post(c, key, value):  # type: ignore[no-untyped-def]
    with time_machine.travel(NOW, tick=False):
        return c.post(f"{API}/changes", {"key": key, "value": value, "valid_from": "2026-12-14", "reason": "kênh mới"},
                      content_type="application/json")


@pytest.mark.parametrize(("key", "value", "words"), BAD)
def test_the_api_refuses_a_list_with_unknown_missing_or_repeated_codes(login, users, key, value, words):
    c = login(users["province_admin"])
    before = AuditLog.objects.count()
    r = _post(c, key, value)
    assert r.status_code == 400, r.content
    body = r.json()
    assert body["code"] == "rule-bad-value"
    for w in words:
        assert w in body["message"], body["message"]
        assert w in body["details"]["fields"]["value"][0]
    assert len(body["message"]) < 2000  # the 100,000 characters are not echoed back
    assert not Rule.objects.filter(key=key, province_code="79").exists()
    assert AuditLog.objects.count() == before


def test_the_refusal_lists_the_known_codes(login, users):
    r = _post(login(users["province_admin"]), FILING, "counter,zalo")
    message = r.json()["message"]
    assert "Mã không có trong danh sách" in message
    for code in ("counter", "post", "online", "vneid"):
        assert code in message


def test_a_list_of_known_codes_is_kept_and_read(login, users, commune):
    c = login(users["province_admin"])
    r = _post(c, RATING, " Form, portal ,box,")
    assert r.status_code == 201, r.content
    assert Rule.objects.get(key=RATING, province_code="79").value == "form,portal,box"
    r = _post(c, FILING, "counter,vneid")
    assert r.status_code == 201, r.content
    assert services.allowed_channels(dt.date(2026, 12, 14), "79", commune.code) == ["counter", "vneid"]


def test_every_shipped_value_passes_and_loads(users):
    for key in (FILING, RATING):
        decl = declaration(key)
        assert decl.validator
    load_rules(data_files())
    assert set(Rule.objects.filter(key=FILING).values_list("value", flat=True)) >= {"counter,post,online", "counter,post,online,vneid"}
    assert Rule.objects.filter(key=RATING).exists()


@pytest.mark.parametrize(("key", "value", "words"), [b for b in BAD if len(b[1]) < 20000])
def test_the_page_refuses_it_at_the_field(login, users, key, value, words):
    c = login(users["province_admin"])
    before = AuditLog.objects.count()
    with time_machine.travel(NOW, tick=False):
        r = c.post(f"/quy-dinh/{key}/", {"value": value, "valid_from": "2026-12-14", "reason": "kênh mới"})
    assert r.status_code == 400
    errors = r.context["form"].errors
    assert "value" in errors
    for w in words:
        assert w in errors["value"][0] or (not value.strip() and errors["value"])
    assert not Rule.objects.filter(key=key, province_code="79").exists()
    assert AuditLog.objects.count() == before


def test_the_page_refuses_100000_characters(login, users):
    c = login(users["province_admin"])
    with time_machine.travel(NOW, tick=False):
        r = c.post(f"/quy-dinh/{RATING}/", {"value": "form," + "x" * 100_000, "valid_from": "2026-12-14", "reason": "kênh mới"})
    assert r.status_code == 400
    assert "value" in r.context["form"].errors
    assert not Rule.objects.filter(key=RATING, province_code="79").exists()


def test_the_page_keeps_a_good_list(login, users):
    c = login(users["province_admin"])
    with time_machine.travel(NOW, tick=False):
        r = c.post(f"/quy-dinh/{RATING}/", {"value": "form,device", "valid_from": "2026-12-14", "reason": "kênh mới"})
    assert r.status_code == 302
    assert Rule.objects.get(key=RATING, province_code="79").value == "form,device"


def test_a_value_stored_before_the_check_is_still_read(commune):
    """Rows written before the check (a typo saved by a province) are read as they are: the reader drops the unknown code."""
    Rule.objects.create(key=FILING, scope="province", province_code="79", valid_from=dt.date(2026, 1, 1), value="counter,zalo",
                        origin=Rule.Origin.EDITED)
    from coso.rules import lookup

    lookup.invalidate()
    assert services.allowed_channels(dt.date(2026, 6, 1), "79", commune.code) == ["counter"]


def test_the_refusal_reads_in_english():
    from django.utils import translation

    from coso.dossiers.rule_keys import rating_channel_codes
    from coso.rules.registry import RuleValueError

    with translation.override("en"), pytest.raises(RuleValueError) as exc:
        rating_channel_codes("portal,zalo")
    assert str(exc.value).startswith("Unknown code(s): “zalo”. Valid codes: form (")


def test_the_page_offers_a_text_box_not_a_numeric_keyboard(login, users):
    import re

    r = login(users["province_admin"]).get(f"/quy-dinh/{FILING}/")
    assert r.status_code == 200
    box = re.search(r'<input[^>]*name="value"[^>]*>', r.content.decode())
    assert box is not None
    assert 'inputmode="decimal"' not in box.group(0) and f'maxlength="{MAX_TEXT_LENGTH}"' in box.group(0)
