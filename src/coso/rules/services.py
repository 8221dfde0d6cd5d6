"""Writes of the rule book: a unit changes a rule from a date; the shipped data files are loaded.

Every write locks the rule book (its single state row), checks that no two periods of one key and
scope overlap, records the change in the audit log with its reason, and renews the stamp so that
every process rebuilds its in-memory index.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.apps import apps
from django.db import transaction
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from coso.accounts.roles import Role
from coso.core.audit import audit_log, snapshot
from coso.core.exceptions import ApplicationError
from coso.core.models import AuditLog
from coso.core.params import FIRST_DAY, LAST_DAY
from coso.core.text import nfc
from coso.rules import errors, lookup
from coso.rules.models import Confidence, Rule, RuleBookState, Scope
from coso.rules.registry import RuleKey, RuleValueError, declaration
from coso.rules.selectors import check_day, may_read


@dataclass
class ChangeResult:
    rule: Rule
    closed: list[Rule] = field(default_factory=list)
    continued: Rule | None = None
    warnings: list[str] = field(default_factory=list)


def _lock_book() -> RuleBookState:
    state = RuleBookState.objects.select_for_update().order_by("pk").first()
    if state is None:
        state = RuleBookState.objects.create(stamp=RuleBookState.new_stamp())
        state = RuleBookState.objects.select_for_update().get(pk=state.pk)
    return state


def _touch(state: RuleBookState) -> None:
    state.stamp = RuleBookState.new_stamp()
    state.save(update_fields=["stamp", "changed_at"])
    lookup.invalidate()
    transaction.on_commit(lookup.invalidate)


def _scope_of(province_code: str, commune_code: str) -> str:
    if commune_code:
        return Scope.COMMUNE
    return Scope.PROVINCE if province_code else Scope.NATIONAL


def _declared(key: str) -> RuleKey:
    try:
        return declaration(key)
    except KeyError:
        raise errors.RULE_UNKNOWN_KEY(key=key, details={"key": key}) from None


def _concrete(key: str) -> RuleKey:
    """The declaration of a key that names one rule: a family's own key (``….*``) and a member the family does not list are refused."""
    decl = _declared(key)
    if not decl.accepts(key):
        if "*" in key:
            raise errors.RULE_FAMILY_KEY(key=key, details={"key": key})
        raise errors.RULE_UNKNOWN_KEY(key=key, details={"key": key})
    return decl


def _check_province(province_code: str) -> None:
    """A province's own value is kept for a province in force: a code typed wrong ("97" for "79") stored a value no
    province reads, while the province meant kept its old one."""
    from coso.units.selectors import unit_list

    if not unit_list(fetched_by=None, level="province").filter(code=province_code).exists():
        raise errors.RULE_PROVINCE_UNKNOWN(code=province_code)


def _check_commune(province_code: str, commune_code: str) -> None:
    """A commune's own value is kept for a commune of the rule's province (and never for another unit)."""
    from coso.units.selectors import unit_list

    if not unit_list(fetched_by=None, level="commune", province_code=province_code).filter(code=commune_code).exists():
        raise errors.RULE_COMMUNE_OUTSIDE_PROVINCE(details={"commune_code": commune_code})


def _check_editor(actor: Any, decl: RuleKey, province_code: str, commune_code: str) -> None:
    if actor is None:  # system: loaders and data migrations
        return
    role = getattr(actor, "role", "")
    if getattr(actor, "is_superuser", False) or role == Role.SYSTEM_ADMIN:
        return
    if role not in decl.editors:
        raise errors.RULE_FORBIDDEN()
    if not province_code:
        raise errors.CHECK_EDITOR_RULE_FORBIDDEN()
    if province_code != (getattr(actor, "province_code", "") or ""):
        raise errors.CHECK_EDITOR_RULE_FORBIDDEN_2()
    own_commune = getattr(actor, "commune_code", "") or ""
    if own_commune and commune_code != own_commune:
        raise errors.CHECK_EDITOR_RULE_FORBIDDEN_3()


