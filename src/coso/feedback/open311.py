"""Open311 GeoReport v2 facade over the feedback module (the Open311 GeoReport v2 specification, wiki.open311.org/GeoReport_v2).

- XML (required) and JSON (collections are top-level arrays); UTF-8; datetimes with time zone;
  ids and codes as strings; errors ``[{"code", "description"}]`` / ``<errors><error>`` with 400/403/404.
- Services are the feedback categories (type ``realtime``); POST needs an ``api_key`` (ApiToken).
- Internal statuses fold into open/closed, with the detail in ``status_notes``; ``expected_datetime``
  is the working-day deadline (end of office hours on the due date).
- Extensions: ``page``/``page_size`` and ``extensions=true`` (attributes, extended_attributes, notes).
- Realtime only: ``tokens/{token}`` answers 404.
- ``jurisdiction_id`` is optional; when given it must be ours (settings.COSO_OPEN311_JURISDICTION_ID,
  default: the host of COSO_PUBLIC_BASE_URL) or the province code, else 404.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import logging
import re
from typing import Any
from urllib.parse import urlparse
from xml.etree import ElementTree as ET  # noqa: S405 - used to build XML, never to parse input

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt

from coso.accounts.models import ApiToken
from coso.accounts.roles import Role
from coso.core import public_url
from coso.core.exceptions import ApplicationError
from coso.core.scoping import can_see_unit, scope_q
from coso.core.text import nfc
from coso.feedback.models import Feedback, FeedbackAttachment, FeedbackCategory
from coso.feedback.services import feedback_submit
from coso.units.lineage import RecordWindow, is_other_holders_record, not_other_holders_q, other_holders_of

logger = logging.getLogger(__name__)

SPEC_URL = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-11-27 00:00"
MAX_RANGE_DAYS = 90
DEFAULT_LIMIT = 1000
CLOSED_STATUSES = (Feedback.Status.CLOSED, Feedback.Status.REJECTED, Feedback.Status.FORWARDED)
OFFICE_END = dt.time(17, 0)
MAX_ID = 2**63 - 1  # a BigAutoField: a longer service_request_id is no request's, and must not reach the database


class Open311Error(Exception):
    def __init__(self, status: int, description: str, code: int | None = None):
        super().__init__(description)
        self.status = status
        self.description = description
        self.code = code or status


# --------------------------------------------------------------------------- rendering

# What XML 1.0 cannot carry (its Char production): a stored text holding one (U+FFFE, U+FFFF are valid UTF-8 a sender may
# paste, invisible to a moderator) would make the whole document unreadable for every client. JSON keeps them.
_NOT_XML_CHAR = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _to_xml(parent: ET.Element, key: str, value: Any, item_names: dict[str, str]) -> None:
    el = ET.SubElement(parent, key)
    if value is None:
        return
    if isinstance(value, bool):
        el.text = "true" if value else "false"
    elif isinstance(value, dict):
        for k, v in value.items():
            _to_xml(el, k, v, item_names)
    elif isinstance(value, list):
        child = item_names.get(key, key.rstrip("s") or "item")
        for v in value:
            _to_xml(el, child, v, item_names)
    else:
        el.text = _NOT_XML_CHAR.sub("", str(value))


ITEM_NAMES = {"endpoints": "endpoint", "formats": "format", "attributes": "attribute", "values": "value", "notes": "note",
              "photos": "photo", "service_requests": "request", "services": "service", "errors": "error"}


def render(data: Any, fmt: str, *, root: str, status: int = 200) -> HttpResponse:
    if fmt == "json":
        return HttpResponse(json.dumps(data, ensure_ascii=False), content_type="application/json; charset=utf-8", status=status)
    if isinstance(data, list):
        top = ET.Element(root)
        for item in data:
            _to_xml(top, ITEM_NAMES.get(root, "item"), item, ITEM_NAMES)
    else:
        top = ET.Element(root)
        for k, v in data.items():
            _to_xml(top, k, v, ITEM_NAMES)
    body = b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(top, encoding="utf-8", xml_declaration=False)
    return HttpResponse(body, content_type="text/xml; charset=utf-8", status=status)


def error_response(fmt: str, exc: Open311Error) -> HttpResponse:
    return render([{"code": exc.code, "description": exc.description}], fmt, root="errors", status=exc.status)


def open311_view(methods: tuple[str, ...]):  # type: ignore[no-untyped-def]
    """HEAD is answered as GET (Django drops the body); another method gets Open311's error with an ``Allow`` header."""
    allowed = (*methods, "HEAD") if "GET" in methods else methods

    def wrap(fn):  # type: ignore[no-untyped-def]
        def inner(request: HttpRequest, fmt: str, **kwargs: Any) -> HttpResponse:
            if request.method not in allowed:
                response = error_response(fmt, Open311Error(400, f"Method {request.method} not supported on this resource.", code=405))
                response["Allow"] = ", ".join(allowed)
                return response
            try:
                return fn(request, fmt, **kwargs)
            except Open311Error as exc:
                return error_response(fmt, exc)
            except MultiPartParserError:
                return error_response(fmt, Open311Error(400, "Unreadable multipart body."))
            except Exception:  # noqa: BLE001 - Open311 clients get Open311's error list, never an HTML page
                logger.exception("Unhandled Open311 error")
                return error_response(fmt, Open311Error(500, "Internal error; nothing was changed. Please try again."))
        inner.__name__ = fn.__name__
        inner.__doc__ = fn.__doc__
        return csrf_exempt(inner)
    return wrap


