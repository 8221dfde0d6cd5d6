"""The rule book: one lookup, one precedence, dated changes without overlaps, shipped data, cache."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from coso.core.exceptions import ApplicationError, ConflictError, PermissionDeniedError
from coso.core.models import AuditLog
from coso.rules import lookup
from coso.rules.lookup import RuleMissingError, book, rule, rule_ref
from coso.rules.models import Rule, RuleBookState
from coso.rules.registry import declaration, declarations
from coso.rules.services import data_files, load_rules, read_rule_file, rule_change, rule_withdraw
from coso.rules.testing import set_rule

pytestmark = pytest.mark.django_db

KEY = "feedback.deadline.answer_days"
TODAY = dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))


def test_national_value_and_source():
    ref = rule_ref(KEY, on=dt.date(2025, 1, 1))
    assert ref.value == 15 and ref.scope == "national"
    assert "766" in ref.source_document
    assert rule(KEY, on=dt.date(2025, 1, 1)) == 15


def test_precedence_commune_over_province_over_national(province, commune, other_commune, foreign_commune):
    set_rule(KEY, 12, valid_from=dt.date(2026, 1, 1), province_code=province.code)
    set_rule(KEY, 9, valid_from=dt.date(2026, 3, 1), province_code=province.code, commune_code=commune.code)
    day = dt.date(2026, 4, 1)
    assert rule(KEY, on=day, unit=commune) == 9
    assert rule(KEY, on=day, unit=other_commune) == 12
    assert rule(KEY, on=day, unit=province) == 12
    assert rule(KEY, on=day, unit=foreign_commune) == 15
    assert rule(KEY, on=day) == 15
    # Before the commune's own value starts, the province's applies; before that, the national one.
    assert rule(KEY, on=dt.date(2026, 2, 1), unit=commune) == 12
    assert rule(KEY, on=dt.date(2025, 12, 31), unit=commune) == 15


def test_change_closes_the_previous_period_and_keeps_the_past(province, users):
    set_rule(KEY, 12, valid_from=dt.date(2026, 1, 1), province_code=province.code)
    with time_machine.travel(TODAY, tick=False):
        result = rule_change(actor=users["province_admin"], key=KEY, value=10, valid_from=dt.date(2026, 12, 7),
                             province_code=province.code, reason="Nghị quyết HĐND tỉnh số 1/2026")
    assert [r.valid_to for r in result.closed] == [dt.date(2026, 12, 7)]
    assert rule(KEY, on=dt.date(2026, 12, 6), unit=province) == 12
    assert rule(KEY, on=dt.date(2026, 12, 7), unit=province) == 10
    assert result.rule.changed_by == users["province_admin"] and result.rule.origin == Rule.Origin.EDITED
    verbs = set(AuditLog.objects.filter(object_type="rules.Rule").values_list("verb", flat=True))
    assert {"rule_change", "rule_close"} <= verbs


def test_temporary_change_continues_the_old_value_after_it(province):
    set_rule(KEY, 10, valid_from=dt.date(2026, 5, 1), valid_to=dt.date(2026, 6, 1), province_code=province.code)
    assert rule(KEY, on=dt.date(2026, 5, 15), unit=province) == 10
    assert rule(KEY, on=dt.date(2026, 6, 1), unit=province) == 15  # national again


def test_temporary_change_inside_an_open_province_value(province):
    set_rule(KEY, 12, valid_from=dt.date(2026, 1, 1), province_code=province.code)
    set_rule(KEY, 8, valid_from=dt.date(2026, 5, 1), valid_to=dt.date(2026, 6, 1), province_code=province.code)
    assert [rule(KEY, on=dt.date(2026, m, 10), unit=province) for m in (4, 5, 6)] == [12, 8, 12]
    assert Rule.objects.filter(key=KEY, province_code=province.code).count() == 3


def test_overlap_with_a_later_period_is_refused(province):
    set_rule(KEY, 12, valid_from=dt.date(2026, 6, 1), province_code=province.code)
    with pytest.raises(ConflictError) as exc:
        set_rule(KEY, 11, valid_from=dt.date(2026, 5, 1), province_code=province.code)
    assert exc.value.code == "rule-overlap"
    with pytest.raises(ConflictError):
        set_rule(KEY, 11, valid_from=dt.date(2026, 6, 1), province_code=province.code)
    assert Rule.objects.filter(key=KEY, province_code=province.code).count() == 1


def test_past_dates_bad_values_reasons_and_scopes_are_refused(province, users):
    admin = users["province_admin"]
    with time_machine.travel(TODAY, tick=False):
        cases = [
            ({"valid_from": dt.date(2026, 12, 1)}, "rule-past"),
            ({"value": "mười"}, "rule-bad-value"),
            ({"value": 0}, "rule-bad-value"),  # answer deadline is at least 1 working day
            ({"reason": "  "}, "rule-reason-required"),
            ({"key": "feedback.deadline.unknown"}, "rule-unknown-key"),
            ({"valid_to": dt.date(2026, 12, 7)}, "rule-bad-period"),
        ]
        for change, code in cases:
            kwargs = {"actor": admin, "key": KEY, "value": 10, "valid_from": dt.date(2026, 12, 7), "province_code": province.code,
                      "reason": "lý do"} | change
            with pytest.raises(ApplicationError) as exc:
                rule_change(**kwargs)
            assert exc.value.code == code, change
    assert not Rule.objects.filter(province_code=province.code, key=KEY).exists()


def test_who_may_change_what(province, other_province, commune, users):
    kwargs = {"key": KEY, "value": 10, "valid_from": dt.date(2027, 1, 4), "reason": "lý do"}
    with time_machine.travel(TODAY, tick=False):
        for actor, codes in [
            (users["leader"], {"province_code": province.code, "commune_code": commune.code}),  # commune users read only
            (users["province_finance"], {"province_code": province.code}),  # not an editor of feedback rules
            (users["province_admin"], {"province_code": other_province.code}),  # another province
            (users["province_admin"], {}),  # national
        ]:
            with pytest.raises(PermissionDeniedError):
                rule_change(actor=actor, **kwargs, **codes)
        rule_change(actor=users["province_admin"], **kwargs, province_code=province.code, commune_code=commune.code)
        rule_change(actor=users["sysadmin"], **kwargs)
    assert Rule.objects.filter(key=KEY, origin="edited").count() == 2


def test_withdraw_a_scheduled_change_reopens_the_previous_value(province, users):
    set_rule(KEY, 12, valid_from=dt.date(2026, 1, 1), province_code=province.code)
    with time_machine.travel(TODAY, tick=False):
        new = rule_change(actor=users["province_admin"], key=KEY, value=10, valid_from=dt.date(2027, 1, 1),
                          province_code=province.code, reason="dự kiến").rule
        rule_withdraw(actor=users["province_admin"], rule_id=new.pk, reason="chưa ban hành")
    assert rule(KEY, on=dt.date(2027, 6, 1), unit=province) == 12
    assert Rule.objects.get(key=KEY, province_code=province.code).valid_to is None
    with time_machine.travel(TODAY, tick=False), pytest.raises(ApplicationError) as exc:
        rule_withdraw(actor=users["province_admin"], rule_id=Rule.objects.get(key=KEY, province_code=province.code).pk, reason="x")
    assert exc.value.code == "rule-past"


def test_missing_rule_is_a_clear_error():
    Rule.objects.filter(key=KEY).delete()
    lookup.invalidate()
    with pytest.raises(RuleMissingError) as exc:
        rule(KEY, on=dt.date(2026, 1, 1))
    assert exc.value.code == "rule-missing"
    with pytest.raises(KeyError):
        rule("no.such.key", on=dt.date(2026, 1, 1))


def test_load_rules_is_idempotent_and_keeps_edited_values(province):
    first = load_rules()
    assert first.created == 0 and first.updated == 0  # already loaded by the test fixture
    set_rule(KEY, 12, valid_from=dt.date(2026, 1, 1), province_code=province.code)
    again = load_rules()
    assert (again.created, again.updated, again.removed) == (0, 0, 0)
    assert rule(KEY, on=dt.date(2026, 2, 1), unit=province) == 12


def test_load_rules_updates_changed_shipped_rows_and_closes_open_periods():
    rows = [r for p in data_files() for r in read_rule_file(p)]
    extra = {"key": KEY, "value": 20, "valid_from": "2030-01-01", "source": {"document": "Văn bản giả định"}, "confidence": "I"}
    result = load_rules(rows=[*rows, extra])
    assert result.created == 1
    assert rule(KEY, on=dt.date(2029, 12, 31)) == 15 and rule(KEY, on=dt.date(2030, 1, 1)) == 20
    result = load_rules(rows=rows)  # removed from the files again
    assert result.removed == 1 and rule(KEY, on=dt.date(2030, 1, 1)) == 15


def test_every_shipped_row_is_valid_and_every_declared_key_has_a_national_value_today():
    rows = [r for p in data_files() for r in read_rule_file(p)]
    for r in rows:
        assert declaration(r["key"]).accepts(r["key"]), r["key"]  # a family that lists its members lists every shipped one
        declaration(r["key"]).to_json(r["value"])
        assert r.get("source"), r["key"]
        assert r.get("confidence") in {"C", "C-3p", "I", "R", "P"}, r["key"]
    b = book(fresh=True)
    today = dt.date(2026, 12, 2)
    for decl in declarations():
        if decl.is_family:
            continue
        national = [r for r in b.rows(decl.key) if not r.province_code]
        assert national, f"{decl.key} has no national value"
        # A rule that was abolished (its last national period has an end, e.g. Decree 33/2023 quotas on 1/7/2025) has none today.
        ended = national[-1].valid_to is not None and national[-1].valid_to <= today
        assert b.get(decl.key, today) is not None or ended, f"{decl.key} has no national value today"


def test_cache_sees_another_process_change_at_the_next_request(province, monkeypatch):
    monkeypatch.setattr(lookup, "REFRESH_SECONDS", 3600)
    assert rule(KEY, on=dt.date(2026, 2, 1), unit=province) == 15
    # Another process writes a row and renews the stamp.
    Rule.objects.create(key=KEY, scope="province", province_code=province.code, valid_from=dt.date(2026, 1, 1), value=11, origin="edited")
    RuleBookState.objects.update(stamp=RuleBookState.new_stamp())
    assert rule(KEY, on=dt.date(2026, 2, 1), unit=province) == 15  # still the cached index
    lookup._request_started()  # what the request_started signal calls
    assert rule(KEY, on=dt.date(2026, 2, 1), unit=province) == 11


# --------------------------------------------------------------------- property: the lookup equals a brute-force model
DAYS = st.integers(0, 400).map(lambda n: dt.date(2026, 1, 1) + dt.timedelta(days=n))


@hsettings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(changes=st.lists(st.tuples(DAYS, st.one_of(st.none(), st.integers(1, 120)), st.integers(1, 60)), min_size=1, max_size=6),
       probes=st.lists(DAYS, min_size=5, max_size=15))
def test_changes_never_overlap_and_lookup_matches_a_model(province, changes, probes):
    from django.db import transaction

    sid = transaction.savepoint()
    try:
        model: dict[dt.date, int] = {}  # day → value, as a person would read the history
        for start, length, value in changes:
            end = start + dt.timedelta(days=length) if length else None
            try:
                set_rule(KEY, value, valid_from=start, valid_to=end, province_code=province.code)
            except ConflictError:
                continue
            for probe in set(probes) | {start}:
                if probe >= start and (end is None or probe < end):
                    model[probe] = value
        rows = list(Rule.objects.filter(key=KEY, province_code=province.code).order_by("valid_from"))
        for a, b in zip(rows, rows[1:], strict=False):
            assert a.valid_to is not None and a.valid_to <= b.valid_from
        for probe in probes:
            expected = model.get(probe, 15)
            assert rule(KEY, on=probe, unit=province) == expected, probe
    finally:
        transaction.savepoint_rollback(sid)
