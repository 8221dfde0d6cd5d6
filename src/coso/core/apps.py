from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "coso.core"
    label = "core"
    verbose_name = "Coso core"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        connection_created.connect(_register_sqlite_functions)


AUDIT_LOCK = {"locked": True}


def _register_sqlite_functions(sender, connection, **kwargs):  # type: ignore[no-untyped-def]
    if connection.vendor != "sqlite":
        return
    from django.conf import settings

    def locked() -> int:
        if getattr(settings, "COSO_AUDIT_PURGE_ALLOWED", False) and not AUDIT_LOCK["locked"]:
            return 0
        return 1

    connection.connection.create_function("coso_audit_locked", 0, locked)
