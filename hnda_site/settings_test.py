"""Settings for the test suite: the real settings, made fast and self-contained.

The database still comes from DATABASE_URL, so the same suite runs on SQLite
(default) and on PostgreSQL (.ci/run sets DATABASE_URL).
"""

import os

os.environ.setdefault("SECRET_KEY", "test-only-not-secret")
os.environ.setdefault("DEBUG", "false")

from .settings import *  # noqa: F403
from .settings import BASE_DIR, STORAGES

ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
SITE_URL = "http://testserver"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tests run over plain HTTP, without collectstatic.
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
MEDIA_ROOT = BASE_DIR / "var" / "test-media"
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
# Page tests measure the rendering path (and its query counts); tests/pagecache/test_pagecache.py
# switches the page cache on, and the two-worker test runs the production settings.
PAGE_CACHE_ENABLED = False
