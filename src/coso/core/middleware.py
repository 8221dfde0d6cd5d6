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


class RejectNullCharactersMiddleware:
    """Refuse NUL characters in the URL, the query string and JSON bodies with a 400.

    PostgreSQL cannot store them (the driver raises, which would be a 500), and no
    legitimate input contains them. Form fields are already covered by Django's
    ProhibitNullCharactersValidator; uploaded files are not inspected.
    """

    def __init__(self, get_response):  # type: ignore[no-untyped-def]
        self.get_response = get_response

    def __call__(self, request):  # type: ignore[no-untyped-def]
        if self._has_nul(request):
            from coso.core.views import bad_request

            return bad_request(request)
        return self.get_response(request)

    @staticmethod
    def _has_nul(request) -> bool:  # type: ignore[no-untyped-def]
        from urllib.parse import unquote

        if "\x00" in request.path or "\x00" in unquote(request.META.get("QUERY_STRING", "")):
            return True
        if request.content_type == "application/json" and request.method in ("POST", "PUT", "PATCH", "DELETE"):
            try:
                body = request.body
            except Exception:  # noqa: BLE001 - too large etc.: let the normal handling answer
                return False
            return b"\x00" in body or b"\\u0000" in body
        return False


class VietnameseFirstLocaleMiddleware(LocaleMiddleware):
    """The UI is Vietnamese unless the user chose another language (language cookie set by
    /i18n/setlang/). The browser's Accept-Language is ignored on purpose: commune PCs often run
    an English Windows, and the working language of the administration is Vietnamese."""

    def process_request(self, request):  # type: ignore[no-untyped-def]
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
