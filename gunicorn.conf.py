"""gunicorn settings for Coso (read automatically when gunicorn starts in the repository root).

    .venv/bin/gunicorn coso.wsgi:application

Every value comes from the environment, so that the process manager (systemd, a container
orchestrator) sets them: WEB_CONCURRENCY worker processes (default: 2 × CPU cores + 1),
WEB_THREADS threads each, PORT/BIND for the address, WEB_TIMEOUT seconds per request.
"""

import multiprocessing
import os

pythonpath = "src"
wsgi_app = "coso.wsgi:application"
bind = os.environ.get("BIND") or f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY") or 0) or multiprocessing.cpu_count() * 2 + 1
threads = int(os.environ.get("WEB_THREADS", "1"))
worker_class = "gthread" if threads > 1 else "sync"
timeout = int(os.environ.get("WEB_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# Restart workers now and then (bounded memory growth), not all at once.
max_requests = int(os.environ.get("WEB_MAX_REQUESTS", "2000"))
max_requests_jitter = max_requests // 10
accesslog = "-"
errorlog = "-"
# Trust X-Forwarded-* only from the reverse proxy on this machine (override with FORWARDED_ALLOW_IPS).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# No runtime control socket (gunicornc): its default path is per user, so two gunicorns of one user
# on a machine (two sites, or `make serve` beside a service) would take each other's socket.
control_socket_disable = True

if os.environ.get("LOG_FORMAT") == "json":
    # The server's own and access logs in the same one-JSON-object-per-line format as Coso's (LOG_FORMAT=json).
    import sys

    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "src"))
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "coso.core.logs.JsonFormatter"}},
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}},
        "loggers": {
            "gunicorn.error": {"handlers": ["console"], "level": "INFO", "propagate": False},
            "gunicorn.access": {"handlers": ["console"], "level": "INFO", "propagate": False},
        },
    }
