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
