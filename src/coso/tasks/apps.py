from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TasksConfig(AppConfig):
    name = "coso.tasks"
    label = "tasks"
    verbose_name = _("Văn bản chỉ đạo và nhiệm vụ")

    def ready(self) -> None:
        from django.apps import apps

        if apps.is_installed("coso.indices"):
            from coso.tasks.strength import register

            register()
