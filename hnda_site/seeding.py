"""Loading the site's initial content (the original site's text) exactly once.

Each app with initial content has a ``seed.py`` whose ``load()`` calls
:func:`seed_once` for every piece it ships. A piece is keyed by a stable name;
once loaded it is recorded, so running the loader again duplicates nothing and
never overwrites what staff changed (or brings back what they deleted).
"""

from importlib import import_module

from django.db import transaction

from .models import SeedRecord

SEED_MODULES = ["hnda_site.seed", "news.seed", "association.seed", "members.seed"]


def seed_once(key, create):
    """Run ``create()`` unless the piece ``key`` was loaded before; True if it ran."""
    with transaction.atomic():
        if SeedRecord.objects.filter(key=key).exists():
            return False
        create()
        SeedRecord.objects.create(key=key)
        return True


def load_all():
    """Load every app's initial content; return the keys of the pieces loaded now."""
    loaded = []
    for module_name in SEED_MODULES:
        loaded += import_module(module_name).load()
    return loaded
