import gc
import os

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hnda_site.settings")

application = get_wsgi_application()

if not os.environ.get("SECRET_KEY") and not settings.DEBUG:
    # Fail at start, not on the first visitor's request.
    raise ImproperlyConfigured(
        "SECRET_KEY is not set. Set it in the environment (production), "
        "or set DEBUG=true for local development (`make run` does)."
    )

# What is loaded by now (Django, the apps, their settings and middleware) lives as long as the process:
# out of the garbage collector's sight. A full collection walked about 120,000 such objects, 45 ms in
# the middle of a request, every few dozen large pages (a sitemap file of 1,000 addresses): a p95 of
# 54 ms where the median is 17 (bench/README.md). With gunicorn's preload_app it happens before the
# fork, so the workers share these pages of memory instead of each copying them on the first collection.
gc.freeze()
