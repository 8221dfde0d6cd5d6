"""Pages of a long search result with a capped count ("hơn 1.000 người").

Counting every match of a common word ("tran": 125,000 of 1,000,000 names) costs more than
finding the page shown. A list page with a text query counts its rows only up to
``COUNT_CAP`` (or, on a later page, up to that page and one more), prints "hơn N" when there
are more, and still offers the next page: the rows shown are exactly those of an exact count.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.utils.functional import cached_property

COUNT_CAP = 1000
# A page number is trusted only this far when it sets how far to count (beyond it the count is
# exact, and a LIMIT stays within a 32-bit integer on every database).
_MAX_LIMIT = 2**31 - 2


def capped_count(queryset: Any, cap: int = COUNT_CAP) -> tuple[int, bool]:
    """(count, more): the number of rows up to ``cap``, and whether there are more than that."""
    n = int(queryset.order_by()[: cap + 1].count()) if hasattr(queryset, "order_by") else len(queryset)
    return (cap, True) if n > cap else (n, False)


class CappedPaginator(Paginator):
    """A Paginator whose count stops past ``cap`` rows or past the page asked for.

    With ``cap=None`` it is Django's Paginator (an exact count). Otherwise, asked for page
    ``k`` (through :meth:`get_page`), it counts up to ``max(cap, k × per_page)`` + 1 rows:
    ``capped`` tells that there are more than ``limit`` rows, and ``count`` is then
    ``limit + 1``, so that the page after the last counted one is always offered.
    """

    def __init__(self, object_list: Any, per_page: int, *, cap: int | None = COUNT_CAP, **kwargs: Any) -> None:
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap
        self.asked = 1
        self.capped = False
        self.limit = 0

    def get_page(self, number: Any) -> Any:
        try:
            self.asked = max(1, int(number))
        except (TypeError, ValueError, OverflowError):
            self.asked = 1
        return super().get_page(number)

    def page(self, number: Any) -> Any:
        number = self.validate_number(number)
        if not self.capped:
            return super().page(number)
        # the count stops short of the rows: a page is always a whole page
        bottom = (number - 1) * self.per_page
        return self._get_page(self.object_list[bottom: bottom + self.per_page], number, self)  # type: ignore[attr-defined]

    @cached_property
    def count(self) -> int:
        if self.cap is None:
            return super().count
        limit = max(self.cap, self.asked * self.per_page)
        if limit > _MAX_LIMIT:
            return super().count
        n, more = capped_count(self.object_list, limit)
        self.limit, self.capped = limit, more
        return limit + 1 if more else n

    @property
    def limit_text(self) -> str:
        """``limit`` written the Vietnamese way ("1.000")."""
        from coso.core.text import format_money

        return format_money(self.limit, unit="")

    @property
    def pages_more_than(self) -> int:
        """When capped: the number of full pages known to exist (there are more)."""
        return self.limit // self.per_page
