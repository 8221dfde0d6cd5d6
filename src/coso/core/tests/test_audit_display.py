"""The audit page reads like a record, not like Python (issue 13, item 26): field labels, local times,
Vietnamese dates, choice labels; no dicts, no UTC ISO strings."""

from __future__ import annotations

import pytest

from coso.core.audit import audit_log
from coso.core.audit_display import field_changes, format_value

pytestmark = pytest.mark.django_db


def test_values_are_formatted_for_people():
    assert format_value("2026-03-05T01:30:00+00:00") == "08:30 05/03/2026"  # UTC → Asia/Ho_Chi_Minh
    assert format_value("2026-03-05") == "05/03/2026"
    assert format_value(True) == "Có" and format_value(False) == "Không"
    assert format_value(None) == "—" and format_value("") == "—"
    assert format_value(["a", "b"]) == "a, b"
    assert format_value({"x": 1}) == "x: 1"


def test_audit_page_shows_labels_and_local_times(login, users):
    audit_log(
        actor=users["province_admin"],
        action="update",
        object_type="units.AdministrativeUnit",
        object_id=1,
        object_repr="Phường Sài Gòn",
        before={"population": 1, "valid_to": None},
        after={"population": 2, "valid_to": "2025-06-30"},
    )
    audit_log(actor=users["province_admin"], action="action", object_type="test.Thing", object_id=2, after={"sent_at": "2026-03-05T01:30:00+00:00"})
    resp = login(users["province_admin"]).get("/audit/")
    html = resp.content.decode()
    assert resp.status_code == 200
    assert "{&#x27;" not in html and "{'" not in html  # no Python dicts
    assert "+00:00" not in html and "T01:30" not in html  # no UTC ISO strings
    assert "08:30 05/03/2026" in html
    assert "30/06/2025" in html
    assert "1 → 2" in html


def test_field_changes_uses_model_labels():
    entry = audit_log(
        actor=None, action="update", object_type="units.AdministrativeUnit", object_id=1, before={"population": 1}, after={"population": 2}
    )
    rows = field_changes(entry)
    assert len(rows) == 1 and rows[0]["label"] != "population" and rows[0]["before"] == "1" and rows[0]["after"] == "2"


def test_choice_codes_show_their_labels():
    from coso.accounts.roles import Role

    entry = audit_log(
        actor=None, action="update", object_type="accounts.User", object_id=1, before={"role": Role.SPECIALIST}, after={"role": Role.COMMUNE_LEADER}
    )
    row = field_changes(entry)[0]
    assert row["before"] == str(Role.SPECIALIST.label) and row["after"] == str(Role.COMMUNE_LEADER.label)


def _fields_without_verbose_name():
    """(model, field) for every concrete non-pk field of the project's models declared without a verbose_name
    (Django's default: the attribute name with spaces, English)."""
    from django.apps import apps
    from django.utils import translation

    with translation.override("vi"):
        for model in apps.get_models():
            if not model.__module__.startswith("coso."):
                continue
            for f in model._meta.concrete_fields:
                if not f.primary_key and str(f.verbose_name) == f.name.replace("_", " "):
                    yield model, f


def test_every_field_without_verbose_name_has_a_vietnamese_label_or_is_hidden():
    """A field added later without a verbose_name fails here until it gets a label (or is declared hidden)."""
    from coso.core.audit_display import FIELD_LABELS, MODEL_FIELD_LABELS, is_hidden

    found = list(_fields_without_verbose_name())
    assert len(found) > 100  # the check sees the project's models
    missing = sorted({f"{m._meta.label}.{f.name}" for m, f in found if f.name not in FIELD_LABELS and not is_hidden(f.name, f)})
    assert missing == []
    defaults = {(m._meta.label, f.name) for m, f in found}
    assert set(MODEL_FIELD_LABELS) <= defaults  # every override names a real field that has no verbose_name


def test_every_label_has_its_english():
    from django.utils import translation

    from coso.core.audit_display import EXTRA_LABELS, FIELD_LABELS, MODEL_FIELD_LABELS

    labels = list(FIELD_LABELS.values()) + list(MODEL_FIELD_LABELS.values()) + list(EXTRA_LABELS.values())
    with translation.override("vi"):
        vietnamese = [str(label) for label in labels]
    with translation.override("en"):
        english = [str(label) for label in labels]
    untranslated = [vi for vi, en in zip(vietnamese, english, strict=True) if vi == en]
    assert untranslated == []


