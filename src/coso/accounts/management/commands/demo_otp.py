"""Print the current two-factor code of a demo administrator (development only).

Demo administrators sign in with a second factor like real ones; this saves reviewers from installing
an authenticator app. It only works with DEBUG on and only for a device whose key is the demo key
derived from COSO_DEMO_PASSWORD, so it can never print the code of a real account.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from coso.accounts.demo import DEMO_OTP_USERS, demo_totp_key


class Command(BaseCommand):
    help = "Print the current TOTP code of a demo administrator (DEBUG only)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username", choices=DEMO_OTP_USERS)

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("demo_otp chỉ dùng khi phát triển (DEBUG=1).")
        username = options["username"]
        key = demo_totp_key(username)
        device = TOTPDevice.objects.filter(user__username=username, confirmed=True, key=key).first()
        if device is None:
            raise CommandError(f"{username} không có thiết bị xác thực của bản demo.")
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        totp.time = time.time()
        left = device.step - int(time.time() - device.t0) % device.step
        self.stdout.write(f"{totp.token():0{device.digits}d}")
        self.stderr.write(f"(còn {left} giây; mỗi mã dùng một lần)")
