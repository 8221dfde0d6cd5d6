"""Counting events in a time window, shared by every web process (login, public dossier lookup).

The counters live in Django's default cache: the database (table ``coso_cache``) by default, Redis
when REDIS_URL is set. A window starts with the first event and lasts ``seconds``; ``hit`` counts
atomically, so parallel requests can never all see "below the limit". A window is started with ``add``, which
writes only where the key is missing or expired in one step on every backend (Redis SET NX, the lock of the
in-memory cache, one upsert statement in ``coso.core.cache``), and counted with ``incr``, never written over:
two requests restarting an ended window at once are both counted in the new one.

When a window starts, its end (a Unix time) is kept beside the count, so that ``remaining`` can tell a client how
long a lock still lasts (the Retry-After header); Django's cache API has no way to read a key's lifetime.
"""

from __future__ import annotations

import contextlib
import hashlib
import math
import time

from django.core.cache import cache


def cache_key(scope: str, subject: str) -> str:
    # Subjects are user input (user names, dossier codes): hash them into a short, safe cache key.
    return f"rl:{scope}:" + hashlib.sha256(subject.encode("utf-8", "surrogatepass")).hexdigest()[:40]


def hit(scope: str, subject: str, *, seconds: int) -> int:
    """Count one event; return how many there have been in the current window, this one included."""
    key = cache_key(scope, subject)
    for _attempt in range(3):
        cache.add(key, 0, timeout=seconds)
        try:
            n = int(cache.incr(key))
        except ValueError:  # the window ended between add and incr: start a new one
            continue
        if n == 1:
            _expire(key, seconds)
        return n
    n = int(cache.incr(key))
    if n == 1:
        _expire(key, seconds)
    return n


def _expire(key: str, seconds: int) -> None:
    """Give the window its lifetime again when its first event was counted. Redis (Django's ``RedisCache.incr``)
    checks that the key exists, then increments it: when the key expires in between, the increment creates it
    anew without an expiry, and that subject would stay counted for ever (a login locked out until an
    administrator resets it). Elsewhere the window's key already has this lifetime. Also note when the window ends
    (``remaining``)."""
    cache.touch(key, timeout=seconds)
    cache.set(_end_key(key), time.time() + seconds, timeout=seconds)


def _end_key(key: str) -> str:
    return key + ":end"


def remaining(scope: str, subject: str, *, seconds: int) -> int:
    """Whole seconds until the current window of ``subject`` ends (0 when there is none). ``seconds`` is the
    window's length, the answer when its end was not noted (a window started before ends were kept)."""
    key = cache_key(scope, subject)
    if cache.get(key) is None:
        return 0
    end = cache.get(_end_key(key))
    if end is None:
        return seconds
    return max(0, min(seconds, math.ceil(float(end) - time.time())))


def count(scope: str, subject: str) -> int:
    """Events counted in the current window (0 when there is none)."""
    return int(cache.get(cache_key(scope, subject), 0) or 0)


def undo(scope: str, subject: str) -> None:
    """Take back one event counted by ``hit`` (e.g. an attempt that turned out to be legitimate)."""
    with contextlib.suppress(ValueError):
        cache.decr(cache_key(scope, subject))


def reset(scope: str, subject: str) -> None:
    key = cache_key(scope, subject)
    cache.delete_many([key, _end_key(key)])
