"""The production settings (from the environment), with static files served without collectstatic."""

from hnda_site.settings import *  # noqa: F403
from hnda_site.settings import STORAGES

STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
