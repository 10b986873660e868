"""What an app server worker loads: heavy libraries that only staff actions need stay out of it."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SERVE_A_PAGE = """
import os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hnda_site.settings_test")
import django
django.setup()
from django.urls import get_resolver
get_resolver().url_patterns  # every view module imported, as in a worker after its first request
print(" ".join(sorted(name for name in ("pypinyin", "boto3") if name in sys.modules)))
"""


def test_a_worker_does_not_load_the_pinyin_dictionaries():
    """pypinyin's dictionaries take about 55 MB; only saving a member needs them (Member.save)."""
    done = subprocess.run(  # noqa: S603 - our own code, in a fresh interpreter
        [sys.executable, "-c", SERVE_A_PAGE], cwd=ROOT, capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.split() == []