def _overlap_error(key: str, other: Rule) -> ApplicationError:
    end = other.valid_to.strftime("%d/%m/%Y") if other.valid_to else _("không thời hạn")
    return errors.RULE_OVERLAP(key=key, start=other.valid_from.strftime("%d/%m/%Y"), end=end, details={"rule_id": other.pk, "valid_from": other.valid_from.isoformat(),
                                      "valid_to": other.valid_to.isoformat() if other.valid_to else None})


def _unit_decision() -> str:
    """The source recorded when the writer names no document: stored, and read by everyone, in Vietnamese (the rule book's
    language), never in the language the writer happened to read the page in."""
    with translation.override("vi"):
        return _("Quyết định của đơn vị (ghi trong lý do)")


def impact_of(key: str, province_code: str, commune_code: str, valid_from: dt.date) -> list[str]:
    """What a change from ``valid_from`` would meet, as the declaring module describes it."""
    decl = _declared(key)
    if not decl.impact:
        return []
    fn = import_string(decl.impact)
    return [str(m) for m in fn(key, province_code, commune_code, valid_from)]


def rule_change(
    *,
    actor: Any,
    key: str,
    value: Any,
    valid_from: dt.date,
    reason: str,
    province_code: str = "",
    commune_code: str = "",
    valid_to: dt.date | None = None,
    source_document: str = "",
    source_article: str = "",
    source_url: str = "",
    confidence: str = Confidence.PROVINCE,
    note: str = "",
    origin: str = Rule.Origin.EDITED,
    allow_past: bool = False,
) -> ChangeResult:
    """Give ``key`` a new value for one scope from ``valid_from`` (and until ``valid_to`` when given).

    The row in force before ``valid_from`` keeps its value for the dates before it: it is closed at
    ``valid_from`` (and, when the new value has an end, continued after it). A row of the same scope
    that starts on or after ``valid_from`` is an overlap and refuses the change. Past dates are never
    rewritten: ``valid_from`` must not be before today (``allow_past`` only for the data loader).
    """
    decl = _concrete(key)
    province_code, commune_code = (province_code or "").strip(), (commune_code or "").strip()
    if commune_code and not province_code:
        raise errors.RULE_BAD_SCOPE()
    scope = _scope_of(province_code, commune_code)
    if scope not in decl.scopes:
        # On the body's field that sets the scope: the commune's code, or the province's (empty for a national value).
        raise errors.RULE_CHANGE_RULE_BAD_SCOPE(details={"fields": {"commune_code" if commune_code else "province_code": [
            _("Phạm vi không được phép.")]}})
    _check_editor(actor, decl, province_code, commune_code)
    if province_code and actor is not None:
        _check_province(province_code)
    if commune_code:
        _check_commune(province_code, commune_code)
    reason = nfc(reason or "").strip()
    if not reason:
        raise errors.RULE_REASON_REQUIRED(details={"fields": {"reason": [_("Bắt buộc.")]}})
    if not isinstance(valid_from, dt.date):
        raise errors.RULE_BAD_DATE(details={"fields": {"valid_from": [_("Ngày không hợp lệ.")]}})
    check_day(valid_from, "valid_from")  # 31/12/9999 or 1/1/0001: outside the days the project works with
    check_day(valid_to, "valid_to")
    today = timezone.localdate()
    if valid_from < today and not allow_past:
        raise errors.RULE_PAST(today=today.strftime("%d/%m/%Y"), details={"fields": {"valid_from": [_("Ngày hiệu lực đã qua.")]}})
    if valid_to is not None and valid_to <= valid_from:
        raise errors.RULE_BAD_PERIOD(details={"fields": {"valid_to": [_("Phải sau ngày bắt đầu.")]}})
    try:
        stored = decl.to_json(value)
    except RuleValueError as exc:
        raise ApplicationError(str(exc), code="rule-bad-value", details={"fields": {"value": [str(exc)]}}) from None
    if confidence not in Confidence.values:
        raise errors.RULE_BAD_CONFIDENCE()
    source_document = nfc(source_document or "").strip() or (_unit_decision() if actor is not None else decl.default_source)

    with transaction.atomic():
        state = _lock_book()
        same_scope = Rule.objects.select_for_update().filter(key=key, province_code=province_code, commune_code=commune_code).order_by("valid_from")
        result_closed: list[Rule] = []
        continued: Rule | None = None
        for other in same_scope:
            overlaps = (valid_to is None or other.valid_from < valid_to) and (other.valid_to is None or other.valid_to > valid_from)
            if not overlaps:
                continue
            if other.valid_from >= valid_from:
                raise _overlap_error(key, other)
            # ``other`` started before: close it at valid_from and continue it after valid_to when needed.
            old_end = other.valid_to
            before = snapshot(other, ["valid_to"])
            other.valid_to = valid_from
            other.save(update_fields=["valid_to", "updated_at"])
            audit_log(actor=actor, action=AuditLog.Action.UPDATE, obj=other, before=before, after=snapshot(other, ["valid_to"]),
                      verb="rule_close", reason=reason, province_code=province_code, commune_code=commune_code)
            result_closed.append(other)
            if valid_to is not None and (old_end is None or old_end > valid_to):
                continued = Rule.objects.create(
                    key=key, scope=other.scope, province_code=province_code, commune_code=commune_code, valid_from=valid_to, valid_to=old_end,
                    value=other.value, source_document=other.source_document, source_article=other.source_article, source_url=other.source_url,
                    confidence=other.confidence, note=other.note, origin=other.origin, changed_by=other.changed_by, reason=other.reason,
                )
                audit_log(actor=actor, action=AuditLog.Action.CREATE, obj=continued, after=snapshot(continued), verb="rule_continue",
                          reason=reason, province_code=province_code, commune_code=commune_code)
        new = Rule(
            key=key, scope=scope, province_code=province_code, commune_code=commune_code, valid_from=valid_from, valid_to=valid_to,
            value=stored, source_document=source_document[:300], source_article=nfc(source_article or "")[:300], source_url=source_url or "",
            confidence=confidence, note=nfc(note or ""), origin=origin, changed_by=actor if getattr(actor, "is_authenticated", False) else None,
            reason=reason,
        )
        new.full_clean()
        new.save()
        audit_log(actor=actor, action=AuditLog.Action.CREATE, obj=new, after=snapshot(new), verb="rule_change", reason=reason,
                  province_code=province_code, commune_code=commune_code)
        _touch(state)
    warnings = impact_of(key, province_code, commune_code, valid_from) if actor is not None else []
    return ChangeResult(rule=new, closed=result_closed, continued=continued, warnings=warnings)


