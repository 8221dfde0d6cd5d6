"""The extension point of a reorganisation (sắp xếp đơn vị): each app moves its own records.

The units app orchestrates a reorganisation (village merge, commune merge or split: ``coso.units.services``)
but never touches another app's models. Each app registers, from its own ``reorg.py`` (found by
``autodiscover``), a *mover*: a selector that counts what would move per target commune and a service that
moves it::

    from coso.units.reorg import MovePlan, move_by_commune, count_by_commune, register_mover

    def count(plan: MovePlan) -> dict[str, int]:
        return count_by_commune(Feedback.objects.filter(status__in=OPEN), plan, village_field="village")

    def move(plan: MovePlan, *, actor) -> dict[str, int]:
        return move_by_commune(Feedback.objects.filter(status__in=OPEN), plan, actor=actor, village_field="village")

    register_mover("feedback.open", label=_("Phản ánh, kiến nghị đang xử lý"), order=40, count=count, move=move)

Both return ``{target commune code (or "village:<id>"): number of records}``. A move may add beside them entries of what
it did to some of the records it moved (``"<what>:<commune code>"``, e.g. entries closed as duplicates): the mover declares
each ``<what>`` as a :class:`Note` with its label, so that the reorganisation's page names it. ``move`` runs inside the
orchestrator's transaction, must be idempotent (a second run finds nothing left to move) and audits what it
moves: :func:`move_by_commune` writes one audit entry per source, target and chunk with the ids moved, so
nothing is lost and every move can be traced back.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.functional import Promise

from coso.core.audit import audit_log
from coso.core.models import AuditLog

CHUNK = 2000


@dataclass(frozen=True)
class MovePlan:
    """What moves where, in plain data (no model of the units app needed to read it).

    ``commune_map``: old commune code → the commune its records go to (records without a village, or whose
    village is not listed in ``village_commune``). A code mapped to itself does not move.
    ``village_commune``: village id → commune code, for villages that change commune (a split).
    ``village_map``: old village id → new village id (a village merge; the commune does not change).
    ``kind``: the reorganisation's kind (``Reorganisation.Kind``: ``"village_merge"``, ``"commune_merge"``,
    ``"commune_split"``), for a mover that treats them apart; ``""`` when not given.
    ``scheduled_at``: when the reorganisation was scheduled (None before it is, as in the wizard's preview), for a mover
    that treats records entered since then, knowing the reorganisation ahead, apart.
    """

    province_code: str
    effective_on: dt.date
    reference: str
    reorganisation_id: int | None = None
    commune_map: dict[str, str] = field(default_factory=dict)
    village_commune: dict[int, str] = field(default_factory=dict)
    village_map: dict[int, int] = field(default_factory=dict)
    kind: str = ""
    scheduled_at: dt.datetime | None = None


Counter = Callable[[MovePlan], dict[str, int]]
Mover_ = Callable[..., dict[str, int]]


@dataclass(frozen=True)
class Note:
    """An entry ``"<what>:<commune code>"`` a move adds to its result beside the records it moved (they are counted there
    already): ``label`` names it on the reorganisation's page. ``count`` (a counter beside the mover, computed by the code its
    move uses: ``{commune code: number}``) and ``ahead`` (its wording before the fact) warn of it in the preview."""

    label: Promise | str
    count: Counter | None = None
    ahead: Promise | str = ""


@dataclass
class Mover:
    key: str
    label: Promise | str
    order: int
    count: Counter
    move: Mover_
    notes: dict[str, Note] = field(default_factory=dict)


MOVERS: dict[str, Mover] = {}


def register_mover(key: str, *, label: Promise | str, order: int, count: Counter, move: Mover_, notes: dict[str, Note] | None = None) -> None:
    """Register (or replace, on reload) the mover ``key`` (``<app>.<what>``); ``notes``: the entries its move adds beside what it
    moved, by ``<what>``."""
    MOVERS[key] = Mover(key, label, order, count, move, dict(notes or {}))


AfterApply = Callable[..., None]
AFTER_APPLY: dict[str, AfterApply] = {}


def register_after_apply(key: str, hook: AfterApply) -> None:
    """Register (or replace, on reload) ``hook(plan, *, actor)``, called by ``reorganisation_apply`` inside its transaction once
    every mover has run and the successions are recorded (the lineage then says where the ended units' history counts):
    for an app whose figures are computed from that lineage (the indices' rollups) rather than records to move. Nothing
    to count in the preview; it may defer its work after commit (``transaction.on_commit``)."""
    AFTER_APPLY[key] = hook


def after_apply_hooks() -> list[AfterApply]:
    return [AFTER_APPLY[k] for k in sorted(AFTER_APPLY)]


def split_key(key: str) -> tuple[str, str]:
    """A key of a mover's result: ``("", unit key)`` for records moved to a commune or a village (``"village:<id>"``),
    ``(what, commune code)`` for a note (``"<what>:<commune code>"``)."""
    what, sep, code = key.partition(":")
    if not sep or what == "village":
        return "", key
    return what, code


def movers() -> list[Mover]:
    return sorted(MOVERS.values(), key=lambda m: (m.order, m.key))


def autodiscover() -> None:
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("reorg")


# ---------------------------------------------------------------- helpers for movers
def _groups(qs: QuerySet[Any], plan: MovePlan, village_field: str | None) -> Iterable[tuple[str, str, QuerySet[Any]]]:
    """(source, target, queryset of the records going from source to target); nothing for a village merge."""
    for src, default in plan.commune_map.items():
        base = qs.filter(commune_code=src)
        listed: list[int] = []
        if village_field and plan.village_commune:
            by_target: dict[str, list[int]] = defaultdict(list)
            for vid, target in plan.village_commune.items():
                by_target[target].append(vid)
            for target, vids in sorted(by_target.items()):
                listed.extend(vids)
                if target != src:
                    yield src, target, base.filter(**{f"{village_field}__in": vids})
        if default != src:
            rest = base.exclude(**{f"{village_field}__in": listed}) if listed and village_field else base
            yield src, default, rest


def count_by_commune(qs: QuerySet[Any], plan: MovePlan, *, village_field: str | None = None) -> dict[str, int]:
    """How many records of ``qs`` would move, per target commune (and per new village for a village merge)."""
    out: dict[str, int] = defaultdict(int)
    for _src, target, sub in _groups(qs, plan, village_field):
        n = sub.count()
        if n:
            out[target] += n
    if village_field and plan.village_map:
        for old, new in plan.village_map.items():
            n = qs.filter(**{village_field: old}).count()
            if n:
                out[f"village:{new}"] += n
    return dict(out)


def _audit_move(*, actor: Any, plan: MovePlan, object_type: str, ids: list[Any], before: dict[str, Any], after: dict[str, Any],
                commune_code: str) -> None:
    audit_log(actor=actor, action=AuditLog.Action.UPDATE, object_type=object_type,
              object_id=f"reorg:{plan.reorganisation_id or ''}", object_repr=f"{plan.reference}: {len(ids)}",
              before={**before, "ids": ids}, after={**after, "ids": ids}, verb="reorganisation_move", reason=plan.reference,
              province_code=plan.province_code, commune_code=commune_code)


def _chunks(ids: list[Any]) -> Iterable[list[Any]]:
    for i in range(0, len(ids), CHUNK):
        yield ids[i:i + CHUNK]


def move_by_commune(qs: QuerySet[Any], plan: MovePlan, *, actor: Any, village_field: str | None = None,
                    extra: Callable[[str], dict[str, Any]] | None = None,
                    after_move: Callable[[list[Any], str, str], None] | None = None) -> dict[str, int]:
    """Move the records of ``qs`` as ``plan`` says (commune codes, and villages for a village merge), audited by chunk.

    ``extra(target)`` gives further columns to set (e.g. a foreign key to the commune); ``after_move(ids, src,
    target)`` moves dependent rows (e.g. the tenant rows of a moved person) in the same transaction.
    """
    model = qs.model
    label = model._meta.label
    out: dict[str, int] = defaultdict(int)
    for src, target, sub in list(_groups(qs, plan, village_field)):
        ids = list(sub.order_by("pk").values_list("pk", flat=True))
        values = {"commune_code": target, **(extra(target) if extra else {})}
        for chunk in _chunks(ids):
            model._base_manager.filter(pk__in=chunk).update(**values)
            _audit_move(actor=actor, plan=plan, object_type=label, ids=chunk, before={"commune_code": src},
                        after={"commune_code": target}, commune_code=target)
            if after_move:
                after_move(chunk, src, target)
        out[target] += len(ids)
    if village_field and plan.village_map:
        for old, new in plan.village_map.items():
            ids = list(qs.filter(**{village_field: old}).order_by("pk").values_list("pk", flat=True))
            for chunk in _chunks(ids):
                model._base_manager.filter(pk__in=chunk).update(**{f"{village_field}_id": new})
                _audit_move(actor=actor, plan=plan, object_type=label, ids=chunk, before={village_field: old}, after={village_field: new},
                            commune_code="")
            if ids:
                out[f"village:{new}"] += len(ids)
    return dict(out)


def source_q(plan: MovePlan, field_name: str = "commune_code") -> Q:
    """Records of the communes that may lose records in ``plan``."""
    return Q(**{f"{field_name}__in": list(plan.commune_map)})


def move_dependents(model: Any, *, parent_field: str, parent_ids: list[Any], src: str, target: str, plan: MovePlan, actor: Any) -> int:
    """Move the tenant rows of ``model`` that belong to moved parents (``<parent_field>_id in parent_ids``), audited."""
    ids = list(model._base_manager.filter(**{f"{parent_field}_id__in": parent_ids}, commune_code=src).order_by("pk").values_list("pk", flat=True))
    for chunk in _chunks(ids):
        model._base_manager.filter(pk__in=chunk).update(commune_code=target)
        _audit_move(actor=actor, plan=plan, object_type=model._meta.label, ids=chunk, before={"commune_code": src},
                    after={"commune_code": target}, commune_code=target)
    return len(ids)
