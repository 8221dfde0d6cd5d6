from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from coso.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("i18n/setlang/", set_language, name="set_language"),
    path("accounts/", include("coso.accounts.urls")),
    path("units/", include("coso.units.urls")),
    path("calendar/", include("coso.workcalendar.urls")),
    path("quy-dinh/", include("coso.rules.urls")),
    path("procedures/", include("coso.procedures.urls")),
    path("dossiers/", include("coso.dossiers.urls")),
    path("workforce/", include("coso.workforce.urls")),
    path("funding/", include("coso.funding.urls")),
    path("feedback/", include("coso.feedback.urls")),
    path("quy-hoach/", include("coso.planning.urls")),
    path("bo-tri/", include("coso.assignments.urls")),
    path("open311/", include("coso.feedback.open311_urls")),
    path("jobs/", include("coso.jobs.urls")),
    path("chi-so/", include("coso.indices.urls")),
    path("nhiem-vu/", include("coso.tasks.urls")),
    path("", include("coso.core.urls")),
]

handler404 = "coso.core.views.page_not_found"
handler500 = "coso.core.views.server_error"
handler403 = "coso.core.views.permission_denied"
handler400 = "coso.core.views.bad_request"

if settings.DEBUG:
    pass

# Browsers ask for /favicon.ico whatever the page says; answer with the static icon.
from django.templatetags.static import static as _static  # noqa: E402
from django.views.generic.base import RedirectView  # noqa: E402

urlpatterns.insert(0, path("favicon.ico", RedirectView.as_view(url=_static("favicon.svg"), permanent=True)))
