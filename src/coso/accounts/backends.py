"""Login with lockout after repeated failures."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.db.models import F
from django.utils import timezone

from coso.accounts.models import User


class LockoutModelBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):  # type: ignore[no-untyped-def]
        if username is None or password is None:
            return None
        user = User.objects.filter(username=username).first()
        now = timezone.now()
        if user is not None and user.locked_until and user.locked_until > now:
            if request is not None:
                request.coso_locked = True
            return None
        result = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            return result
        if result is None:
            # Count in the database (F expression) so that parallel attempts cannot under-count.
            User.objects.filter(pk=user.pk).update(failed_logins=F("failed_logins") + 1)
            failures = User.objects.filter(pk=user.pk).values_list("failed_logins", flat=True).first() or 0
            if failures >= settings.LOGIN_MAX_FAILURES:
                locked_until = now + dt.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
                User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=locked_until)
            return None
        if user.failed_logins or user.locked_until:
            User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None)
        return result
