from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "coso.accounts"
    label = "accounts"
    verbose_name = "Tài khoản"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        user_logged_in.connect(_audit_login, dispatch_uid="coso_audit_login")
        user_logged_in.connect(_remember_sign_in, dispatch_uid="coso_remember_sign_in")

        from django.core.signals import request_finished, request_started

        from coso.accounts.sessions import clear_loaded_account

        # The account read with a request's session serves that request only.
        request_started.connect(clear_loaded_account, dispatch_uid="coso_session_account_start")
        request_finished.connect(clear_loaded_account, dispatch_uid="coso_session_account_end")


def _audit_login(sender, request, user, **kwargs):  # type: ignore[no-untyped-def]
    from coso.core.audit import audit_log
    from coso.core.models import AuditLog
    from coso.core.security import audit_ip

    audit_log(actor=user, action=AuditLog.Action.LOGIN, obj=user, object_repr=user.username, ip=audit_ip(request), verb="login")


def _remember_sign_in(sender, request, user, **kwargs):  # type: ignore[no-untyped-def]
    from coso.accounts.sessions import remember_sign_in

    remember_sign_in(request)