def rule_withdraw(*, actor: Any, rule_id: int, reason: str, scenario_adoption: bool = False, key: str | None = None) -> None:
    """Withdraw a value that has not taken effect yet; the value before it runs on as it did before the change.

    ``key``: the rule the caller addresses (the page's URL names it); a value of another rule is not found.

    A value written by adopting a scenario (origin "scenario") is withdrawn only with the whole adoption, by the scenario's
    owner (``coso.funding.services.scenario_unadopt`` passes ``scenario_adoption=True``): withdrawn alone, it left the
    scenario "adopted" with nothing adopted.

    A value from the shipped data files (origin "data") is refused (``rule-from-data``, 409): ``load_rules`` would put
    it back at the next deploy; a new value from a date replaces it instead.

    A value the actor cannot read (another province's, another commune's) is not found, exactly as a value that does
    not exist, whatever the reason given: the scope is checked before the input.
    """
    reason = nfc(reason or "").strip()
    with transaction.atomic():
        state = _lock_book()
        row = Rule.objects.select_for_update().filter(pk=rule_id).first()
        if row is None or (key is not None and row.key != key) or not may_read(actor, row):
            raise errors.RULE_WITHDRAW_NOT_FOUND()
        if not reason:
            raise errors.RULE_WITHDRAW_RULE_REASON_REQUIRED(details={"fields": {"reason": [_("Bắt buộc.")]}})
        _check_editor(actor, _declared(row.key), row.province_code, row.commune_code)
        if row.valid_from <= timezone.localdate():
            raise errors.RULE_WITHDRAW_RULE_PAST()
        if row.origin == Rule.Origin.DATA:
            raise errors.RULE_WITHDRAW_FROM_DATA(details={"rule": row.pk})
        if row.origin == Rule.Origin.SCENARIO and not scenario_adoption:
            raise errors.RULE_WITHDRAW_FROM_SCENARIO(note=row.note or row.reason, details={"rule": row.pk})
        previous = (Rule.objects.select_for_update().filter(key=row.key, province_code=row.province_code, commune_code=row.commune_code,
                                                           valid_to=row.valid_from).first())
        if previous is not None:
            before = snapshot(previous, ["valid_to"])
            previous.valid_to = row.valid_to
            following = Rule.objects.filter(key=row.key, province_code=row.province_code, commune_code=row.commune_code,
                                            valid_from=row.valid_to).first() if row.valid_to else None
            if following is not None and following.value == previous.value and following.origin == previous.origin:
                # The continuation made when the withdrawn value was set: merge it back.
                previous.valid_to = following.valid_to
                audit_log(actor=actor, action=AuditLog.Action.DELETE, obj=following, before=snapshot(following), verb="rule_withdraw", reason=reason)
                following.delete()
            previous.save(update_fields=["valid_to", "updated_at"])
            audit_log(actor=actor, action=AuditLog.Action.UPDATE, obj=previous, before=before, after=snapshot(previous, ["valid_to"]),
                      verb="rule_reopen", reason=reason)
        audit_log(actor=actor, action=AuditLog.Action.DELETE, obj=row, before=snapshot(row), verb="rule_withdraw", reason=reason)
        row.delete()
        _touch(state)


