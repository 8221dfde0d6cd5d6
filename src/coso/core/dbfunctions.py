"""Database functions shared by the apps.

``LocalDate``: the local calendar day of a timestamp in the current time zone, like ``TruncDate(..., tzinfo=...)``
but computed with the zone's fixed UTC offset when it keeps one (Asia/Ho_Chi_Minh: +07:00, no daylight saving
since 1975). Django's SQLite ``TruncDate`` calls back into Python for every row, which dominated the 766 rollup
rebuild; on PostgreSQL ``AT TIME ZONE 'Asia/Ho_Chi_Minh'`` looks the zone's rules up for every row, about 1 µs each,
half the time of grouping a million dossiers by commune and day, where ``AT TIME ZONE INTERVAL '+07:00'`` costs
next to nothing. Zones with daylight saving use ``TruncDate`` unchanged.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from functools import cache
from typing import Any

from django.db.models import BooleanField, CharField, Func, IntegerField
from django.db.models.functions import TruncDate
from django.utils import timezone

# Instants at which a zone's offset is compared: a zone that has the same offset at all of them (winter and
# summer, 1990 to 2060) is taken as fixed over the years Coso's records cover.
_PROBES = tuple(dt.datetime(y, m, 15, 12, tzinfo=dt.UTC) for y in (1990, 2000, 2010, 2020, 2025, 2030, 2040, 2060) for m in (1, 7))


@cache
def fixed_offset_minutes(zone_name: str) -> int | None:
    """The zone's UTC offset in minutes when it never changes over the probed years; None otherwise."""
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(zone_name)
    offsets = {p.astimezone(zone).utcoffset() for p in _PROBES}
    if len(offsets) != 1:
        return None
    (offset,) = offsets
    return int(offset.total_seconds() // 60) if offset is not None else None


class LocalDate(TruncDate):
    """Local date of a timestamp field in the current time zone (see the module docstring)."""

    def __init__(self, expression: Any, **extra: Any) -> None:
        super().__init__(expression, tzinfo=timezone.get_current_timezone(), **extra)

    # (SQL template, offset parameter) per database, for a zone with a fixed offset of ``minutes`` east of UTC. On
    # PostgreSQL an interval east of UTC is positive (unlike a POSIX zone string such as '+07', which it reads as west).
    FIXED_OFFSET = {
        "sqlite": ("date({sql}, %s)", "{minutes:+d} minutes"),
        "postgresql": ("(({sql}) AT TIME ZONE %s::interval)::date", "{minutes} minutes"),
    }

    def _fixed_offset(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        minutes = fixed_offset_minutes(str(self.get_tzname() or "UTC"))
        if minutes is None or not connection.settings_dict.get("USE_TZ", True):
            return self.as_sql(compiler, connection, **extra_context)
        template, offset = self.FIXED_OFFSET[connection.vendor]
        sql, params = compiler.compile(self.lhs)
        return template.format(sql=sql), (*params, offset.format(minutes=minutes))

    as_sqlite = as_postgresql = _fixed_offset


class ByteOrder(Func):
    """A text expression compared byte by byte (``COLLATE "C"`` on PostgreSQL; SQLite's default already is): for keys
    that are codes (digits), grouped or sorted by the million in the national rollups, where the database's linguistic
    collation only costs time (a third of grouping a million dossiers by commune and day) and orders codes the same."""

    output_field = CharField()

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> Any:  # type: ignore[override]
        return compiler.compile(self.source_expressions[0])

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        sql, params = compiler.compile(self.source_expressions[0])
        return f'({sql}) COLLATE "C"', params


class IdsIn(Func):
    """``column IN (ids)`` for long lists of whole numbers, sent as one parameter: a JSON array read with SQLite's
    ``json_each``, a PostgreSQL array with ``= ANY``. Django's ``__in`` prepares every element of the list in Python
    (several microseconds each) and needs chunks under SQLite's variable limit; a national batch reads 100,000 ids.

        Person.objects.filter(IdsIn("id", ids))
    """

    output_field = BooleanField()

    def __init__(self, expression: Any, ids: Iterable[Any]) -> None:
        super().__init__(expression)
        self.ids = [int(i) for i in ids]

    @staticmethod
    def param(vendor: str, ids: Iterable[Any]) -> Any:
        """The one parameter that carries ``ids`` on ``vendor`` (PostgreSQL, SQLite), whose SQL text does not depend on
        the ids: a query compiled once can be run again for other ids by putting this in place of its parameter."""
        ids = [int(i) for i in ids]
        if vendor == "postgresql":
            return ids
        if vendor == "sqlite":
            return json.dumps(ids)
        raise NotImplementedError(vendor)

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> Any:  # type: ignore[override]
        lhs, params = compiler.compile(self.source_expressions[0])
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s)", (*params, self.param("postgresql", self.ids))  # noqa: S608 - lhs is a compiled column, the ids a parameter
        if connection.vendor == "sqlite":
            return f"{lhs} IN (SELECT value FROM json_each(%s))", (*params, self.param("sqlite", self.ids))  # noqa: S608 - as above
        if not self.ids:
            return "1 = 0", tuple(params)
        return f"{lhs} IN ({', '.join(['%s'] * len(self.ids))})", (*params, *self.ids)  # noqa: S608 - as above


class DayNumber(Func):
    """A date as a whole number of days since 1/1/2000 (differences of two are days between them), on SQLite and
    PostgreSQL; immutable, so it can define a stored generated column (whole numbers compare faster than ISO date text
    in a grouped scan of hundreds of thousands of rows)."""

    output_field = IntegerField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, template="CAST(julianday(%(expressions)s) - 2451544.5 AS INTEGER)", **extra)

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, template="(%(expressions)s - DATE '2000-01-01')", **extra)


def day_number(d: dt.date) -> int:
    """What :class:`DayNumber` gives for ``d``."""
    return (d - dt.date(2000, 1, 1)).days


class NotIndexed(Func):
    """The value of an expression, with SQLite told not to use an index to look it up (unary ``+``): a filter on it is
    then checked on the rows an index gives in its own order (e.g. grouped by commune without a sort) instead of
    choosing that index range. Unchanged on other databases."""

    template = "%(expressions)s"

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, template="+%(expressions)s", **extra)
