"""Liveness (/healthz) and readiness (/readyz) for load balancers and process managers.

/healthz answers 200 while the process can answer at all (it touches nothing else).
/readyz checks what a request needs: the database (and the replica when configured), the cache,
the file storage and the job queue; 200 when all answer, 503 with the failing checks otherwise.
Both answer GET and HEAD (load balancers probe with HEAD: the same status without the body).
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)


def check_database(alias: str = "default") -> None:
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT 1")
        if cursor.fetchone()[0] != 1:
            raise RuntimeError("unexpected answer")


def check_cache() -> None:
    key = f"coso:readyz:{uuid.uuid4().hex}"
    cache.set(key, "1", 10)
    ok = cache.get(key) == "1"
    cache.delete(key)
    if not ok:
        raise RuntimeError("value written was not read back")


def check_storage() -> None:
    from coso.core.files import get_storage

    storage = get_storage()
    bucket_name = getattr(storage, "bucket_name", None)
    if bucket_name:  # object storage: the bucket must exist and answer to our credentials (one HEAD request)
        storage.connection.meta.client.head_bucket(Bucket=bucket_name)  # type: ignore[attr-defined]
    else:  # a folder: one stat
        storage.exists("readyz-probe")


def check_queue() -> None:
    from huey.contrib.djhuey import HUEY

    HUEY.pending_count()


def checks() -> dict[str, Callable[[], None]]:
    out: dict[str, Callable[[], None]] = {"database": check_database}
    if "replica" in settings.DATABASES and getattr(settings, "COSO_READ_REPLICA", False):
        out["replica"] = lambda: check_database("replica")
    out |= {"cache": check_cache, "storage": check_storage, "queue": check_queue}
    return out


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@never_cache
@require_safe
def readyz(request: HttpRequest) -> JsonResponse:
    results: dict[str, dict[str, object]] = {}
    ok = True
    for name, check in checks().items():
        started = time.monotonic()
        try:
            check()
        except Exception as exc:  # noqa: BLE001 - a failing dependency is the answer, not an error
            ok = False
            logger.warning("readiness check %s failed: %s", name, exc)
            results[name] = {"ok": False, "error": type(exc).__name__}
        else:
            results[name] = {"ok": True, "ms": round((time.monotonic() - started) * 1000, 1)}
    return JsonResponse({"status": "ok" if ok else "unavailable", "checks": results}, status=200 if ok else 503)