# --------------------------------------------------------------------------- helpers

def jurisdiction_ids() -> set[str]:
    ours = getattr(settings, "COSO_OPEN311_JURISDICTION_ID", "") or (urlparse(public_url.base_url()).hostname or "")
    ids = {ours}
    province = _province_code()
    if province:
        ids.add(province)
    return {i for i in ids if i}


def _province_code() -> str:
    return getattr(settings, "COSO_OPEN311_PROVINCE", "") or getattr(settings, "COSO_DEMO_PROVINCE", "")


def check_jurisdiction(params: Any) -> None:
    jid = (params.get("jurisdiction_id") or "").strip()
    if jid and jid not in jurisdiction_ids():
        raise Open311Error(404, f"jurisdiction_id '{jid}' not found.")


def _dt(value: dt.datetime | None) -> str | None:
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


def _due(day: dt.date | None) -> str | None:
    if day is None:
        return None
    return timezone.make_aware(dt.datetime.combine(day, OFFICE_END)).isoformat(timespec="seconds")


def _bad_w3c(name: str) -> Open311Error:
    return Open311Error(400, f"{name} must be a W3C datetime, e.g. 2026-01-01T00:00:00Z.")


def _parse_w3c(value: str, name: str) -> dt.datetime:
    """A well-formed but impossible date (2026-02-30, 25:61, +99:00) or one the database cannot hold (before
    0001-01-01 or after 9999-12-31 in UTC) is the client's error, as a malformed one."""
    value = value.strip().replace(" ", "+") if "T" in value else value.strip()
    try:
        parsed = parse_datetime(value) if "T" in value else None
        if parsed is None:
            parsed = dt.datetime.combine(dt.date.fromisoformat(value), dt.time.min)
        if timezone.is_naive(parsed):
            parsed = timezone.make_aware(parsed)
        return parsed.astimezone(dt.UTC)
    except (ValueError, OverflowError):
        raise _bad_w3c(name)


def _shift(value: dt.datetime, days: int, name: str) -> dt.datetime:
    """The default end (or start) of a range given by one date: past year 9999 (or before year 1), the date was wrong."""
    try:
        return value + dt.timedelta(days=days)
    except OverflowError:
        raise _bad_w3c(name)


def _api_user(raw: str | None) -> Any:
    return ApiToken.resolve((raw or "").strip()) if raw else None


def _communes() -> QuerySet:
    from coso.units.models import AdministrativeUnit

    qs = AdministrativeUnit.objects.filter(level="commune", valid_to__isnull=True)
    province = _province_code()
    return qs.filter(province_code=province) if province else qs