# --------------------------------------------------------------------------- shipped data files

def data_files() -> list[Path]:
    """``data/rules.json`` and ``data/rules/*.json`` of every installed Coso app."""
    out: list[Path] = []
    for cfg in apps.get_app_configs():
        if not cfg.name.startswith("coso."):
            continue
        base = Path(cfg.path) / "data"
        if (base / "rules.json").exists():
            out.append(base / "rules.json")
        if (base / "rules").is_dir():
            out.extend(sorted((base / "rules").glob("*.json")))
    return out


def read_rule_file(path: Path) -> list[dict[str, Any]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    rows = data["rules"] if isinstance(data, dict) else data
    for r in rows:
        r.setdefault("_file", path.name)
    return rows


@dataclass
class LoadResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    skipped: list[str] = field(default_factory=list)


def _prepare(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Validate shipped rows and close open periods that a later row of the same key and scope starts."""
    prepared: list[dict[str, Any]] = []
    for r in rows:
        key = r["key"]
        decl = declaration(key)  # KeyError: shipped data must only use declared keys
        source = r.get("source") or {}
        if isinstance(source, str):
            source = {"document": source}
        province = str(r.get("province") or r.get("province_code") or "")
        commune = str(r.get("commune") or r.get("commune_code") or "")
        scope = _scope_of(province, commune)
        if scope not in decl.scopes:
            raise ValueError(f"{r.get('_file')}: {key} cannot be set for scope {scope}")
        valid_from = dt.date.fromisoformat(r["valid_from"])
        valid_to = dt.date.fromisoformat(r["valid_to"]) if r.get("valid_to") else None
        for day in (valid_from, valid_to):
            if day is not None and not FIRST_DAY <= day <= LAST_DAY:
                raise ValueError(f"{r.get('_file')}: {key} dated {day}, outside {FIRST_DAY}–{LAST_DAY}")
        prepared.append({
            "key": key, "province_code": province, "commune_code": commune, "scope": scope,
            "valid_from": valid_from, "valid_to": valid_to,
            "value": decl.to_json(r["value"]),
            "source_document": source.get("document", "") or decl.default_source, "source_article": source.get("article", ""),
            "source_url": source.get("url", ""), "confidence": r.get("confidence", "C"), "note": r.get("note", ""),
        })
    groups: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    for p in prepared:
        groups.setdefault((p["key"], p["province_code"], p["commune_code"]), []).append(p)
    for (key, *_codes), items in groups.items():
        items.sort(key=lambda p: p["valid_from"])
        for a, b in zip(items, items[1:], strict=False):
            if a["valid_from"] == b["valid_from"]:
                raise ValueError(f"{key}: two shipped rows start on {a['valid_from']}")
            if a["valid_to"] is None:
                a["valid_to"] = b["valid_from"]
            elif a["valid_to"] > b["valid_from"]:
                raise ValueError(f"{key}: shipped rows overlap at {b['valid_from']}")
    return prepared


FIELDS = ("scope", "valid_to", "value", "source_document", "source_article", "source_url", "confidence", "note")


def load_rules(paths: Iterable[Path] | None = None, *, rows: Iterable[dict[str, Any]] | None = None) -> LoadResult:
    """Idempotently load the shipped rule rows.

    A row is identified by (key, province, commune, valid_from). Shipped rows are created or updated;
    rows a unit edited are never touched, and a shipped row never overwrites the period of an edited row
    (its end is kept where the edit closed it). Shipped rows that disappeared from the files are removed.
    """
    if rows is None:
        rows = [r for p in (paths if paths is not None else data_files()) for r in read_rule_file(p)]
    wanted = _prepare(rows)
    result = LoadResult()
    with transaction.atomic():
        state = _lock_book()
        existing = {(r.key, r.province_code, r.commune_code, r.valid_from): r for r in Rule.objects.select_for_update()}
        edited_starts: dict[tuple[str, str, str], list[dt.date]] = {}
        for r in existing.values():
            if r.origin != Rule.Origin.DATA:
                edited_starts.setdefault((r.key, r.province_code, r.commune_code), []).append(r.valid_from)
        seen = set()
        to_create = []
        for w in wanted:
            ident = (w["key"], w["province_code"], w["commune_code"], w["valid_from"])
            seen.add(ident)
            scope_key = (w["key"], w["province_code"], w["commune_code"])
            later_edits = [d for d in edited_starts.get(scope_key, []) if d > w["valid_from"]]
            if later_edits and (w["valid_to"] is None or w["valid_to"] > min(later_edits)):
                w["valid_to"] = min(later_edits)  # an edit closed this period: keep it closed
            obj = existing.get(ident)
            if obj is None:
                if any(d <= w["valid_from"] for d in edited_starts.get(scope_key, [])) and _covered_by_edit(existing, scope_key, w["valid_from"]):
                    result.skipped.append(f"{w['key']} {w['province_code'] or 'QG'} {w['valid_from']}: an edited value covers this date")
                    continue
                to_create.append(Rule(origin=Rule.Origin.DATA, reason="load_rules", **w))
                continue
            if obj.origin != Rule.Origin.DATA:
                result.unchanged += 1
                continue
            changes = {f: w[f] for f in FIELDS if getattr(obj, f) != w[f]}
            if changes:
                before = {k: getattr(obj, k) for k in changes}
                for k, v in changes.items():
                    setattr(obj, k, v)
                obj.save()
                audit_log(actor=None, action=AuditLog.Action.UPDATE, obj=obj, before=before, after=changes, verb="rule_load", reason="load_rules")
                result.updated += 1
            else:
                result.unchanged += 1
        stale = [r for ident, r in existing.items() if ident not in seen and r.origin == Rule.Origin.DATA]
        for r in stale:
            audit_log(actor=None, action=AuditLog.Action.DELETE, obj=r, before=snapshot(r), verb="rule_load", reason="load_rules: removed from data files")
            r.delete()
        result.removed = len(stale)
        if to_create:
            Rule.objects.bulk_create(to_create, batch_size=500)
            result.created = len(to_create)
            audit_log(actor=None, action=AuditLog.Action.CREATE, object_type="rules.Rule", object_repr=f"{len(to_create)} quy định",
                      verb="rule_load", reason="load_rules", after={"created": len(to_create)})
        if result.created or result.updated or result.removed:
            _touch(state)
    return result


def _covered_by_edit(existing: dict[tuple[str, str, str, dt.date], Rule], scope_key: tuple[str, str, str], day: dt.date) -> bool:
    for (k, p, c, _start), r in existing.items():
        if (k, p, c) == scope_key and r.origin != Rule.Origin.DATA and r.valid_from <= day and (r.valid_to is None or day < r.valid_to):
            return True
    return False
