"""Open311 GeoReport v2 at /open311/v2/ (discovery also at /open311/discovery.{fmt})."""

from django.urls import re_path

from coso.feedback import open311

app_name = "open311"
FMT = r"\.(?P<fmt>json|xml)$"

urlpatterns = [
    re_path(r"^discovery" + FMT, open311.discovery, name="root_discovery"),
    re_path(r"^v2/discovery" + FMT, open311.discovery, name="discovery"),
    re_path(r"^v2/services" + FMT, open311.services, name="services"),
    re_path(r"^v2/services/(?P<code>[A-Za-z0-9_.-]+)" + FMT, open311.service_detail, name="service"),
    re_path(r"^v2/requests" + FMT, open311.requests_view, name="requests"),
    re_path(r"^v2/requests/(?P<request_id>[A-Za-z0-9_-]+)" + FMT, open311.request_detail, name="request"),
    re_path(r"^v2/tokens/(?P<token>[A-Za-z0-9_-]+)" + FMT, open311.token_detail, name="token"),
]
