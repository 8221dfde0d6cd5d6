"""Audit service: every write of domain data records who, when, which unit, before and after.

Services call :func:`audit_log` (or the helpers) inside their transaction, so the audit
row commits or rolls back together with the change it describes.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any, TypeVar

from django.db import models

from coso.core.models import AuditLog

_M = TypeVar("_M", bound=models.Model)

# Never copied into an audit entry (the log is append-only and kept for years): passwords, secrets and hashes of secrets,
# the key that lets a feedback sender act on the item, who reported an item (account or keyed hash of the address).
SENSITIVE_FIELDS = {"password", "token_hash", "secret", "access_key", "code_hash", "address_hash", "reporter_key"}


def _jsonable(value: Any) -> Any:
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, (Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if hasattr(value, "name") and hasattr(value, "url"):  # FieldFile
        return value.name or None
    return value


def snapshot(obj: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """The concrete field values of ``obj`` as JSON-ready data (secrets left out)."""
    data: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        name = field.attname
        if fields is not None and field.name not in fields and name not in fields:
            continue
        if field.name in SENSITIVE_FIELDS or field.generated:  # a generated column repeats what its sources say
            continue
        data[name] = _jsonable(getattr(obj, name))
    return data


def diff(before: dict[str, Any] | None, after: dict[str, Any] | None) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """Keep only the keys whose values changed."""
    if before is None or after is None:
        return before, after
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def _unit_codes(actor: Any, obj: models.Model | None) -> tuple[str, str]:
    province = getattr(obj, "province_code", "") or ""
    commune = getattr(obj, "commune_code", "") or ""
    if not province and actor is not None and getattr(actor, "is_authenticated", False):
        province = getattr(actor, "province_code", "") or ""
        commune = commune or getattr(actor, "commune_code", "") or ""
    return province, commune


def audit_log(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    object_type: str | None = None,
    object_id: Any = "",
    object_repr: str | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    verb: str = "",
    reason: str = "",
    province_code: str | None = None,
    commune_code: str | None = None,
    ip: str | None = None,
    on_behalf_of: str = "",
) -> AuditLog:
    """``on_behalf_of``: whom the actor acted for under a delegation (e.g. "KT. Chủ tịch Phạm Quốc Dũng");
    it is kept in the actor's name so that the log shows both people.

    ``verb``: what happened (a code with its label in ``core.audit_display.VERB_LABELS``). An entry never has an empty
    one: a caller that names none (a plain create, update or delete) gets the action's own code (``create``, ``update``,
    ``login``…), which has a label too."""
    verb = verb or str(action)
    province, commune = _unit_codes(actor, obj)
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    actor_name = (getattr(actor, "display_name", "") or getattr(actor, "username", "")) if authenticated else "anonymous"
    if on_behalf_of:
        actor_name = f"{actor_name} ({on_behalf_of})"
    return AuditLog.objects.create(
        actor=actor if authenticated else None,
        actor_name=actor_name[:200],
        province_code=province_code if province_code is not None else province,
        commune_code=commune_code if commune_code is not None else commune,
        action=action,
        verb=verb,
        object_type=object_type or (obj._meta.label if obj is not None else ""),
        object_id=str(object_id or (obj.pk if obj is not None else "")),
        object_repr=(object_repr if object_repr is not None else (str(obj) if obj is not None else ""))[:300],
        before=_jsonable(before) if before is not None else None,
        after=_jsonable(after) if after is not None else None,
        reason=reason,
        ip=ip,
    )


def audited_create(obj: _M, *, actor: Any, verb: str = "", reason: str = "") -> _M:
    """full_clean + save a new object and record it."""
    obj.full_clean()
    obj.save()
    audit_log(actor=actor, action=AuditLog.Action.CREATE, obj=obj, after=snapshot(obj), verb=verb, reason=reason)
    return obj


def audited_update(obj: _M, *, actor: Any, changes: dict[str, Any], verb: str = "", reason: str = "", on_behalf_of: str = "") -> _M:
    """Apply ``changes``, full_clean, save, and record only the fields that changed."""
    before = snapshot(obj)
    for key, value in changes.items():
        setattr(obj, key, value)
    obj.full_clean()
    obj.save()
    b, a = diff(before, snapshot(obj))
    if a:
        audit_log(actor=actor, action=AuditLog.Action.UPDATE, obj=obj, before=b, after=a, verb=verb, reason=reason, on_behalf_of=on_behalf_of)
    return obj


def audited_delete(obj: models.Model, *, actor: Any, verb: str = "", reason: str = "") -> None:
    before = snapshot(obj)
    pk = obj.pk
    audit_log(actor=actor, action=AuditLog.Action.DELETE, obj=obj, object_id=pk, before=before, verb=verb, reason=reason)
    obj.delete()
