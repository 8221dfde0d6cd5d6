from django.apps import AppConfig


class UnitsConfig(AppConfig):
    name = "coso.units"
    label = "units"
    verbose_name = "Đơn vị hành chính"

    def ready(self) -> None:
        # Movers of a reorganisation: this app's villages, and every app's ``reorg.py`` (see coso.units.reorg).
        from coso.units import reorg
        from coso.units.services import register_units_movers

        register_units_movers()
        reorg.autodiscover()
