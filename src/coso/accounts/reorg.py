"""Reorganisation mover of accounts: the accounts of a commune (staff and residents) follow it to the commune that
takes over, so nobody is left attached to a unit that ended. Registered with ``coso.units.reorg``."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from coso.accounts.models import User
from coso.units.reorg import MovePlan, count_by_commune, move_by_commune, register_mover
from coso.units.selectors import commune_ids


def _active() -> Any:
    return User.objects.filter(is_active=True).exclude(commune_code="")


def count(plan: MovePlan) -> dict[str, int]:
    return count_by_commune(_active(), plan)


def move(plan: MovePlan, *, actor: Any) -> dict[str, int]:
    ids = commune_ids(set(plan.commune_map.values()) | set(plan.village_commune.values()))

    def units(chunk: list[Any], src: str, target: str) -> None:
        # Staff accounts point at their unit too; residents' accounts have no unit.
        User.objects.filter(pk__in=chunk, unit__isnull=False).update(unit_id=ids[target])

    return move_by_commune(_active(), plan, actor=actor, after_move=units)


register_mover("accounts.users", label=_("Tài khoản người dùng của xã"), order=15, count=count, move=move)
