from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RulesConfig(AppConfig):
    name = "coso.rules"
    label = "rules"
    verbose_name = _("Căn cứ pháp lý")

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        import coso.rules.lookup  # noqa: F401 -- connects the per-request stamp check

        autodiscover_modules("rule_keys")
