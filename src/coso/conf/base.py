"""Settings for every environment. Environments differ only by environment variables."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.utils.translation import gettext_lazy as _

import dj_database_url

from coso.conf.env import config

SRC_DIR = Path(__file__).resolve().parent.parent  # src/coso
BASE_DIR = SRC_DIR.parent.parent  # repository root
VAR_DIR = Path(config("COSO_VAR_DIR", str(BASE_DIR / "var"), help_text="Folder for the SQLite database, uploads and generated files."))

DEBUG = config("DEBUG", False, help_text="Development mode. Never true in production.")
SECRET_KEY = config(
    "SECRET_KEY",
    "insecure-dev-key-change-me-0123456789abcdefghijklmnopqrstuvwxyz" if DEBUG else "",
    help_text="Django secret key. Required in production (50+ random characters).",
    required_in_production=True,
)
if not SECRET_KEY:
    raise RuntimeError("SECRET_KEY must be set when DEBUG is off (see README, Configuration).")
ALLOWED_HOSTS = config(
    "ALLOWED_HOSTS",
    ["127.0.0.1", "localhost"] if DEBUG else [],
    split=True,
    help_text="Comma-separated host names the site answers to. Required in production.",
    required_in_production=True,
)
CSRF_TRUSTED_ORIGINS = config("CSRF_TRUSTED_ORIGINS", [], split=True, help_text="Comma-separated origins (https://host) trusted for CSRF.")

INSTALLED_APPS = [
    "coso.accounts.admin_apps.CosoAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "ninja",  # its templates and static files: the API docs (Swagger UI) are served from the app, no CDN
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "coso.core",
    "coso.accounts",
    "coso.units",
    "coso.rules",
    "coso.workcalendar",
    "coso.procedures",
    "coso.dossiers",
    "coso.workforce",
    "coso.funding",
    "coso.feedback",
    "coso.planning",
    "coso.assignments",
    "coso.jobs",
    "coso.indices",
    "coso.tasks",
    "huey.contrib.djhuey",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "coso.core.middleware.VietnameseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "coso.core.middleware.RejectNullCharactersMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "coso.accounts.middleware.OTPMiddleware",
    "coso.accounts.middleware.OtpRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "coso.core.public_url.PublicUrlMiddleware",
    "coso.core.middleware.NoStoreForAuthenticatedMiddleware",
    "coso.core.dbrouter.ReplicaMiddleware",
    "coso.core.middleware.ApplicationErrorPageMiddleware",
]

ROOT_URLCONF = "coso.urls"
WSGI_APPLICATION = "coso.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [SRC_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "coso.core.context_processors.coso",
                "coso.accounts.context_processors.menu",
            ],
        },
    }
]

# --- Database -------------------------------------------------------------
DATABASE_URL = config(
    "DATABASE_URL",
    f"sqlite:///{VAR_DIR / 'coso.sqlite3'}",
    help_text="Database URL. Default: embedded SQLite in var/. Production: postgres://user:pass@host:5432/coso",
    required_in_production=True,
)
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=config("DB_CONN_MAX_AGE", 60, help_text="Seconds to keep database connections open."))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL keeps readers and one writer apart; IMMEDIATE takes the write lock at BEGIN
        # so that two writers queue (busy timeout) instead of failing half-way.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
    }
_test_db_name = config("TEST_DB_NAME", "", help_text="Name of the throw-away test database on PostgreSQL (tests only).")
if _test_db_name:
    DATABASES["default"]["TEST"] = {"NAME": _test_db_name}
DATABASE_REPLICA_URL = config(
    "DATABASE_REPLICA_URL",
    "",
    help_text="Read replica (PostgreSQL streaming replica). When set, read-heavy pages (dashboards, statistics, public lists, Open311 GET) read from it; writes and the reads after a write go to the primary.",
)
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(DATABASE_REPLICA_URL, conn_max_age=DATABASES["default"]["CONN_MAX_AGE"])
for _db in DATABASES.values():
    if _db["ENGINE"] == "django.db.backends.postgresql":
        # No JIT compilation for the application's queries: they are short (a page, a capped
        # count), but over tables of a million rows their estimated cost passes jit_above_cost,
        # and compiling then takes longer than running them (e.g. a search count).
        _options = _db.setdefault("OPTIONS", {})
        _options["options"] = f"{_options.get('options', '')} -c jit=off".strip()
# Routing reads to the replica is switched on by the presence of the replica (tests switch it per test).
COSO_READ_REPLICA = bool(DATABASE_REPLICA_URL)
DATABASE_ROUTERS = ["coso.core.dbrouter.ReplicaRouter"]
# URL names (namespace:name) whose GET/HEAD requests read from the replica.
COSO_REPLICA_VIEWS = [
    "core:home",
    "dossiers:stats",
    "feedback:public_list",
    "workforce:review",
    "funding:allocation",
    "open311:root_discovery",
    "open311:discovery",
    "open311:services",
    "open311:service",
    "open311:requests",
    "open311:request",
]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache (rate limits shared by every web process) ----------------------------
REDIS_URL = config(
    "REDIS_URL", "",
    help_text="Redis URL (redis://host:6379/0) shared by the cache (rate limits) and the job queue. "
    "Default: the cache is a table (coso_cache) in the database, the queue a SQLite file var/huey.sqlite3.",
)
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL, "KEY_PREFIX": "coso"}}
else:
    CACHES = {
        "default": {
            "BACKEND": "coso.core.cache.DatabaseCache",  # Django's database cache with an atomic incr
            "LOCATION": "coso_cache",
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        }
    }

# --- Auth and security ----------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "coso.accounts.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},  # Django's, said in Vietnamese
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = ["coso.accounts.backends.LockoutModelBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:home"
LOGIN_MAX_FAILURES = config(
    "LOGIN_MAX_FAILURES", 5,
    help_text="Failed logins to one account from one client address before that address is locked out of that account.",
)
LOGIN_MAX_FAILURES_PER_ACCOUNT = config(
    "LOGIN_MAX_FAILURES_PER_ACCOUNT", 50,
    help_text="Failed logins to one account from all addresses together before the account is locked (its owner unlocks it by the e-mailed/SMS link).",
)
LOGIN_MAX_FAILURES_PER_SOURCE = config(
    "LOGIN_MAX_FAILURES_PER_SOURCE", 100, help_text="Failed logins from one client address to any accounts before that address is locked out."
)
LOGIN_LOCKOUT_MINUTES = config("LOGIN_LOCKOUT_MINUTES", 15, help_text="Minutes failures are counted and a lock lasts.")
LOOKUP_MAX_FAILURES = config(
    "LOOKUP_MAX_FAILURES", 20, help_text="Failed public dossier look-ups per client address per hour before that address must wait."
)
LOOKUP_MAX_FAILURES_PER_CODE = config(
    "LOOKUP_MAX_FAILURES_PER_CODE", 20,
    help_text="Failed look-ups of one dossier code per hour (all addresses) after which only addresses that have not failed on it may try.",
)
INDICES_PUBLIC_RANGES_PER_HOUR = config(
    "INDICES_PUBLIC_RANGES_PER_HOUR", 60,
    help_text="Distinct date ranges (not months, quarters or years) one client address may ask of the published 766 index per hour, signed out.",
)
# Two-factor sign-in (TOTP, django-otp). Administrators must use it; other staff may.
COSO_OTP_REQUIRED_ROLES = ["province_admin", "system_admin"]
OTP_TOTP_ISSUER = config("OTP_TOTP_ISSUER", "Coso", help_text="Issuer name shown in authenticator apps for two-factor sign-in.")
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
COSO_RECOVERY_CODES = 10
PASSWORD_RESET_TIMEOUT = config("PASSWORD_RESET_TIMEOUT", 3 * 24 * 3600, help_text="Seconds a password (re)set link stays valid (one use only).")
# Citizen self-registration: one-time code by SMS or e-mail, rate-limited through the cache.
COSO_SIGNUP_CODE_MINUTES = 10
COSO_SIGNUP_CODE_ATTEMPTS = 5
COSO_SIGNUP_RESEND_SECONDS = config("COSO_SIGNUP_RESEND_SECONDS", 60, help_text="Seconds before a new verification code may be sent to the same phone/e-mail.")
COSO_SIGNUP_MAX_PER_HOUR = config("COSO_SIGNUP_MAX_PER_HOUR", 5, help_text="Verification codes per phone/e-mail per hour.")
COSO_SIGNUP_MAX_PER_IP_HOUR = config("COSO_SIGNUP_MAX_PER_IP_HOUR", 20, help_text="Verification codes requested from one IP address per hour.")

# Django's database sessions, in a table that also keeps who signed in, when and from which device (the list of a
# person's sessions on their account page).
SESSION_ENGINE = "coso.accounts.sessions"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = config("SESSION_COOKIE_AGE", 8 * 3600, help_text="Session lifetime in seconds (default: one working day).")
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
SESSION_COOKIE_SECURE = config("SESSION_COOKIE_SECURE", not DEBUG, help_text="Send the session cookie only over HTTPS.")
CSRF_COOKIE_SECURE = config("CSRF_COOKIE_SECURE", not DEBUG, help_text="Send the CSRF cookie only over HTTPS.")
SECURE_SSL_REDIRECT = config("SECURE_SSL_REDIRECT", not DEBUG, help_text="Redirect HTTP to HTTPS.")
SECURE_HSTS_SECONDS = config("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000, help_text="HSTS max-age in seconds.")
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
BEHIND_PROXY = config(
    "BEHIND_PROXY", False,
    help_text="Behind a reverse proxy: trust its X-Forwarded-Proto, and take the client's address from the last X-Forwarded-For entry (rate limits).",
)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# --- Internationalisation ---------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [SRC_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
DATETIME_INPUT_FORMATS = ["%d/%m/%Y %H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M"]
FORMAT_MODULE_PATH = ["coso.formats"]

# --- Static and media -------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [SRC_DIR / "static"]
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage" if not DEBUG else "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Attachments and generated files go through Django's storage API (default_storage): the local
# MEDIA_ROOT by default, S3-compatible object storage when S3_BUCKET is set. Either way files are
# served only through access-checked views (coso.core.files.serve_file), never by a public URL.
S3_BUCKET = config("S3_BUCKET", "", help_text="S3-compatible bucket for attachments and generated files. Empty: local folder MEDIA_ROOT.")
S3_ENDPOINT_URL = config("S3_ENDPOINT_URL", "", help_text="Address of the S3-compatible service (MinIO, Ceph, a cloud provider). Empty: AWS.")
S3_REGION = config("S3_REGION", "", help_text="Region of the bucket (e.g. ap-southeast-1); often ignored by S3-compatible services.")
S3_ACCESS_KEY_ID = config("S3_ACCESS_KEY_ID", "", help_text="Access key of the S3 account (empty: the usual AWS credential chain).")
S3_SECRET_ACCESS_KEY = config("S3_SECRET_ACCESS_KEY", "", help_text="Secret key of the S3 account.")
S3_PREFIX = config("S3_PREFIX", "", help_text="Key prefix inside the bucket (e.g. coso/), to share a bucket.")
S3_ADDRESSING_STYLE = config("S3_ADDRESSING_STYLE", "path", help_text="path (MinIO and most S3-compatible services) or virtual.")
if S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": S3_ENDPOINT_URL or None,
            "region_name": S3_REGION or None,
            "access_key": S3_ACCESS_KEY_ID,
            "secret_key": S3_SECRET_ACCESS_KEY,
            "location": S3_PREFIX.strip("/"),
            "addressing_style": S3_ADDRESSING_STYLE,
            "default_acl": None,  # private objects: Coso streams them after its own access check
            "querystring_auth": True,
            "querystring_expire": 300,
            "file_overwrite": False,
        },
    }
WHITENOISE_USE_FINDERS = config("WHITENOISE_USE_FINDERS", DEBUG, help_text="Serve static files straight from the source folders (no collectstatic).")
if WHITENOISE_USE_FINDERS:
    # WhiteNoise looks at STATIC_ROOT even when it serves from the finders; keep it present.
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_ROOT = Path(config("MEDIA_ROOT", str(VAR_DIR / "media"), help_text="Folder for uploaded attachments (served only through access-checked views)."))
MEDIA_URL = "/media/"
COSO_MAX_ATTACHMENT_BYTES = config("COSO_MAX_ATTACHMENT_BYTES", 10 * 1024 * 1024, help_text="Largest accepted attachment, in bytes (default 10 MB).")
# Request limits follow the attachment limit (coso.core.uploads.request_body_limit): a JSON body may carry one
# attachment of the largest size as base64 (4/3 of it) plus 1 MiB of fields; multipart files do not count.
DATA_UPLOAD_MAX_MEMORY_SIZE = (int(COSO_MAX_ATTACHMENT_BYTES) + 2) // 3 * 4 + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_HANDLERS = [
    "coso.core.uploads.SafeNamesUploadHandler",  # keeps files named "..": refused or stored, never silently dropped
    "coso.core.uploads.SizeLimitUploadHandler",  # stops keeping bytes of a file larger than any form accepts
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# --- E-mail and notifications -------------------------------------------------
EMAIL_BACKEND = config(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend",
    help_text="Django e-mail backend, e.g. django.core.mail.backends.smtp.EmailBackend.",
)
EMAIL_HOST = config("EMAIL_HOST", "localhost", help_text="SMTP host.")
EMAIL_PORT = config("EMAIL_PORT", 25, help_text="SMTP port.")
EMAIL_HOST_USER = config("EMAIL_HOST_USER", "", help_text="SMTP user.")
EMAIL_HOST_PASSWORD = config("EMAIL_HOST_PASSWORD", "", help_text="SMTP password.")
EMAIL_USE_TLS = config("EMAIL_USE_TLS", False, help_text="Use STARTTLS for SMTP.")
DEFAULT_FROM_EMAIL = config("DEFAULT_FROM_EMAIL", "coso@localhost", help_text="Sender address of notifications.")
COSO_SMS_BACKEND = config("COSO_SMS_BACKEND", "coso.core.notify.FileBackend", help_text="Dotted path of the SMS adapter (default writes to var/outbox).")
COSO_ZALO_BACKEND = config("COSO_ZALO_BACKEND", "coso.core.notify.FileBackend", help_text="Dotted path of the Zalo adapter (default writes to var/outbox).")
COSO_PUBLIC_BASE_URL = config(
    "COSO_PUBLIC_BASE_URL", "", help_text="Public address used in QR codes and links in notifications (unset: the address each request came to)."
)

# --- API --------------------------------------------------------------------
NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 500
NINJA_PAGINATION_CLASS = "coso.core.pagination.LimitOffsetPagination"

# --- Demo -------------------------------------------------------------------
COSO_DEMO_PROVINCE = config("COSO_DEMO_PROVINCE", "79", help_text="Code of the province the demo data is built for (79 = Thành phố Hồ Chí Minh).")
COSO_DEMO_PASSWORD = config("COSO_DEMO_PASSWORD", "coso-demo-2026", help_text="Password of every demo account.")
# Order matters: each module's demo builder may use what earlier ones created.
COSO_DEMO_MODULES = [
    "coso.units.demo",
    "coso.accounts.demo",
    "coso.workcalendar.demo",
    "coso.procedures.demo",
    "coso.dossiers.demo",
    "coso.workforce.demo",
    "coso.funding.demo",
    "coso.feedback.demo",
    "coso.planning.demo",
    "coso.assignments.demo",
    "coso.tasks.demo",
    "coso.units.demo_reorg",  # a pending village merger: its preview counts the records of the modules above
    "coso.indices.demo",  # last: builds the rollups from the other modules' demo data
]

# --- Background jobs (Huey) ---------------------------------------------------------
# Embedded default: the queue lives in a SQLite file in var/ (one machine). With REDIS_URL the
# queue, schedule and locks live in Redis, so workers on several machines share them.
HUEY_IMMEDIATE = config("HUEY_IMMEDIATE", False, help_text="Run jobs inside the requesting process instead of queueing them (tests; never in production).")
_huey_consumer = {
    "workers": config("HUEY_WORKERS", 2, help_text="Threads per job worker process (run_huey)."),
    "worker_type": "thread",
    # An idle consumer polls the SQLite queue at most a second apart (Redis answers at once).
    "max_delay": 1.0,
    "check_worker_health": True,
    "health_check_interval": 10,
}
if REDIS_URL:
    HUEY = {"huey_class": "huey.RedisHuey", "name": "coso", "url": REDIS_URL, "immediate": HUEY_IMMEDIATE, "utc": False, "consumer": _huey_consumer}
else:
    HUEY = {"huey_class": "coso.jobs.queue.SqliteQueue", "name": "coso", "filename": str(VAR_DIR / "huey.sqlite3"), "immediate": HUEY_IMMEDIATE, "utc": False,
            "consumer": _huey_consumer}
# Generated export files are kept this many hours, then deleted by the cleanup job.
COSO_EXPORT_KEEP_HOURS = config("COSO_EXPORT_KEEP_HOURS", 24, help_text="Hours a generated export file is kept for download before it is deleted.")
# A periodic job's run still "running" after this many minutes has died (its worker killed): shown as interrupted, its
# lock taken over by the next run. A job may declare its own (``periodic_job(..., time_limit=...)``).
COSO_JOB_TIME_LIMIT_MINUTES = config("COSO_JOB_TIME_LIMIT_MINUTES", 120, help_text="Minutes a periodic job's run may take before it is shown as interrupted and its lock is taken over (a job may declare its own limit).")
# Deadline reminders: a dossier or feedback item is "near its deadline" this many working days before it.
COSO_REMINDER_WORKING_DAYS_BEFORE = config("COSO_REMINDER_WORKING_DAYS_BEFORE", 2, help_text="Working days before a dossier or feedback deadline when the handler is reminded.")
# Retirement notices: Law on Cadres and Civil Servants 2008 Art. 60(2) — the managing agency notifies
# the person 6 months before the retirement date (and decides 3 months before).

# --- Web server (read by gunicorn.conf.py; registered here so that envdoc lists them) ---------
WEB_CONCURRENCY = config("WEB_CONCURRENCY", 0, help_text="gunicorn worker processes per machine (0: 2 × CPU cores + 1).")
WEB_THREADS = config("WEB_THREADS", 1, help_text="Threads per gunicorn worker (more than 1: the gthread worker).")
WEB_TIMEOUT = config("WEB_TIMEOUT", 60, help_text="Seconds a gunicorn worker may spend on one request before it is restarted.")

# --- Logs ------------------------------------------------------------------------------
LOG_FORMAT = config("LOG_FORMAT", "text", help_text="text (human-readable) or json (one JSON object per line, for log collectors).")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
        "json": {"()": "coso.core.logs.JsonFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json" if LOG_FORMAT == "json" else "text"}},
    "root": {"handlers": ["console"], "level": config("LOG_LEVEL", "INFO", help_text="Log level.")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # The job consumer logs through the same handler (and format) instead of adding its own.
        "huey": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
# Load balancers probe these over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
