"""Reads of the rule book for people: the catalogue of rules by module, one rule's history, what changes between two dates."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import InvalidOperation
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from coso.accounts.roles import COMMUNE_ROLES, PROVINCE_ROLES, STAFF_ROLES, Role
from coso.core.exceptions import NotFoundError, PermissionDeniedError
from coso.core.params import FIRST_DAY, LAST_DAY
from coso.rules.lookup import RuleRef, book
from coso.rules.models import Rule, Scope
from coso.rules.registry import RuleKey, RuleValueError, declaration, declarations, is_declared, module_label, modules


def _is_sysadmin(user: Any) -> bool:
    return bool(getattr(user, "is_superuser", False) or getattr(user, "role", "") == Role.SYSTEM_ADMIN)


def check_day(value: dt.date | None, field: str) -> None:
    """Refuse a date outside the days the project works with (1/1/1900–31/12/2200, ``coso.core.params``) on its field:
    a value in force from 31/12/9999 would be kept in the rule book, a rule book read on 1/1/0001 means nothing."""
    if value is not None and not FIRST_DAY <= value <= LAST_DAY:
        from coso.rules import errors

        raise errors.RULE_DATE_OUT_OF_RANGE(first=FIRST_DAY.strftime("%d/%m/%Y"), last=LAST_DAY.strftime("%d/%m/%Y"), field=field)


def require_reader(user: Any) -> None:
    if not (getattr(user, "is_authenticated", False) and (user.is_superuser or user.role in STAFF_ROLES)):
        raise PermissionDeniedError()


def may_read(actor: Any, row: Rule) -> bool:
    """Whether ``actor`` reads ``row`` on the rule-book pages (``viewer_scope``): national values, those of
    their own province and, for a commune's staff, of their own commune only; everything for the system."""
    if actor is None or getattr(actor, "is_superuser", False) or getattr(actor, "role", "") == Role.SYSTEM_ADMIN:
        return True
    if row.province_code and row.province_code != (getattr(actor, "province_code", "") or ""):
        return False
    if not row.commune_code or getattr(actor, "role", "") in PROVINCE_ROLES:
        return True
    return getattr(actor, "role", "") in COMMUNE_ROLES and row.commune_code == (getattr(actor, "commune_code", "") or "")


def stored_value_get(*, fetched_by: Any, rule_id: int) -> Rule:
    """One stored value of the rule book that ``fetched_by`` reads (:func:`may_read`); another province's or another
    commune's is not found (404), exactly as an id that does not exist, as ``services.rule_withdraw`` answers."""
    from coso.rules import errors

    row = Rule.objects.filter(pk=rule_id).first()
    if row is None or not may_read(fetched_by, row):
        raise errors.RULE_WITHDRAW_NOT_FOUND()
    return row


def viewer_scope(user: Any, province_code: str | None = None, commune_code: str | None = None) -> tuple[str, str]:
    """The scope whose rules a staff member reads: their own unit; system administrators choose any."""
    require_reader(user)
    commune_code = (commune_code or "").strip()
    if _is_sysadmin(user):
        p = (province_code or "").strip()
        if p and not _province_exists(p):  # as saving does: "97" typed for "79" read the national values as if they were 97's
            from coso.rules import errors

            raise errors.RULE_PROVINCE_UNKNOWN(code=p)
        if p and commune_code and not _commune_of(p, commune_code):  # else the province's values, read as the commune's
            from coso.rules import errors

            raise errors.RULE_COMMUNE_OUTSIDE_PROVINCE(details={"commune_code": commune_code})
        return p, commune_code if p else ""
    own_p = user.province_code or ""
    own_c = user.commune_code or "" if user.role in COMMUNE_ROLES else ""
    if province_code and province_code != own_p:
        raise NotFoundError()
    if user.role in PROVINCE_ROLES:
        if commune_code and not _commune_of(own_p, commune_code):  # another province's commune answers as an unknown code
            raise NotFoundError()
        return own_p, commune_code  # a province reads its communes' own values too
    if commune_code and commune_code != own_c:  # another commune (or none): not the reader's own values, silently
        raise NotFoundError()
    return own_p, own_c


def _province_exists(province_code: str) -> bool:
    """Whether ``province_code`` is a province in force."""
    from coso.units.selectors import unit_list

    return unit_list(fetched_by=None, level="province").filter(code=province_code).exists()


def _commune_of(province_code: str, commune_code: str) -> bool:
    """Whether ``commune_code`` is a commune of ``province_code``."""
    from coso.units.selectors import unit_list

    return unit_list(fetched_by=None, level="commune", province_code=province_code).filter(code=commune_code).exists()


