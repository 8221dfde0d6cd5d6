"""Numbers typed by people or sent to the API (rule values, scenario changes, coefficients): plain decimals only.

``Decimal(text)`` also reads exponent notation ("1E-10", "1e5"), "NaN", "Infinity" and a negative zero ("-0"): a value
written so is refused on its field rather than stored as something the reader never wrote that way.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext

PLAIN = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")


class NotPlainNumberError(ValueError):
    """A number written otherwise than as a plain decimal (exponent, NaN, Infinity, -0)."""

    def __init__(self) -> None:
        from coso.funding.errors import NOT_PLAIN_NUMBER

        super().__init__(str(NOT_PLAIN_NUMBER.message))


def is_plain(text: str) -> bool:
    """Whether ``text`` (spaces around allowed) is a decimal written plainly: digits, at most one point, a sign."""
    return PLAIN.fullmatch(text.strip()) is not None


def written_otherwise(text: str) -> bool:
    """Whether ``text`` is a number ``Decimal`` reads but not written as a plain decimal ("1e5", "NaN", "-0", "1_000")."""
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        return False
    return not is_plain(text) or (value.is_zero() and value.is_signed())


def plain_decimal(raw: Any) -> Decimal:
    """``raw`` (text, a JSON number, a Decimal) as a Decimal; ValueError with the message to show when it is not a plain,
    finite decimal or is a negative zero. Text must be written plainly; a JSON number (int, float) is taken as the number
    it is, unless it is not finite."""
    if isinstance(raw, bool):
        raise ValueError(gettext("Giá trị phải là số."))
    try:
        if isinstance(raw, str):
            value = Decimal(raw.strip())  # "abc", "1,5": not a number at all (InvalidOperation)
            if not is_plain(raw):
                raise NotPlainNumberError
        elif isinstance(raw, Decimal):
            value = raw
        elif isinstance(raw, int):
            value = Decimal(raw)
        elif isinstance(raw, float):
            if not math.isfinite(raw):
                raise NotPlainNumberError
            value = Decimal(repr(raw))
        else:
            raise ValueError(gettext("Giá trị phải là số."))
    except InvalidOperation:
        raise ValueError(gettext("Giá trị phải là số.")) from None
    if not value.is_finite() or (value.is_zero() and value.is_signed()):
        raise NotPlainNumberError
    return value
