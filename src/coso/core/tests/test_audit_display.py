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

    from coso.core.audit_display import EXTRA_LABELS, FIELD_LABELS, MODEL_FIELD_LABELS, VERB_LABELS

    labels = list(FIELD_LABELS.values()) + list(MODEL_FIELD_LABELS.values()) + list(EXTRA_LABELS.values()) + list(VERB_LABELS.values())
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



def _dynamic_verbs() -> dict[str, list[str]]:
    """The verbs an f-string can make, by the f-string's source. ``dossiers.services.perform`` refuses an action that
    is not a key of ACTIONS before it writes f"dossier-{action}"."""
    from coso.dossiers.constants import ACTIONS

    return {"f'dossier-{action}'": [f"dossier-{a}" for a in ACTIONS]}


# Calls that read the log by verb rather than write one (the audit page's filter, queries).
_VERB_READERS = frozenset({"audit_list", "filter", "exclude", "get"})


def _scan_verbs(source: str, rel: str, verbs: dict[str, list[str]], problems: list[str]) -> None:
    """Add to ``verbs`` ({verb: [where]}) every action code ``source`` can write into the audit log: the ``verb=``
    keyword of any call (audit_log, audited_create/update/delete, an app's own helper) but the readers, a ``"verb"`` key
    of a dict (rows inserted in bulk) and an assignment to ``.verb``. Literal strings count as they are, both sides of
    ``a if c else b`` count, an f-string counts as the verbs _dynamic_verbs lists for it; a name counts only as a
    keyword-only parameter passed on (its callers name the verb themselves, as keywords the scan sees). Anything
    else goes to ``problems``: the scan could not tell which verbs it makes."""
    import ast

    dynamic = _dynamic_verbs()
    tree = ast.parse(source, rel)
    functions = [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]

    def passed_on(name: str, line: int) -> bool:
        inner = [f for f in functions if f.lineno <= line <= (f.end_lineno or f.lineno)]
        return bool(inner) and name in {a.arg for a in max(inner, key=lambda f: f.lineno).args.kwonlyargs}

    def collect(value: ast.expr, where: str) -> None:
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            if value.value:
                verbs.setdefault(value.value, []).append(where)
        elif isinstance(value, ast.IfExp):
            collect(value.body, where)
            collect(value.orelse, where)
        elif isinstance(value, ast.JoinedStr) and ast.unparse(value) in dynamic:
            for verb in dynamic[ast.unparse(value)]:
                verbs.setdefault(verb, []).append(where)
        elif not (isinstance(value, ast.Name) and passed_on(value.id, value.lineno)):
            problems.append(f"{where}: {ast.unparse(value)}")

    for node in ast.walk(tree):
        values: list[ast.expr] = []
        if isinstance(node, ast.Call):
            called = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if called not in _VERB_READERS:
                values = [kw.value for kw in node.keywords if kw.arg == "verb"]
        elif isinstance(node, ast.Dict):
            values = [v for k, v in zip(node.keys, node.values, strict=True) if isinstance(k, ast.Constant) and k.value == "verb"]
        elif isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            values = [node.value for t in targets if isinstance(t, ast.Attribute) and t.attr == "verb"]
        for value in values:
            collect(value, f"{rel}:{value.lineno}")


def _written_verbs() -> tuple[dict[str, list[str]], list[str]]:
    """({verb: [where]}, [problems]) over the project's code (src/coso, tests and migrations left out)."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]  # src/coso
    verbs: dict[str, list[str]] = {}
    problems: list[str] = []
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root).as_posix()
        if rel.startswith(".") or "/tests/" in f"/{rel}" or "/migrations/" in f"/{rel}":
            continue
        _scan_verbs(path.read_text(encoding="utf-8"), rel, verbs, problems)
    return verbs, problems


def test_every_verb_the_code_writes_has_a_label():
    """A service that starts writing a new action code fails here until the code gets a label in VERB_LABELS (and its
    English in the .po file); a verb the scan cannot read (a variable, a new f-string) must be written so that it can
    (a literal, a keyword-only parameter passed on) or be expanded in _dynamic_verbs."""
    from coso.core.audit_display import VERB_LABELS

    verbs, problems = _written_verbs()
    assert problems == []
    assert len(verbs) > 100 and {"dossier-forward", "export_request", "procedure_steps_configure", "task_complete", "task_progress"} <= set(verbs)
    missing = sorted(f"{verb} ({verbs[verb][0]})" for verb in verbs if verb not in VERB_LABELS)
    assert missing == []
    # No label for a code nothing writes (a typo, a verb renamed); the actions' own codes are what audit_log writes when a
    # service names no verb.
    from coso.core.models import AuditLog

    assert sorted(set(VERB_LABELS) - set(verbs) - set(AuditLog.Action.values)) == []


def test_the_verb_scan_reads_what_it_can_and_reports_what_it_cannot():
    """The scan itself: a literal, both sides of a conditional, a dict key, an attribute, a known f-string and a
    keyword-only parameter passed on are read; a local variable, a positional parameter and an unknown f-string are
    reported; a filter by verb is not a write."""
    source = """