def can_edit(user: Any, decl: RuleKey, province_code: str, commune_code: str = "") -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if _is_sysadmin(user):
        return True
    return (user.role in decl.editors and bool(province_code) and province_code == user.province_code
            and (not user.commune_code or commune_code == user.commune_code))


@dataclass
class RuleLine:
    key: str
    declaration: RuleKey
    ref: RuleRef | None

    @property
    def label(self) -> str:
        return str(self.declaration.label)

    @property
    def scope_label(self) -> str:
        return scope_label(self.ref) if self.ref else ""


def scope_label(ref: Any) -> str:
    if getattr(ref, "commune_code", ""):
        return _("Riêng xã %(code)s") % {"code": ref.commune_code}
    if getattr(ref, "province_code", ""):
        return _("Riêng tỉnh %(code)s") % {"code": ref.province_code}
    return _("Toàn quốc")


def _keys_of(decl: RuleKey) -> list[str]:
    if not decl.is_family:
        return [decl.key]
    prefix = decl.key[:-1]
    return [k for k in book().keys(prefix) if declaration(k) is decl]


def rule_catalogue(*, fetched_by: Any, on: dt.date, province_code: str | None = None, commune_code: str | None = None,
                   module: str | None = None) -> list[dict[str, Any]]:
    """Modules with their rules and the value in force on ``on`` for the scope."""
    p, c = viewer_scope(fetched_by, province_code, commune_code)
    check_day(on, "on")
    b = book()
    out = []
    for mod in modules():
        if module and mod != module:
            continue
        lines = []
        for decl in declarations(mod):
            for key in _keys_of(decl):
                lines.append(RuleLine(key=key, declaration=decl, ref=b.get(key, on, p, c)))
        if lines:
            out.append({"module": mod, "label": module_label(mod), "rules": lines})
    return out


def rule_detail(*, fetched_by: Any, key: str, on: dt.date, province_code: str | None = None, commune_code: str | None = None) -> dict[str, Any]:
    p, c = viewer_scope(fetched_by, province_code, commune_code)
    check_day(on, "on")
    try:
        decl = declaration(key)
    except KeyError:
        raise NotFoundError() from None
    if not decl.accepts(key):  # a family's own key, or a member its module does not know
        raise NotFoundError()
    return {"key": key, "declaration": decl, "ref": book().get(key, on, p, c), "province_code": p, "commune_code": c,
            "history": rule_history(fetched_by=fetched_by, key=key, province_code=p, commune_code=c)}


def scenario_rule_ids(*, province_code: str, valid_from: dt.date, note_prefix: str) -> list[int]:
    """The rows an adoption of a scenario wrote (origin "scenario"): the province's and its communes' rows starting on
    ``valid_from`` whose note starts with ``note_prefix`` (the adopting app names its scenario there)."""
    return list(Rule.objects.filter(origin=Rule.Origin.SCENARIO, province_code=province_code, valid_from=valid_from,
                                    note__startswith=note_prefix).order_by("pk").values_list("pk", flat=True))


def rule_history(*, fetched_by: Any, key: str, province_code: str | None = None, commune_code: str | None = None) -> QuerySet[Rule]:
    """Every period of a rule that applies to the scope: national, the province's and the commune's."""
    p, c = viewer_scope(fetched_by, province_code, commune_code)
    q = Q(province_code="", commune_code="")
    if p:
        q |= Q(province_code=p, commune_code="")
        if c:
            q |= Q(province_code=p, commune_code=c)
    return Rule.objects.filter(q, key=key).select_related("changed_by").order_by("scope", "valid_from")


def rule_diff(*, fetched_by: Any, date_from: dt.date, date_to: dt.date, province_code: str | None = None,
              commune_code: str | None = None) -> list[dict[str, Any]]:
    """Rules whose value (or applicable row) on ``date_to`` differs from the one on ``date_from`` for the scope."""
    p, c = viewer_scope(fetched_by, province_code, commune_code)
    check_day(date_from, "date_from")
    check_day(date_to, "date_to")
    if date_from > date_to:
        from coso.rules import errors

        raise errors.RULE_DIFF_BAD_PERIOD(details={"date_from": date_from.isoformat(), "date_to": date_to.isoformat()})
    b = book()
    out = []
    for key in b.keys(""):
        try:
            decl = declaration(key)
        except KeyError:
            continue
        before, after = b.get(key, date_from, p, c), b.get(key, date_to, p, c)
        if (before.id if before else None) == (after.id if after else None):
            continue
        if before is not None and after is not None and before.raw == after.raw and before.source_text == after.source_text:
            continue
        out.append({"key": key, "declaration": decl, "before": before, "after": after,
                    "value_changed": (before.raw if before else None) != (after.raw if after else None)})
    return sorted(out, key=lambda d: (d["declaration"].module, d["key"]))


