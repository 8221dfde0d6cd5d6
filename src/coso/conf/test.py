"""Test settings: the base settings plus fast hashing. The database still comes from DATABASE_URL."""

import os
from typing import Any

os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz-0123")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("SESSION_COOKIE_SECURE", "0")
os.environ.setdefault("CSRF_COOKIE_SECURE", "0")
os.environ.setdefault("WHITENOISE_USE_FINDERS", "1")
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
os.environ.setdefault("HUEY_IMMEDIATE", "1")

from coso.conf.base import *  # noqa: E402,F403
from coso.conf.base import VAR_DIR  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "test-media"
COSO_SMS_BACKEND = "coso.core.notify.MemoryBackend"
COSO_ZALO_BACKEND = "coso.core.notify.MemoryBackend"

# Test databases are thrown away: let teardown flush the append-only audit table.
COSO_AUDIT_PURGE_ALLOWED = True
from coso.core.apps import AUDIT_LOCK  # noqa: E402

AUDIT_LOCK["locked"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c coso.audit_purge=on"  # noqa: F405

# Jobs run inside the test process (huey's immediate mode, in-memory queue).
HUEY = {**HUEY, "immediate": True}  # noqa: F405

# A second database standing in for the read replica. It is created only for the tests that ask
# for it (databases=["default", "replica"]); routing to it is off unless a test turns it on
# (COSO_READ_REPLICA), so every other test reads and writes the primary only.
if "replica" not in DATABASES:  # noqa: F405
    _primary = DATABASES["default"]  # noqa: F405
    _replica: Any = {k: v for k, v in _primary.items() if k != "TEST"}
    # Tables straight from the models (a real replica is a copy, never migrated): data migrations
    # that read through the default connection would otherwise run against the primary.
    _replica["TEST"] = {"MIGRATE": False}
    if _primary["ENGINE"] == "django.db.backends.postgresql":
        _replica["TEST"]["NAME"] = (_primary.get("TEST", {}).get("NAME") or f"test_{_primary['NAME']}") + "_replica"
    else:
        _replica["NAME"] = str(VAR_DIR / "replica.sqlite3")  # never opened by tests: the test copy lives in memory
    DATABASES["replica"] = _replica  # noqa: F405
