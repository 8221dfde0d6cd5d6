from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "coso.jobs"
    label = "jobs"
    verbose_name = _("Tác vụ nền")

    def ready(self) -> None:
        from coso.jobs import registry

        registry.autodiscover()