def test_labels_follow_the_language_and_the_model():
    from django.utils import translation

    entry = audit_log(actor=None, action="update", object_type="dossiers.Dossier", object_id=1,
                      before={"assignee": None, "version": 1, "is_open": True}, after={"assignee": 5, "version": 2, "is_open": False})
    step = audit_log(actor=None, action="create", object_type="procedures.ProcedureStep", object_id=1, after={"version": 3})
    with translation.override("vi"):
        assert [r["label"] for r in field_changes(entry)] == ["Người được giao", "Phiên bản", "Đang mở"]
        assert [r["label"] for r in field_changes(step)] == ["Phiên bản thủ tục"]
    with translation.override("en"):
        assert [r["label"] for r in field_changes(entry)] == ["Officer in charge", "Version", "Open"]
        assert [r["label"] for r in field_changes(step)] == ["Procedure version"]


def test_secrets_hashes_and_search_columns_are_never_shown():
    entry = audit_log(
        actor=None, action="create", object_type="feedback.Feedback", object_id=1,
        after={"access_key": "SECRET-KEY-123", "title": "Rác", "version": 1},
    )
    report = audit_log(actor=None, action="create", object_type="feedback.FeedbackReport", object_id=1,
                       after={"reporter_key": "a:deadbeef", "address_hash": "cafebabe", "reason": "Sai sự thật"})
    person = audit_log(actor=None, action="update", object_type="workforce.Person", object_id=1,
                       before={"name_folded": "nguyen van a", "name_sort_key": "a|nguyen"}, after={"name_folded": "tran van a", "name_sort_key": "a|tran"})
    unknown = audit_log(actor=None, action="action", object_type="", after={"token_hash": "f00d", "code_hash": "beef", "password": "x"})
    shown = [field_changes(e) for e in (entry, report, person, unknown)]
    assert [[r["label"] for r in rows] for rows in shown] == [["Tiêu đề", "Phiên bản"], ["Lý do báo vi phạm"], [], []]
    text = repr(shown)
    for secret in ("SECRET-KEY-123", "deadbeef", "cafebabe", "nguyen van a", "a|tran", "f00d", "beef"):
        assert secret not in text


def _english(c):  # type: ignore[no-untyped-def]
    c.post("/i18n/setlang/", {"language": "en", "next": "/"})
    return c


def test_booleans_follow_the_readers_language(login, users):
    from django.utils import translation

    with translation.override("en"):
        assert format_value(True) == "Yes" and format_value(False) == "No"
    audit_log(actor=users["province_admin"], action="update", object_type="dossiers.Dossier", object_id=1,
              before={"is_open": True}, after={"is_open": False})
    c = login(users["province_admin"])
    assert "Có → Không" in c.get("/audit/").content.decode()
    html = _english(c).get("/audit/").content.decode()
    assert "Yes → No" in html and "Có → Không" not in html


def test_users_are_named_and_roles_labelled_in_the_readers_language(login, users):
    from coso.accounts.roles import Role

    specialist, leader = users["specialist"], users["leader"]
    gone = 987654
    audit_log(actor=users["province_admin"], action="update", object_type="dossiers.Dossier", object_id=1,
              before={"assignee": gone}, after={"assignee": specialist.pk})
    audit_log(actor=users["province_admin"], action="create", object_type="dossiers.DossierRating", object_id=1,
              after={"officer_ids": [leader.pk, gone]})
    audit_log(actor=users["province_admin"], action="create", object_type="dossiers.DossierStep", object_id=1,
              after={"role": Role.SPECIALIST, "actor_role": Role.COMMUNE_LEADER})
    c = login(users["province_admin"])
    html = c.get("/audit/").content.decode()
    assert f"{gone} → {specialist.display_name}" in html
    assert f"{leader.display_name}, {gone}" in html
    assert str(Role.SPECIALIST.label) in html and ">specialist<" not in html and ": specialist" not in html
    html = _english(c).get("/audit/").content.decode()
    from django.utils import translation

    with translation.override("en"):
        from django.utils.html import escape

        assert escape(str(Role.SPECIALIST.label)) in html and escape(str(Role.COMMUNE_LEADER.label)) in html and "commune_leader" not in html
    assert f"{gone} → {specialist.display_name}" in html