def service_dict(cat: FeedbackCategory) -> dict[str, Any]:
    return {"service_code": cat.code, "service_name": cat.name, "description": cat.description, "metadata": True,
            "type": "realtime", "keywords": cat.keywords, "group": cat.get_classification_display()}


def service_definition(cat: FeedbackCategory) -> dict[str, Any]:
    """In the request's language (Vietnamese unless the caller chose another)."""
    communes = [{"key": c.code, "name": c.name} for c in _communes().order_by("code").only("code", "name")]
    return {
        "service_code": cat.code,
        "attributes": [
            {"variable": True, "code": "COMMUNE", "datatype": "singlevaluelist", "required": True,
             "datatype_description": gettext("Mã xã, phường (mã đơn vị hành chính)."),
             "order": 1, "description": gettext("Xã, phường nơi phát sinh phản ánh"), "values": communes},
            {"variable": True, "code": "VILLAGE", "datatype": "string", "required": False,
             "datatype_description": gettext("Tên thôn, ấp, tổ dân phố, khu phố."),
             "order": 2, "description": gettext("Thôn, tổ dân phố nơi phát sinh phản ánh"), "values": []},
            {"variable": True, "code": "TITLE", "datatype": "string", "required": False, "datatype_description": None,
             "order": 3, "description": gettext("Tiêu đề ngắn"), "values": []},
            {"variable": True, "code": "ANONYMOUS", "datatype": "singlevaluelist", "required": False, "datatype_description": None,
             "order": 4, "description": gettext("Gửi ẩn danh"),
             "values": [{"key": "false", "name": gettext("Không")}, {"key": "true", "name": gettext("Có")}]},
        ],
    }


def _notice(day: dt.date) -> str:
    return gettext("Hạn xử lý %(date)s.") % {"date": f"{day:%d/%m/%Y}"}


def _status_notes(fb: Any, labels: dict[str, str] | None = None, today: dt.date | None = None) -> str:
    label = labels[fb.status] if labels is not None and fb.status in labels else str(Feedback.Status(fb.status).label)
    if fb.status == Feedback.Status.CLOSED and fb.answer_text:
        return f"{label}. {fb.answer_text}"
    if fb.status == Feedback.Status.REJECTED:
        return f"{label}. {fb.reject_reason}"
    if fb.status == Feedback.Status.INFO_REQUESTED:
        return f"{label}. {fb.info_request}"
    if fb.status == Feedback.Status.FORWARDED:  # GeoReport has only open/closed: where it went is in the notes
        where = {"status": label, "target": fb.forward_target_name, "reason": fb.forward_reason}
        if fb.forwarded_at:
            return gettext("%(status)s: %(target)s ngày %(date)s. Lý do: %(reason)s") % {
                **where, "date": f"{timezone.localtime(fb.forwarded_at):%d/%m/%Y}"}
        return gettext("%(status)s: %(target)s. Lý do: %(reason)s") % where
    late = " " + gettext("Quá hạn.") if fb.is_overdue(today) else ""
    return f"{label}.{late}"


class _Page:
    """What every row of one answer shares, worked out once per request rather than once per row (a page
    has up to 1,000 rows): the time zone, today, the status labels in the active language, due datetimes."""

    def __init__(self) -> None:
        self.tz = timezone.get_current_timezone()
        self.today = timezone.localdate()
        self.labels = {s.value: str(s.label) for s in Feedback.Status}
        self._due: dict[dt.date, str | None] = {}
        self._notice: dict[dt.date, str] = {}

    def when(self, value: dt.datetime | None) -> str | None:
        return value.astimezone(self.tz).isoformat(timespec="seconds") if value else None  # as _dt: aware values from the database

    def notice(self, day: dt.date) -> str:
        if day not in self._notice:
            self._notice[day] = _notice(day)
        return self._notice[day]

    def due(self, day: dt.date | None) -> str | None:
        if day not in self._due:
            self._due[day] = _due(day)  # type: ignore[index]  # None is a valid key too
        return self._due[day]  # type: ignore[index]


class _Category:
    __slots__ = ("code", "name")

    def __init__(self, name: str, code: str) -> None:
        self.name, self.code = name, code


