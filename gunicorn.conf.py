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
