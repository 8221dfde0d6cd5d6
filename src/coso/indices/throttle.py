"""How many date ranges of its own choosing an anonymous visitor may have counted.

The published index (page and API) takes any date range of up to three years. A preset period (a month, a quarter, a
year) is one of a few hundred, but the date ranges are hundreds of thousands: each one a visitor asks for is computed
and its figures and its page's manifest are kept in the shared cache. A script walking through ranges would make the
database do a national count per request and fill the cache until it culls what leaders read. An address may therefore
ask for ``PUBLIC_RANGES_PER_HOUR`` distinct ranges an hour (asking again for one it has asked for costs nothing); beyond,
429 with Retry-After. Signed-in users are not limited (their pages are scoped and audited by who they are)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.utils.crypto import salted_hmac

from coso.core import ratelimit
from coso.core.security import client_ip
from coso.indices import errors
from coso.indices.periods import Period

WINDOW_SECONDS = 3600
SCOPE = "indices-public-ranges"


def _address(request: Any) -> str:
    # an address is personal data: what the cache keeps of it is a hash keyed with the site's secret
    return salted_hmac("coso.indices.public-ranges", client_ip(request) or "-", algorithm="sha256").hexdigest()[:40]


def check_public_range(request: Any, period: Period) -> None:
    """Count ``period`` against the visitor's allowance when it is a date range asked for anonymously; raise
    ``TOO_MANY_RANGES`` (429) past it. A range already counted for the address in the window is free."""
    if period.kind != "range":
        return
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return
    limit = settings.INDICES_PUBLIC_RANGES_PER_HOUR
    address = _address(request)
    seen = ratelimit.cache_key(SCOPE + "-seen", f"{address}|{period.start.isoformat()}|{period.end.isoformat()}")
    if not cache.add(seen, 1, timeout=WINDOW_SECONDS):
        return
    if ratelimit.hit(SCOPE, address, seconds=WINDOW_SECONDS) > limit:
        cache.delete(seen)  # refused: not counted as seen, so it is refused again until the window ends
        wait = max(1, ratelimit.remaining(SCOPE, address, seconds=WINDOW_SECONDS))
        raise errors.TOO_MANY_RANGES(details={"retry_after": wait})
