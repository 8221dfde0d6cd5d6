"""Notification channels behind one interface: e-mail (Django), SMS and Zalo adapters.

Default adapters write messages to ``var/outbox/<channel>.log`` (or memory in tests);
a real SMS/Zalo gateway is a class with ``send(to, text)`` named in settings.
"""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


@dataclass
class Message:
    channel: str
    to: str
    text: str
    subject: str = ""


class FileBackend:
    def __init__(self, channel: str):
        self.channel = channel

    def send(self, to: str, text: str) -> None:
        outbox = settings.VAR_DIR / "outbox"
        outbox.mkdir(parents=True, exist_ok=True)
        with (outbox / f"{self.channel}.log").open("a", encoding="utf-8") as fh:
            fh.write(json.dumps({"at": timezone.now().isoformat(), "to": to, "text": text}, ensure_ascii=False) + "\n")


class MemoryBackend:
    outbox: list[Message] = []
    _lock = threading.Lock()

    def __init__(self, channel: str):
        self.channel = channel

    def send(self, to: str, text: str) -> None:
        with self._lock:
            MemoryBackend.outbox.append(Message(self.channel, to, text))


def _backend(channel: str) -> Any:
    path = settings.COSO_SMS_BACKEND if channel == "sms" else settings.COSO_ZALO_BACKEND
    return import_string(path)(channel)


def notify(*, text: str, subject: str = "", email: str = "", phone: str = "", zalo: str = "") -> list[str]:
    """Send ``text`` on every channel the recipient has. Returns the channels used.

    A failing channel never breaks the business action that triggered it.
    """
    used = []
    if email:
        try:
            send_mail(subject or text[:80], text, settings.DEFAULT_FROM_EMAIL, [email], fail_silently=False)
            used.append("email")
        except Exception:  # noqa: BLE001 - a channel failure must not undo the action
            logger.warning("e-mail notification failed", exc_info=True)
    for channel, to in (("sms", phone), ("zalo", zalo)):
        if to:
            try:
                _backend(channel).send(to, text)
                used.append(channel)
            except Exception:  # noqa: BLE001
                logger.warning("%s notification failed", channel, exc_info=True)
    return used
