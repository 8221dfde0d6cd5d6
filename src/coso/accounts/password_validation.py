"""Password validators of AUTH_PASSWORD_VALIDATORS whose refusal Django does not say in Vietnamese."""

from __future__ import annotations

from django.contrib.auth import password_validation
from django.utils.translation import gettext as _


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's minimum length, with its refusal in the reader's language: Django 5.2 reworded that message and its
    Vietnamese catalogue does not have the new wording, so sign-up, the one-time link and the password change said it
    in English. The other validators' messages are translated by Django."""

    def get_error_message(self) -> str:
        return _("Mật khẩu quá ngắn: cần ít nhất %(n)s ký tự.") % {"n": self.min_length}
