"""Pagination of every JSON list (settings.NINJA_PAGINATION_CLASS).

Same as django-ninja's limit/offset pagination, with the offset bounded: an offset past what a
32-bit signed integer holds cannot address a real row, and a 64-bit overflow reached the database
driver as a 500 ("datatype mismatch" on SQLite, "bigint out of range" on PostgreSQL). Out-of-range
values are refused with 422 and the one error shape, like any other invalid query parameter.
"""

from __future__ import annotations

from django.conf import settings

from ninja import Field, Schema
from ninja import pagination as ninja_pagination

MAX_OFFSET = 2**31 - 1


class LimitOffsetPagination(ninja_pagination.LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(settings.NINJA_PAGINATION_PER_PAGE, ge=1, le=settings.NINJA_PAGINATION_MAX_LIMIT)
        offset: int = Field(0, ge=0, le=MAX_OFFSET)
