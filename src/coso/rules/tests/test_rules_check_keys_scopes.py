"""``rules_check`` also lists stored rows whose key a family no longer lists among its members (nothing reads them) and
rows of a scope the key no longer allows (still applied to their unit)."""

from __future__ import annotations

import datetime as dt
import io

from django.core.management import CommandError, call_command
from django.urls import reverse

import pytest

from coso.rules import lookup
from coso.rules.models import Rule

pytestmark = pytest.mark.django_db


def _store(key: str, value, *, province_code: str = "", valid_from: dt.date = dt.date(2026, 1, 1)) -> Rule:
    """Written straight to the table (no service, no check), as a row stored before the key's list or scopes changed."""
    row = Rule.objects.create(key=key, scope="province" if province_code else "national", province_code=province_code, valid_from=valid_from,
                              value=value, origin=Rule.Origin.EDITED, reason="trước khi danh sách thay đổi")
    lookup.invalidate()
    return row


def _lines(*args: str) -> tuple[list[str], CommandError | None]:
    out = io.StringIO()
    try:
        call_command("rules_check", *args, stdout=out)
    except CommandError as exc:
        return out.getvalue().splitlines(), exc
    return out.getvalue().splitlines(), None


def test_a_family_key_no_longer_among_its_members_and_a_scope_no_longer_allowed_are_listed(province, login, users):
    _store("funding.commune_pt.coef.IV", "21", province_code="79")  # classes I–III only
    _store("assignments.appointment.min_months_in_post", 24, province_code="79")  # national only
    lines, error = _lines()
    assert error is not None and "2 giá trị đã lưu không còn hợp lệ" in str(error)
    member = next(x for x in lines if "funding.commune_pt.coef.IV" in x).split("\t")
    assert member[0] == "79" and "không còn là một mục của nhóm quy định “funding.commune_pt.coef.*”" in member[4]
    scope = next(x for x in lines if "assignments.appointment.min_months_in_post" in x).split("\t")
    assert scope[0] == "79" and "không còn cho phép đặt riêng ở phạm vi này (Tỉnh, thành phố)" in scope[4]
    page = login(users["province_admin"]).get(reverse("rules:index")).content.decode()
    assert 'id="rules-value-problems"' in page and "funding.commune_pt.coef.IV" in page and "min_months_in_post" in page


def test_members_and_allowed_scopes_pass():
    _store("funding.commune_pt.coef.II", "20", province_code="79")
    _store("assignments.appointment.min_months_in_post", 24)
    lines, error = _lines()
    assert error is None, lines
