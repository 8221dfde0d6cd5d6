from django.apps import AppConfig


class IndicesConfig(AppConfig):
    name = "coso.indices"
    verbose_name = "Chỉ số"

    def ready(self) -> None:
        from coso.indices import signals

        signals.connect()
