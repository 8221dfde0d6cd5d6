"""Read replica routing: read-heavy pages read from the ``replica`` database, everything else from the primary.

Rules (kept deliberately few):
- only GET/HEAD requests to the views named in ``settings.COSO_REPLICA_VIEWS`` may read from the replica,
  and only when ``settings.COSO_READ_REPLICA`` is on and a ``replica`` database is configured;
- every write goes to the primary, and once a request (or job) has written, its later reads go to the
  primary too (a replica may lag: a page must see what it just wrote);
- sessions and accounts are always read from the primary (a login just written must be seen at once), and so is
  the database cache;
- outside such a request (jobs, commands, the API's writes, tests) nothing changes: the primary.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse

REPLICA = "replica"
# The rule book is read from the primary: it is small, cached per process, and must never lag a province's change.
# So is the database cache ("django_cache"): its generation counters must not lag the writes they announce, and on
# PostgreSQL its table is unlogged (core migration 0011), which a streaming replica does not hold.
PRIMARY_ONLY_APPS = frozenset({"sessions", "accounts", "auth", "contenttypes", "admin", "jobs", "rules", "django_cache"})

# (replica allowed for this request, the request has written)
_state: contextvars.ContextVar[dict[str, bool] | None] = contextvars.ContextVar("coso_replica_state", default=None)


def replica_enabled() -> bool:
    return bool(getattr(settings, "COSO_READ_REPLICA", False)) and REPLICA in settings.DATABASES


class ReplicaRouter:
    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        state = _state.get()
        if state is None or not state["replica"] or state["wrote"]:
            return None
        if model._meta.app_label in PRIMARY_ONLY_APPS:
            return None
        instance = hints.get("instance")
        if instance is not None and instance._state.db not in (None, REPLICA):
            return None  # related objects of a row read from the primary stay on the primary
        return REPLICA

    def db_for_write(self, model: Any, **hints: Any) -> str | None:
        state = _state.get()
        if state is not None:
            state["wrote"] = True
        return "default"

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        # The replica holds the same rows as the primary: objects from either may be related.
        dbs = {"default", REPLICA}
        if obj1._state.db in dbs and obj2._state.db in dbs:
            return True
        return None

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool | None:
        return None


class ReplicaMiddleware:
    """Mark GET/HEAD requests to read-heavy views as allowed to read from the replica."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _state.set({"replica": False, "wrote": False})
        try:
            return self.get_response(request)
        finally:
            _state.reset(token)

    def process_view(self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any) -> None:
        state = _state.get()
        if state is None or request.method not in ("GET", "HEAD") or not replica_enabled():
            return None
        match = request.resolver_match
        if match is not None and match.view_name in settings.COSO_REPLICA_VIEWS:
            state["replica"] = True
        return None


def reads_from_replica() -> bool:
    """True while the current request may read from the replica (for tests and diagnostics)."""
    state = _state.get()
    return bool(state and state["replica"] and not state["wrote"])
