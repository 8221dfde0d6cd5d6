"""Typing helpers shared by the apps.

``AuthedHttpRequest`` is the django-stubs pattern for views and API handlers that only run
for a logged-in user (``@login_required`` / authenticated ninja routers): ``request.user`` is
then a ``User``, never ``AnonymousUser``. It is used in annotations only and changes nothing
at run time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from coso.accounts.models import User


class AuthedHttpRequest(HttpRequest):
    user: User  # type: ignore[assignment]
