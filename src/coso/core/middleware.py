import re

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import add_never_cache_headers


class NoStoreForAuthenticatedMiddleware:
    """Pages shown to a logged-in user are never cached by the browser or a proxy."""

    def __init__(self, get_response):  # type: ignore[no-untyped-def]
        self.get_response = get_response

    def __call__(self, request):  # type: ignore[no-untyped-def]
        response = self.get_response(request)
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            add_never_cache_headers(response)
        return response


class ApplicationErrorPageMiddleware:
    """An ``ApplicationError`` that a page's view lets escape is shown as what it is: its message on the error page
    with its status (a date before a rule applies: 400; another unit's record: the 404 page), never the 500 page.
    Views that show the error inside their own form still catch it themselves; the JSON API answers it in its own
    shape before it gets here (django-ninja's handler), and Open311 in its error list."""

    def __init__(self, get_response):  # type: ignore[no-untyped-def]
        self.get_response = get_response

    def __call__(self, request):  # type: ignore[no-untyped-def]
        return self.get_response(request)

    def process_exception(self, request, exception):  # type: ignore[no-untyped-def]
        from coso.core.exceptions import ApplicationError

        if not isinstance(exception, ApplicationError):
            return None
        from coso.core.views import application_error

        return application_error(request, exception)


# Half of a UTF-16 pair escaped in JSON (a high one not followed by a low one, or a low one alone): json.loads makes it a
# string no text column can hold (the driver cannot encode it, a 500); a whole pair (an emoji) is fine.
LONE_SURROGATE = re.compile(rb"\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F][0-9a-fA-F]{2})"
                            rb"|(?<!\\u[dD][89abAB][0-9a-fA-F]{2})\\u[dD][c-fC-F][0-9a-fA-F]{2}")


class RejectNullCharactersMiddleware:
    """Refuse unreadable request bodies and NUL characters with a 400, before any view runs.

    - NUL characters in the URL, the query string, JSON bodies and form fields (urlencoded and
      multipart, file contents excepted): PostgreSQL cannot store them (the driver raises, which
      would be a 500), and no legitimate input contains them. Likewise half of a UTF-16 pair escaped
      in a JSON body (``LONE_SURROGATE``), which no driver can encode.
    - A multipart body the parser cannot read (e.g. ``Content-Type: multipart/form-data`` without a
      boundary): Django refuses it only when a view first reads the form, and the JSON API turned
      that into a 500.

    The answer has the shape of the part of the site asked: the API's JSON error, Open311's error
    list, or the 400 page.
    """

    FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")

    def __init__(self, get_response):  # type: ignore[no-untyped-def]
        self.get_response = get_response

    def __call__(self, request):  # type: ignore[no-untyped-def]
        refused = self._refuse(request)
        if refused is not None:
            from coso.core.views import bad_request

            return bad_request(request, field=refused)
        return self.get_response(request)

    @classmethod
    def _refuse(cls, request) -> str | None:  # type: ignore[no-untyped-def]
        """None when the request may go on; else the name of the field that holds the bad character (a query
        parameter, a form field, a JSON member as ``a.b.0``), or "" when no field can be named (the path, a key, an
        unreadable body)."""
        from urllib.parse import parse_qsl, unquote

        if "\x00" in request.path:
            return ""
        query = request.META.get("QUERY_STRING", "")
        if "\x00" in unquote(query):
            return _named(((k, v) for k, v in parse_qsl(query, keep_blank_values=True)), "\x00")
        if request.method not in ("POST", "PUT", "PATCH", "DELETE"):
            return None
        if request.content_type == "application/json":
            try:
                body = request.body
            except Exception:  # noqa: BLE001 - too large etc.: let the normal handling answer
                return None
            if b"\x00" in body or b"\\u0000" in body or LONE_SURROGATE.search(body) is not None:
                return _json_field(body)
            return None
        if request.content_type in cls.FORM_TYPES:
            from django.http.multipartparser import MultiPartParserError

            try:
                form = request.POST if request.method == "POST" else None
                files = request.FILES if request.method == "POST" else None
            except MultiPartParserError:
                return ""
            except Exception:  # noqa: BLE001 - too large etc.: let the normal handling answer
                return None
            if form is not None:
                if any("\x00" in key or any("\x00" in v for v in values) for key, values in form.lists()):
                    return _named(((k, v) for k, values in form.lists() for v in values), "\x00")
                if files is not None and any("\x00" in key or any("\x00" in (f.name or "") for f in fs) for key, fs in files.lists()):
                    return _named(((k, f.name or "") for k, fs in files.lists() for f in fs), "\x00")
        return None


def _bad_text(text: str) -> bool:
    """A NUL character or half of a UTF-16 pair (which JSON can escape and no text column can hold)."""
    return "\x00" in text or any("\ud800" <= ch <= "\udfff" for ch in text)


def _named(pairs, bad: str) -> str:  # type: ignore[no-untyped-def]
    """The name of the first field whose value holds ``bad``; "" when only a name (a key) holds it."""
    for key, value in pairs:
        if bad in key:
            return ""
        if bad in value:
            return key
    return ""


def _json_field(body: bytes) -> str:
    """The path (``reason``, ``documents.1``, ``files.0.filename``) of the first member of a JSON body whose text holds
    a NUL or half of a UTF-16 pair, as the API names a field in a validation error; "" when it cannot be told (a
    malformed body, the bad character in a key)."""
    import json

    try:
        data = json.loads(body, strict=False)  # strict=False: a raw NUL byte inside a string is read, to be named
    except (ValueError, RecursionError):
        return ""
    stack: list[tuple[tuple[str, ...], object]] = [((), data)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, str):
            if _bad_text(node):
                return ".".join(path)
        elif isinstance(node, dict):
            if any(_bad_text(k) for k in node):
                return ""
            stack.extend(reversed([((*path, k), v) for k, v in node.items()]))
        elif isinstance(node, list):
            stack.extend(reversed([((*path, str(i)), v) for i, v in enumerate(node)]))
    return ""


# Paths whose clients are programs: they state their language with Accept-Language (no cookie to set).
MACHINE_PATH_PREFIXES = ("/api/", "/open311/")


class VietnameseFirstLocaleMiddleware(LocaleMiddleware):
    """The UI is Vietnamese unless the user chose another language (language cookie set by
    /i18n/setlang/). The browser's Accept-Language is ignored on purpose for pages: commune PCs often run
    an English Windows, and the working language of the administration is Vietnamese. A program calling the
    JSON API or Open311 without the cookie gets the language its Accept-Language header asks for (Vietnamese
    when it sends none or one Coso does not speak); the cookie, when set, wins."""

    def process_request(self, request):  # type: ignore[no-untyped-def]
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        if chosen in dict(settings.LANGUAGES):
            language = chosen
        elif request.path_info.startswith(MACHINE_PATH_PREFIXES) and request.META.get("HTTP_ACCEPT_LANGUAGE"):
            language = translation.get_language_from_request(request)
        else:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
