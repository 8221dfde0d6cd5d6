from django.apps import AppConfig


class IndicesConfig(AppConfig):
    name = "coso.indices"
    verbose_name = "Chỉ số"

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        from coso.indices import signals

        signals.connect()
        # Inputs of the commune-strength index from other apps (``<app>/indices_inputs.py``).
        autodiscover_modules("indices_inputs")
