"""Coordinates of a place in Vietnam: the one check every door that takes a point (lat, long) uses.

A point outside the country is a mistake, never a place a commune handles: 0,0 sent by a phone without a GPS fix, lat and
long swapped, a test point somewhere else. The box holds the mainland (Lũng Cú 23°22′N, Mũi Cà Mau 8°35′N, A Pa Chải
102°09′E) and the islands: Hoàng Sa (to 112°45′E), Trường Sa (the special zone of Khánh Hòa, An Bang reef at 7°53′N) and
Vietnam's waters in the East Sea (to 117°20′E).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from coso.core import errors

# (south, north) and (west, east), in decimal degrees (WGS 84).
VIETNAM_LAT = (Decimal("7.5"), Decimal("24"))
VIETNAM_LONG = (Decimal("102"), Decimal("118"))


def _number(value: Any, field: str, label: str) -> Decimal:
    try:
        d = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise errors.COORDINATE_NOT_A_NUMBER(label=label[:1].upper() + label[1:], name=field, field=field) from None
    if not d.is_finite():
        raise errors.COORDINATE_NOT_A_NUMBER(label=label[:1].upper() + label[1:], name=field, field=field)
    return d


def point_in_vietnam(lat: Any, long: Any, *, lat_field: str = "lat", long_field: str = "long") -> tuple[Decimal, Decimal] | None:
    """The point (lat, long) as decimals rounded to 6 places (about 10 cm), or None when neither is given.

    Raises ApplicationError (code "invalid-location", the field named in ``details["fields"]``) when only one is given,
    when one is not a number, or when the point lies outside Vietnam (``VIETNAM_LAT`` × ``VIETNAM_LONG``)."""
    lat_missing, long_missing = lat in (None, ""), long in (None, "")
    if lat_missing and long_missing:
        return None
    if lat_missing or long_missing:
        raise errors.COORDINATE_MISSING(field=lat_field if lat_missing else long_field)
    lat_d = _number(lat, lat_field, _("vĩ độ"))
    long_d = _number(long, long_field, _("kinh độ"))
    for value, field, label, (lo, hi) in ((lat_d, lat_field, _("vĩ độ"), VIETNAM_LAT), (long_d, long_field, _("kinh độ"), VIETNAM_LONG)):
        if not lo <= value <= hi:
            raise errors.COORDINATE_OUTSIDE_VIETNAM(label=label, name=field, lo=number_format(lo), hi=number_format(hi), field=field)
    return lat_d.quantize(Decimal("0.000001")), long_d.quantize(Decimal("0.000001"))