def test_keys_that_are_not_model_fields_get_labels_unknown_ones_stay_raw(login, users):
    from django.utils import translation

    entry = audit_log(actor=None, action="action", object_type="core.AuditLog", object_id=1,
                      after={"count": 3, "filters": {"status": "open"}, "ids": [1, 2], "made_up_key": 1})
    job = audit_log(actor=None, action="action", object_type="planning.TrainingPlan", object_id=1,
                    after={"year": 2026, "budget": 100, "milp_closed": 4, "greedy_closed": 3})
    with translation.override("vi"):
        assert [r["label"] for r in field_changes(entry)] == ["Số bản ghi", "Điều kiện lọc", "Mã các bản ghi", "made_up_key"]
        assert field_changes(entry)[1]["after"] == "Trạng thái: open"
    with translation.override("en"):
        assert [r["label"] for r in field_changes(entry)] == ["Number of records", "Filters", "Record ids", "made_up_key"]
        labels = [r["label"] for r in field_changes(job)]
        assert labels[2:] == ["Gaps closed (optimal plan)", "Gaps closed (greedy plan)"] and all(label.isascii() for label in labels)
    audit_log(actor=users["province_admin"], action="action", object_type="accounts.User", object_id=1,
              after={"channels": ["email"], "handed_over": True})
    html = _english(login(users["province_admin"])).get("/audit/").content.decode()
    assert "Link handed over in person" in html and "handed_over" not in html


def test_the_audit_page_reads_user_names_in_one_query(login, users, django_assert_max_num_queries):
    for u in ("specialist", "leader", "onestop"):
        audit_log(actor=None, action="update", object_type="dossiers.Dossier", object_id=1, before={"assignee": None}, after={"assignee": users[u].pk})
    from coso.core.audit_display import entries_changes
    from coso.core.models import AuditLog

    entries = list(AuditLog.objects.filter(object_type="dossiers.Dossier"))
    with django_assert_max_num_queries(1):
        rows = entries_changes(entries)
    assert {r[0]["after"] for r in rows} == {users[u].display_name for u in ("specialist", "leader", "onestop")}


def test_the_object_type_is_named_in_the_readers_language(login, users):
    audit_log(actor=users["province_admin"], action="update", object_type="units.AdministrativeUnit", object_id=7, after={"population": 2})
    audit_log(actor=users["province_admin"], action="action", object_type="made.Up", object_id=8, after={"x": 1})
    c = login(users["province_admin"])
    from django.utils import translation

    from coso.units.models import AdministrativeUnit

    with translation.override("en"):
        english = str(AdministrativeUnit._meta.verbose_name)
    with translation.override("vi"):
        vietnamese = str(AdministrativeUnit._meta.verbose_name)
    assert english != vietnamese
    html = c.get("/audit/").content.decode()
    assert f">{vietnamese[:1].upper()}{vietnamese[1:]}</span> #7" in html and "made.Up</span> #8" in html
    html = _english(c).get("/audit/").content.decode()
    assert f">{english[:1].upper()}{english[1:]}</span> #7" in html


def test_every_model_has_a_name_in_both_languages():
    """A model declared without a verbose_name would be named in English (from its class name) on the Vietnamese page."""
    from django.apps import apps
    from django.utils import translation

    from coso.core.audit_display import MODEL_LABELS, object_label

    models = [m for m in apps.get_models() if m.__module__.startswith("coso.")]
    missing = [m._meta.label for m in models if "verbose_name" not in m._meta.original_attrs and m._meta.label not in MODEL_LABELS]
    assert missing == []
    assert set(MODEL_LABELS) <= {m._meta.label for m in models}
    with translation.override("vi"):
        vietnamese = [object_label(m._meta.label) for m in models]
    with translation.override("en"):
        english = [object_label(m._meta.label) for m in models]
    assert [vi for vi, en in zip(vietnamese, english, strict=True) if vi == en] == []


def test_an_entry_without_a_signed_in_actor_is_not_shown_as_anonymous(login, users):
    audit_log(actor=None, action="action", object_type="made.Up", object_id=9, after={"x": 1}, province_code=users["province_admin"].province_code)
    c = login(users["province_admin"])
    html = c.get("/audit/").content.decode()
    assert "Hệ thống hoặc người chưa đăng nhập" in html and "<td>anonymous</td>" not in html
    assert "System or a visitor not signed in" in _english(c).get("/audit/").content.decode()
