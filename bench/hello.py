"""The yardstick: a bare Django "hello" view with ``startproject``'s default middleware.

One module is its settings (``DJANGO_SETTINGS_MODULE=bench.hello``), its URLconf and its
WSGI application (``gunicorn bench.hello:application``), served by the same gunicorn
settings as the site in the same run, so every page's req/s can be given as × hello.
"""

from django.core.wsgi import get_wsgi_application
from django.http import HttpResponse
from django.urls import path

SECRET_KEY = "bench-hello-only-" + "not-a-secret-" * 4
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = __name__
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
DATABASES = {}
USE_TZ = True
STATIC_URL = "static/"


def hello(request):
    return HttpResponse("Hello, world!")


urlpatterns = [path("", hello)]

application = get_wsgi_application()
