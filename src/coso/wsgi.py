import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coso.conf.base")
application = get_wsgi_application()

from coso.core.process import settle  # noqa: E402 -- after Django is set up

settle()