def helper(*, verb):
    audit_log(verb=verb)

def positional(obj, verb):
    audited_create(obj, verb=verb)

def f(kind, action):
    audited_update(x, verb="a" if kind else "b")
    rows.append({"verb": "c"})
    entry.verb = "d"
    name = "e"
    audit_log(verb=name)
    audit_log(verb=f"other-{action}")
    audit_log(verb=f"dossier-{action}")
    audit_log(verb="")
    AuditLog.objects.filter(verb="read-only")
    audit_list(fetched_by=None, verb=request.GET.get("verb", ""))
"""
    verbs: dict[str, list[str]] = {}
    problems: list[str] = []
    _scan_verbs(source, "x.py", verbs, problems)
    assert {"a", "b", "c", "d", "dossier-forward", "dossier-send_back"} <= set(verbs) and "read-only" not in verbs and "" not in verbs
    assert set(verbs) - {"a", "b", "c", "d"} == {v for v in _dynamic_verbs()["f'dossier-{action}'"]}
    assert sorted(problems) == ["x.py:13: name", "x.py:14: f'other-{action}'", "x.py:6: verb"]


def test_the_audit_page_names_each_action_and_keeps_its_code(login, users):
    from coso.core.audit_display import verb_label

    audit_log(actor=users["province_admin"], action="action", object_type="dossiers.Dossier", object_id=1, verb="dossier-forward")
    audit_log(actor=users["province_admin"], action="action", object_type="jobs.ExportJob", object_id=2, verb="export_request")
    audit_log(actor=users["province_admin"], action="update", object_type="made.Up", object_id=3, verb="made_up_verb")
    c = login(users["province_admin"])
    html = c.get("/audit/").content.decode()
    assert "Chuyển bước xử lý hồ sơ" in html and "<code>dossier-forward</code>" in html
    assert "Yêu cầu xuất dữ liệu" in html and "<code>export_request</code>" in html
    assert "made_up_verb" in html and "<code>made_up_verb</code>" not in html  # no label: the code once, as it is
    assert verb_label("made_up_verb") == "made_up_verb" and verb_label("") == ""
    html = _english(c).get("/audit/").content.decode()
    assert "Forward a dossier to the next step" in html and "Chuyển bước xử lý hồ sơ" not in html and "<code>dossier-forward</code>" in html
    assert "Request a data export" in html and "made_up_verb" in html


def test_the_audit_page_filters_by_the_code_or_the_label(login, users):
    admin = users["province_admin"]
    audit_log(actor=admin, action="action", object_type="dossiers.Dossier", object_id=1, object_repr="HS-FORWARD", verb="dossier-forward")
    audit_log(actor=admin, action="action", object_type="dossiers.Dossier", object_id=2, object_repr="HS-REFUSE", verb="dossier-refuse")
    audit_log(actor=admin, action="action", object_type="jobs.ExportJob", object_id=3, object_repr="EXPORT-JOB", verb="export_request")
    c = login(admin)

    def shown(query: str) -> list[str]:
        html = c.get("/audit/", {"verb": query}).content.decode()
        return [r for r in ("HS-FORWARD", "HS-REFUSE", "EXPORT-JOB") if r in html]

    assert shown("") == ["HS-FORWARD", "HS-REFUSE", "EXPORT-JOB"]
    assert shown("dossier-") == ["HS-FORWARD", "HS-REFUSE"]  # by code, as inspectors search
    assert shown("export_request") == ["EXPORT-JOB"]
    assert shown("chuyen buoc") == ["HS-FORWARD"]  # by the Vietnamese label, with or without accents
    assert shown("Từ chối giải quyết") == ["HS-REFUSE"]
    assert shown("không có nghiệp vụ này") == []
    _english(c)
    assert shown("Forward a dossier") == ["HS-FORWARD"]  # by the reader's language
    assert shown("xuất dữ liệu") == ["EXPORT-JOB"]  # and still by the Vietnamese
    html = c.get("/audit/", {"verb": "dossier-"}).content.decode()
    assert 'name="verb" value="dossier-"' in html


def test_the_staff_page_history_names_the_action(login, users):
    target = users["specialist"]
    audit_log(actor=users["province_admin"], action="update", obj=target, before={"phone": ""}, after={"phone": "0912"}, verb="staff_update")
    c = login(users["province_admin"])
    html = c.get(f"/accounts/staff/{target.pk}/").content.decode()
    assert "Sửa tài khoản cán bộ" in html and "<code>staff_update</code>" in html
    assert "Edit a staff account" in _english(c).get(f"/accounts/staff/{target.pk}/").content.decode()
