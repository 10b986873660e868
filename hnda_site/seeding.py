"""Loading the site's initial content (the original site's text) exactly once.

Each app with initial content has a ``seed.py`` with a table ``PIECES``: (key, create) for
every piece it ships, loaded by :func:`load_pieces`. A piece is keyed by a stable name;
once loaded it is recorded, so running the loader again duplicates nothing and
never overwrites what staff changed (or brings back what they deleted). Texts are in
each app's ``seed_content/`` folder, one paragraph per line (:func:`paragraphs_html`).
"""

from html import escape
from importlib import import_module
from pathlib import Path

from django.apps import apps
from django.db import transaction

from .models import SeedRecord

SEED_MODULES = ["hnda_site.seed", "news.seed", "association.seed", "members.seed", "memberarea.seed"]


def seed_once(key, create):
    """Run ``create()`` unless the piece ``key`` was loaded before; True if it ran."""
    with transaction.atomic():
        if SeedRecord.objects.filter(key=key).exists():
            return False
        create()
        SeedRecord.objects.create(key=key)
        return True


def load_pieces(pieces):
    """Load each (key, create) piece not loaded before; return the keys of the pieces loaded now."""
    return [key for key, create in pieces if seed_once(key, create)]


def load_all():
    """Load every app's initial content; return the keys of the pieces loaded now."""
    return [key for module_name in SEED_MODULES for key in load_pieces(import_module(module_name).PIECES)]


def paragraphs_html(app_label, filename):
    """The text file ``filename`` of an app's ``seed_content/`` as HTML: a paragraph per non-empty line."""
    path = Path(apps.get_app_config(app_label).path) / "seed_content" / filename
    lines = path.read_text(encoding="utf-8").splitlines()
    return "".join(f"<p>{escape(line, quote=False)}</p>" for line in lines if line.strip())