class _ListRow:
    """The columns of one feedback item that a list answer reads, from a ``values()`` row: a page of 100 (up to
    1,000) items is rendered without building model instances for the item, its category and its village.
    ``is_open`` and ``is_overdue`` are the model's own code."""

    FIELDS = ("id", "status", "answer_text", "reject_reason", "info_request", "forwarded_at", "forward_target_name", "forward_reason",
              "late", "answer_due", "category__name", "category__code", "text", "is_public", "hidden", "province_code", "commune_code",
              "submitted_at", "closed_at", "updated_at", "address", "village_id", "village__name", "village__kind", "lat", "long",
              "media_url", "submitter_id", "first_photo_id", "commune_name")
    __slots__ = (*(f for f in FIELDS if "__" not in f), "category", "village")
    id: int
    village_id: int | None
    OPEN_STATUSES = Feedback.OPEN_STATUSES
    is_open = Feedback.is_open
    is_overdue = Feedback.is_overdue

    def __init__(self, row: dict[str, Any], villages: dict[tuple[str, str], str]) -> None:
        for f in self.__slots__[:-2]:
            setattr(self, f, row[f])
        self.category = _Category(row["category__name"], row["category__code"])
        self.village = ""
        if self.village_id is not None:
            key = (row["village__kind"], row["village__name"])
            if key not in villages:
                from coso.units.models import Village

                villages[key] = str(Village(kind=key[0], name=key[1]))
            self.village = villages[key]

    @property
    def pk(self) -> int:
        return self.id


def request_dict(fb: Any, request: HttpRequest, communes: dict[str, str], *, extensions: bool, full: bool, page: _Page | None = None) -> dict[str, Any]:
    if extensions or not hasattr(fb, "first_photo_id"):
        photo_ids = [a.pk for a in fb.attachments.all() if a.is_image and not a.hidden]
    else:  # list queries: only the first photo, from a subquery (no prefetch)
        photo_ids = [fb.first_photo_id] if fb.first_photo_id else []
    photos = [request.build_absolute_uri(reverse("feedback:attachment", args=[pk])) for pk in photo_ids]
    address = fb.address or ", ".join(p for p in [str(fb.village) if fb.village_id else "", communes.get(fb.commune_code, "")] if p)
    as_dt, due = (page.when, page.due) if page is not None else (_dt, _due)
    closed = fb.status in CLOSED_STATUSES
    item: dict[str, Any] = {
        "service_request_id": str(fb.pk),
        "status": "closed" if closed else "open",
        "status_notes": _status_notes(fb, page.labels, page.today) if page is not None else _status_notes(fb),
        "service_name": fb.category.name,
        "service_code": fb.category.code,
        "description": fb.text if (full or (fb.is_public and not fb.hidden)) else None,
        "agency_responsible": f"UBND {communes.get(fb.commune_code, fb.commune_code)}",
        "service_notice": None if closed else (page.notice(fb.answer_due) if page is not None else _notice(fb.answer_due)),
        "requested_datetime": as_dt(fb.submitted_at),
        "updated_datetime": as_dt(fb.closed_at if closed and fb.closed_at else fb.updated_at),
        "expected_datetime": None if fb.status == Feedback.Status.FORWARDED else due(fb.answer_due),
        "address": address,
        "address_id": None,
        "zipcode": None,
        "lat": float(fb.lat) if fb.lat is not None else None,
        "long": float(fb.long) if fb.long is not None else None,
        "media_url": photos[0] if photos else (fb.media_url or None),
    }
    if extensions:
        item["attributes"] = [
            {"label": gettext("Mã phản ánh"), "name": "code", "value": fb.code, "code": "CODE"},
            {"label": gettext("Xã, phường"), "name": "commune", "value": fb.commune_code, "code": "COMMUNE"},
            {"label": gettext("Tình trạng chi tiết"), "name": "internal_status", "value": fb.status, "code": "STATUS"},
            {"label": gettext("Quá hạn"), "name": "late", "value": "true" if fb.is_overdue() else "false", "code": "LATE"},
            {"label": gettext("Đánh giá của người gửi"), "name": "rating", "value": fb.rating or None, "code": "RATING"},
        ]
        if fb.status == Feedback.Status.FORWARDED:
            copy_id = next((c.pk for c in fb.forwarded_copies.all()), None)
            item["attributes"] += [
                {"label": gettext("Đã chuyển đến"), "name": "forwarded_to", "value": fb.forward_target_name, "code": "FORWARDED_TO"},
                {"label": gettext("Mã phản ánh tại nơi nhận"), "name": "forwarded_request_id", "value": str(copy_id) if copy_id else None,
                 "code": "FORWARDED_REQUEST_ID"},
            ]
        item["extended_attributes"] = {"channel": fb.channel, "photos": photos}
        item["notes"] = [{"datetime": _dt(e.at), "description": e.display_note, "type": e.kind}
                         for e in fb.events.all() if e.public]
    return item


