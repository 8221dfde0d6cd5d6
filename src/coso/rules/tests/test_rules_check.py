"""Values stored before a key's checks existed (a ``validator=`` added later, bounds tightened) are read as they are; the
``rules_check`` command lists every one that its key's checks now refuse, and a province administrator's rule-book page
warns about those of her province."""

from __future__ import annotations

import datetime as dt
import io

from django.core.management import CommandError, call_command
from django.urls import reverse

import pytest

from coso.rules.models import Rule

pytestmark = pytest.mark.django_db

CHANNELS_MESSAGE = "Mã không có trong danh sách: “fax”."


def _store(key: str, value, *, valid_from: dt.date, province_code: str = "", commune_code: str = "") -> Rule:
    """Written straight to the table, as a value stored before its key had the check (no service, no check)."""
    scope = "commune" if commune_code else ("province" if province_code else "national")
    return Rule.objects.create(key=key, scope=scope, province_code=province_code, commune_code=commune_code, valid_from=valid_from,
                               value=value, origin=Rule.Origin.EDITED, reason="trước khi có kiểm tra")


def _run(*args: str) -> tuple[str, CommandError | None]:
    out = io.StringIO()
    try:
        call_command("rules_check", *args, stdout=out)
    except CommandError as exc:
        return out.getvalue(), exc
    return out.getvalue(), None


def test_the_shipped_rule_book_passes_every_check():
    out, error = _run()
    assert error is None, out
    assert "Mọi giá trị đã lưu của bộ quy định đều hợp lệ." in out


def test_rules_check_lists_every_stored_value_its_key_now_refuses_and_fails(province, commune):
    _store("onestop.channels", "counter,fax", valid_from=dt.date(2026, 1, 5), province_code="79")
    _store("onestop.rating.channels", "form,form", valid_from=dt.date(2025, 3, 1), province_code="79", commune_code=commune.code)
    _store("feedback.deadline.answer_days", 500, valid_from=dt.date(2030, 1, 1))  # over the declared maximum (90)
    _store("onestop.channels", "counter,post", valid_from=dt.date(2026, 2, 1), province_code="01")  # passes: not listed
    out, error = _run()
    assert error is not None and error.returncode != 0
    assert "3 giá trị đã lưu không còn hợp lệ" in str(error)
    lines = out.strip().splitlines()
    assert len(lines) == 3, out
    national, province_row, commune_row = (line.split("\t") for line in lines)
    assert national == ["toàn quốc", "feedback.deadline.answer_days", "từ 01/01/2030", "500", "Giá trị không được vượt quá 90."]
    assert province_row[:4] == ["79", "onestop.channels", "từ 05/01/2026", '"counter,fax"']
    assert province_row[4].startswith(CHANNELS_MESSAGE)
    assert commune_row[:4] == [f"79/{commune.code}", "onestop.rating.channels", "từ 01/03/2025", '"form,form"']
    assert commune_row[4] == "Mỗi mã chỉ ghi một lần; mã ghi lặp lại: “form”."
    # one province only
    out, error = _run("--province", "79")
    assert error is not None and len(out.strip().splitlines()) == 2 and "feedback.deadline" not in out


def test_rows_of_keys_no_longer_declared_are_noted_but_not_failed():
    _store("onestop.retired_rule", 3, valid_from=dt.date(2020, 1, 1))
    out, error = _run()
    assert error is None
    assert "onestop.retired_rule" in out and "không còn khai báo" in out


def test_province_admin_s_rule_book_page_warns_about_her_province_s_stored_values_that_no_longer_pass(login, users, province, commune):
    bad = _store("onestop.channels", "counter,fax", valid_from=dt.date(2026, 1, 5), province_code="79")
    _store("onestop.rating.channels", "form,form", valid_from=dt.date(2025, 3, 1), province_code="01")  # another province's
    url = reverse("rules:index")
    page = login(users["province_admin"]).get(url).content.decode()
    assert 'id="rules-value-problems"' in page
    assert "1 giá trị đã lưu của tỉnh không còn qua được kiểm tra hiện hành" in page
    assert "Các cách thức nộp hồ sơ" in page and "(onestop.channels)" in page and "Riêng tỉnh 79" in page
    assert "từ 05/01/2026" in page and "counter,fax" in page and "Mã không có trong danh sách: “fax”" in page
    assert reverse("rules:detail", args=["onestop.channels"]) in page
    assert "form,form" not in page  # only her province's values
    # staff who do not administer the province see no warning
    assert 'id="rules-value-problems"' not in login(users["leader"]).get(url).content.decode()
    # once the value passes again, no warning
    Rule.objects.filter(pk=bad.pk).update(value="counter,post")
    assert 'id="rules-value-problems"' not in login(users["province_admin"]).get(url).content.decode()


def test_a_system_administrator_sees_the_warning_for_the_province_chosen(login, users, province):
    _store("onestop.channels", "counter,fax", valid_from=dt.date(2026, 1, 5), province_code="79")
    c = login(users["sysadmin"])
    assert 'id="rules-value-problems"' not in c.get(reverse("rules:index")).content.decode()  # national view: see the command
    page = c.get(reverse("rules:index"), {"province": "79"}).content.decode()
    assert 'id="rules-value-problems"' in page and "counter,fax" in page