# ---------------------------------------------------------------- stored values that no longer pass their key's checks


@dataclass(frozen=True)
class StoredValueProblem:
    """A stored value of the rule book that its key's checks (type, bounds, ``validator=``) refuse today."""

    rule_id: int
    key: str
    province_code: str
    commune_code: str
    valid_from: dt.date
    valid_to: dt.date | None
    value: Any
    message: str
    applied: bool = True  # False: the rule book cannot read it at all and leaves it out (lookups use the wider scope)

    @property
    def label(self) -> str:
        return str(declaration(self.key).label)

    @property
    def scope_text(self) -> str:
        return scope_label(self)

    @property
    def value_text(self) -> str:
        """The stored JSON as written, shortened for a line of a report or a page."""
        text = json.dumps(self.value, ensure_ascii=False, default=str)
        return text if len(text) <= 120 else text[:119] + "…"


def value_problem(decl: RuleKey, raw: Any) -> str | None:
    """Why ``raw`` (a stored JSON value) would be refused as a new value of ``decl`` today, or None when it passes:
    the checks of its type and bounds, then the declaring module's ``validator=`` (``RuleKey.to_json``)."""
    try:
        decl.to_json(raw)
    except RuleValueError as exc:
        return str(exc)
    except (ValueError, TypeError, InvalidOperation, ArithmeticError) as exc:  # a validator's own slip: reported, never a crash
        return str(exc) or exc.__class__.__name__
    return None


def _readable(decl: RuleKey, raw: Any) -> bool:
    """Whether the rule book reads the stored value (and applies it) despite the problem: see ``lookup.ref_from_row``."""
    try:
        decl.to_python(raw, bounds=False)
    except (ValueError, TypeError, InvalidOperation, ArithmeticError):
        return False
    return True


def stored_value_problems(*, province_code: str | None = None) -> list[StoredValueProblem]:
    """Every stored value (all dates) that no longer passes its key's checks, ordered by scope, key and date.

    ``province_code=None``: the whole rule book (national defaults, every province and commune); a code: the values of
    that province (its own and its communes'), for its administrator's page. Values stored before a check existed (a
    ``validator=`` added later, bounds tightened) are read as they are: this lists those that an editor should replace
    with a new value from a date. Rows of keys no longer declared are never applied and are left out (see
    :func:`undeclared_stored_keys`)."""
    rows = Rule.objects.order_by("province_code", "commune_code", "key", "valid_from")
    if province_code is not None:
        rows = rows.filter(province_code=province_code)
    out = []
    for row in rows.only("pk", "key", "scope", "province_code", "commune_code", "valid_from", "valid_to", "value").iterator(chunk_size=2000):
        try:
            decl = declaration(row.key)
        except KeyError:
            continue
        messages = [m for m in (_key_problem(decl, row.key), _scope_problem(decl, row.scope), value_problem(decl, row.value)) if m]
        if messages:
            out.append(StoredValueProblem(rule_id=row.pk, key=row.key, province_code=row.province_code, commune_code=row.commune_code,
                                          valid_from=row.valid_from, valid_to=row.valid_to, value=row.value, message=" ".join(messages),
                                          applied=_readable(decl, row.value)))
    return out


def _key_problem(decl: RuleKey, key: str) -> str | None:
    """A key of a family that lists its members (``members=``) which is no longer one of them: nothing reads it."""
    if decl.accepts(key):
        return None
    return _("Mã này không còn là một mục của nhóm quy định “%(family)s”: không phép tính nào đọc giá trị này.") % {"family": decl.key}


def _scope_problem(decl: RuleKey, scope: str) -> str | None:
    """A row of a scope the key no longer allows (``scopes=``): the rule book still applies it to its unit."""
    if scope in decl.scopes:
        return None
    return _("Quy định này không còn cho phép đặt riêng ở phạm vi này (%(scope)s); giá trị vẫn đang được áp dụng.") % {
        "scope": dict(Scope.choices).get(scope, scope)}


def undeclared_stored_keys() -> list[str]:
    """Keys of stored rows that no declaration covers any more (kept in the table, never applied)."""
    keys = Rule.objects.order_by("key").values_list("key", flat=True).distinct()
    return [k for k in keys if not is_declared(k)]


def stored_value_problems_for(user: Any, province_code: str) -> list[StoredValueProblem]:
    """The problems a rule-book page shows: the stored values of the province its reader administers (a province
    administrator's own province; a system administrator's chosen province), nothing for anyone else."""
    if not province_code or not getattr(user, "is_authenticated", False):
        return []
    if not (_is_sysadmin(user) or (user.role == Role.PROVINCE_ADMIN and (user.province_code or "") == province_code)):
        return []
    return stored_value_problems(province_code=province_code)