def _visible(user: Any, foreign: list[RecordWindow] | None = None) -> Q:
    """What ``user`` reads: the published items, their unit's (for a commune's staff, without the items of their commune
    code sent while an ended commune of another lineage carried it, ``foreign``: ``lineage.other_holders_of``) and their own."""
    q = Q(is_public__in=[True], hidden__in=[False])  # equalities: SQLite can use the (is_public, hidden, …) indexes
    if user is not None:
        q |= scope_q(user) & not_other_holders_q(user, foreign=foreign) if user.is_staff_role else Q(pk__in=[])
        q |= Q(submitter=user)
    return q


def _full_view(fb: Any, user: Any, foreign: list[RecordWindow]) -> bool:
    return user is not None and (fb.submitter_id == user.pk or (user.is_staff_role and can_see_unit(user, province_code=fb.province_code, commune_code=fb.commune_code)
                                                                and not is_other_holders_record(user, fb.commune_code, fb.submitted_at, foreign=foreign)))


def _int_param(params: Any, name: str, default: int, lo: int, hi: int) -> int:
    raw = (params.get(name) or "").strip()
    if not raw:
        return default
    digits = raw.lstrip("0") or "0"  # more digits than ``hi`` has is out of range (and past 4,300, int() refuses it)
    if not re.fullmatch(r"\d+", raw) or len(digits) > len(str(hi)) or not (lo <= int(digits) <= hi):
        raise Open311Error(400, f"{name} must be an integer from {lo} to {hi}.")
    return int(digits)


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in ("1", "true", "yes")


def _yes_no(value: Any, name: str) -> bool:
    """A true/false singlevaluelist attribute (its keys, or the usual 1/0, yes/no): another value is the client's error, not
    "false" (ANONYMOUS: a value misread as "false" would file the sender's name and phone)."""
    text = str(value or "").strip().lower()
    if text not in ("", "0", "false", "no", "1", "true", "yes"):
        raise Open311Error(400, f"{name} must be one of the values listed in the service definition: true, false.")
    return _truthy(text)


# --------------------------------------------------------------------------- views

@open311_view(("GET",))
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    base = request.build_absolute_uri(reverse("open311:discovery", args=["json"])).rsplit("/", 1)[0]
    data = {
        "changeset": CHANGESET,
        "contact": gettext("Trung tâm Phục vụ hành chính công / UBND xã, phường. Coso — phản ánh, kiến nghị."),
        "key_service": gettext("Quản trị hệ thống tỉnh cấp api_key (mã tích hợp) cho từng ứng dụng; liên hệ quản trị tỉnh."),
        "endpoints": [{"specification": SPEC_URL, "url": base, "changeset": CHANGESET, "type": "production",
                       "formats": ["text/xml", "application/json"]}],
    }
    return render(data, fmt, root="discovery")


@open311_view(("GET",))
def services(request: HttpRequest, fmt: str) -> HttpResponse:
    check_jurisdiction(request.GET)
    return render([service_dict(c) for c in FeedbackCategory.objects.filter(is_active=True)], fmt, root="services")


@open311_view(("GET",))
def service_detail(request: HttpRequest, fmt: str, code: str) -> HttpResponse:
    check_jurisdiction(request.GET)
    cat = FeedbackCategory.objects.filter(code=code, is_active=True).first()
    if cat is None:
        raise Open311Error(404, f"service_code '{code}' not found.")
    return render(service_definition(cat), fmt, root="service_definition")


@open311_view(("GET", "POST"))
def requests_view(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _create(request, fmt)
    return _query(request, fmt)


SINGLE_VALUE_ATTRIBUTES = ("COMMUNE", "VILLAGE", "TITLE", "ANONYMOUS")  # every attribute of ``service_definition``


def _attributes(post: Any) -> dict[str, Any]:
    attrs: dict[str, Any] = {}
    for key in post:
        m = re.fullmatch(r"attribute\[([^\]]+)\](\[\])?", key)
        if m:
            values = post.getlist(key)
            attrs[m.group(1).upper()] = values if m.group(2) else (values[-1] if values else "")
    for code in SINGLE_VALUE_ATTRIBUTES:  # the multivaluelist form of one of them is the client's error, not a value to store
        if isinstance(attrs.get(code), list):
            raise Open311Error(400, f"attribute[{code}] takes a single value, not a list.")
    return attrs


def _limit(field: str) -> int:
    return getattr(Feedback._meta.get_field(field), "max_length", None) or 0


def _fits(value: str, field: str, name: str) -> str:
    """A value longer than its column is refused, never cut: measured as the service stores it (NFC, spaces folded)."""
    limit = _limit(field)
    if len(nfc(value)) > limit:
        raise Open311Error(400, f"{name} must be at most {limit} characters.")
    return value


def _email(value: str) -> str:
    if not value:
        return value
    _fits(value, "contact_email", "email")
    try:
        validate_email(value)
    except ValidationError:
        raise Open311Error(400, "email must be a valid email address, e.g. name@example.vn.")
    return value


def _media_url(value: str) -> str:
    if not value:
        return value
    _fits(value, "media_url", "media_url")
    try:
        URLValidator(schemes=["http", "https"])(value)
    except ValidationError:
        raise Open311Error(400, "media_url must be an http(s) URL, e.g. https://example.vn/photo.jpg.")
    return value


def _create(request: HttpRequest, fmt: str) -> HttpResponse:
    post = request.POST
    user = _api_user(post.get("api_key") or request.GET.get("api_key"))
    if user is None:
        raise Open311Error(403, "Invalid api_key received -- can't proceed with create_request.")
    check_jurisdiction(post)
    code = (post.get("service_code") or "").strip()
    if not code:
        raise Open311Error(400, "service_code is required.")
    cat = FeedbackCategory.objects.filter(code=code, is_active=True).first()
    if cat is None:
        raise Open311Error(404, f"service_code '{code}' not found.")
    lat = (post.get("lat") or "").strip()
    long = (post.get("long") or post.get("lon") or "").strip()
    address = _fits((post.get("address_string") or "").strip(), "address", "address_string")
    address_id = (post.get("address_id") or "").strip()
    if not ((lat and long) or address or address_id):
        raise Open311Error(400, "A location is required: lat and long, address_string or address_id.")
    attrs = _attributes(post)
    from coso.units.selectors import villages_in_force

    # address_id names the commune only when it is a commune code the service definition lists; any other id is the location.
    address_is_commune = address_id.isdigit() and _communes().filter(code=address_id).exists()
    commune_code = str(attrs.get("COMMUNE") or "").strip() or (address_id if address_is_commune else "") or user.commune_code
    # Only a value the service definition lists (a commune of this jurisdiction): another province's commune has nobody here.
    commune = _communes().filter(code=commune_code).first() if commune_code else None
    if commune is None and commune_code:
        raise Open311Error(400, f"attribute[COMMUNE] '{commune_code}' is not a commune listed in the service definition.")
    if commune is None:
        raise Open311Error(400, "attribute[COMMUNE] is required (a commune code listed in the service definition).")
    if user.is_staff_role and not can_see_unit(user, province_code=commune.province_code, commune_code=commune.code):
        raise Open311Error(403, "This api_key may not file requests for that commune.")
    village = None
    if attrs.get("VILLAGE"):
        from coso.core.text import fold

        village = villages_in_force(commune_code=commune.code).filter(name_folded=fold(str(attrs["VILLAGE"]))).first()
        if village is None:
            address = _fits(", ".join(p for p in [address, str(attrs["VILLAGE"])] if p), "address", "address_string with attribute[VILLAGE]")
    name = " ".join(p for p in [(post.get("first_name") or "").strip(), (post.get("last_name") or "").strip()] if p)
    _fits(name, "contact_name", "first_name with last_name")
    email, phone = _email((post.get("email") or "").strip()), (post.get("phone") or "").strip()
    title = _fits(str(attrs.get("TITLE") or ""), "title", "attribute[TITLE]")
    media_url = _media_url((post.get("media_url") or "").strip())
    if not address and address_id and not (address_is_commune and address_id == commune.code):  # another id is kept as the address
        address = _fits(f"address_id {address_id}", "address", "address_id")
    # A citizen's own key files under the account (as the JSON submit does for a signed-in citizen): contact taken from the
    # account, so the citizen is told of the answer; another key (an organisation's, an app's) with no contact files anonymously.
    own_account = user.role == Role.CITIZEN
    anonymous = _yes_no(attrs.get("ANONYMOUS"), "attribute[ANONYMOUS]") or not (email or phone or own_account)
    description = (post.get("description") or "").strip()
    if not description:
        raise Open311Error(400, "description is required.")
    if re.search(r"<[a-zA-Z/!]", description):
        raise Open311Error(400, "description must be plain text (no HTML).")
    try:
        fb = feedback_submit(
            actor=user, category=cat, commune=commune, village=village, text=description, title=title,
            lat=lat or None, long=long or None, address=address,
            anonymous=anonymous, contact_name="" if anonymous else name, contact_phone="" if anonymous else phone,
            contact_email="" if anonymous else email, confirm_unaccented=True, channel=Feedback.Channel.OPEN311,
            media_url=media_url,
        )
    except ApplicationError as exc:
        raise Open311Error(400, exc.message)
    data = [{"service_request_id": str(fb.pk), "service_notice": gettext("Đã tiếp nhận, mã %(code)s. Hạn xử lý %(date)s.") % {
                 "code": fb.code, "date": f"{fb.answer_due:%d/%m/%Y}"},
             "account_id": None}]
    return render(data, fmt, root="service_requests")


def _base_qs() -> QuerySet:
    return Feedback.objects.select_related("category", "village").prefetch_related(
        "attachments", "events"
    ).defer("flag_words")


def _communes_map(items: list[Any]) -> dict[str, str]:
    from coso.units.models import AdministrativeUnit

    codes = {f.commune_code for f in items}
    return dict(AdministrativeUnit.objects.filter(code__in=codes).values_list("code", "name"))


@functools.cache
def _list_template(*, public: bool = False) -> QuerySet:
    """What a list answer reads (``_ListRow.FIELDS``) with each item's first photo (a subquery, no prefetch), built
    once per process: a request filters, orders and slices a copy of it. Building the annotation and the 29 columns
    again for every request cost about as much as running the query itself."""
    from django.db.models import OuterRef, Subquery

    from coso.units.models import AdministrativeUnit

    first_photo = FeedbackAttachment.objects.filter(feedback=OuterRef("pk"), is_image=True, hidden=False).order_by("id").values("id")[:1]
    commune_name = AdministrativeUnit.objects.filter(code=OuterRef("commune_code")).values("name")[:1]
    qs = Feedback.objects.annotate(first_photo_id=Subquery(first_photo), commune_name=Subquery(commune_name)).values(*_ListRow.FIELDS)
    return qs.filter(_visible(None)) if public else qs  # public: what anyone may read (no api_key)


def _query(request: HttpRequest, fmt: str) -> HttpResponse:
    params = request.GET
    check_jurisdiction(params)
    user = _api_user(params.get("api_key"))
    extensions = _truthy(params.get("extensions"))
    foreign = other_holders_of(user)
    qs: QuerySet[Any, Any]
    if extensions:
        qs = Feedback.objects.filter(_visible(user, foreign))
    else:
        qs = _list_template(public=True) if user is None else _list_template().filter(_visible(user, foreign))
    ids = [i.strip() for i in (params.get("service_request_id") or "").split(",") if i.strip()]
    if ids:
        qs = qs.filter(pk__in=[int(i) for i in ids if re.fullmatch(r"[0-9]{1,19}", i) and int(i) <= MAX_ID])  # others match nothing
    else:
        codes = [c.strip() for c in (params.get("service_code") or "").split(",") if c.strip()]
        if codes:
            qs = qs.filter(category__code__in=codes)
        start_raw, end_raw = (params.get("start_date") or "").strip(), (params.get("end_date") or "").strip()
        end = _parse_w3c(end_raw, "end_date") if end_raw else None
        start = _parse_w3c(start_raw, "start_date") if start_raw else None
        if start and end and end < start:
            raise Open311Error(400, "end_date must not be before start_date.")
        if start and end and end - start > dt.timedelta(days=MAX_RANGE_DAYS):
            raise Open311Error(400, f"The date range may not exceed {MAX_RANGE_DAYS} days.")
        if not start and not end:
            start = timezone.now() - dt.timedelta(days=MAX_RANGE_DAYS)
        elif start and not end:
            end = _shift(start, MAX_RANGE_DAYS, "start_date")
        elif end and not start:
            start = _shift(end, -MAX_RANGE_DAYS, "end_date")
        qs = qs.filter(submitted_at__gte=start)
        if end:
            qs = qs.filter(submitted_at__lte=end)
        statuses = {s.strip().lower() for s in (params.get("status") or "").split(",") if s.strip()}
        if statuses - {"open", "closed"}:
            raise Open311Error(400, "status must be open, closed or both.")
        if statuses == {"open"}:
            qs = qs.exclude(status__in=CLOSED_STATUSES)
        elif statuses == {"closed"}:
            qs = qs.filter(status__in=CLOSED_STATUSES)
    page_size = _int_param(params, "page_size", DEFAULT_LIMIT, 1, DEFAULT_LIMIT)
    page = _int_param(params, "page", 1, 1, 1_000_000)
    offset = (page - 1) * page_size
    qs = qs.order_by("-submitted_at", "-id")
    items: list[Any]
    if not extensions:
        villages: dict[tuple[str, str], str] = {}
        items = [_ListRow(r, villages) for r in qs[offset:offset + page_size]]  # type: ignore[arg-type]  # values() rows are dicts
    else:
        items = list(qs.select_related("category", "village").prefetch_related("attachments", "events")[offset:offset + page_size])
    communes = {f.commune_code: f.commune_name for f in items if f.commune_name} if not extensions else _communes_map(items)
    page_ctx = _Page()
    data = [request_dict(f, request, communes, extensions=extensions, full=_full_view(f, user, foreign), page=page_ctx) for f in items]
    return render(data, fmt, root="service_requests")


@open311_view(("GET",))
def request_detail(request: HttpRequest, fmt: str, request_id: str) -> HttpResponse:
    check_jurisdiction(request.GET)
    user = _api_user(request.GET.get("api_key"))
    # an id of more than 19 digits (or past MAX_ID) is no request's, as in the list: never converted nor sent to the database
    is_id = re.fullmatch(r"[0-9]{1,19}", request_id) is not None and int(request_id) <= MAX_ID
    lookup = Q(pk=int(request_id)) if is_id else Q(pk__in=[]) if request_id.isdigit() else Q(code=request_id)
    foreign = other_holders_of(user)
    fb = Feedback.objects.filter(_visible(user, foreign)).filter(lookup).select_related("category", "village").prefetch_related("attachments", "events").first()
    if fb is None:
        raise Open311Error(404, f"service_request_id '{request_id}' not found.")
    data = [request_dict(fb, request, _communes_map([fb]), extensions=_truthy(request.GET.get("extensions")), full=_full_view(fb, user, foreign))]
    return render(data, fmt, root="service_requests")


@open311_view(("GET",))
def token_detail(request: HttpRequest, fmt: str, token: str) -> HttpResponse:
    """All our services are realtime: no token is ever issued."""
    raise Open311Error(404, f"token '{token}' not found (all services are realtime).")

