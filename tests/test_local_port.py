"""`make run PORT=8080`: every absolute address follows the port (issue 26, item 14)."""

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PRINT_SITE_URL = "import django; django.setup(); from django.conf import settings; print(settings.SITE_URL)"


def site_url(**env):
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "SITE_URL", "PORT"}}
    result = subprocess.run(  # noqa: S603 - our own settings
        [sys.executable, "-c", PRINT_SITE_URL],
        cwd=REPO,
        env={**clean, "DJANGO_SETTINGS_MODULE": "hnda_site.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return result.stdout.strip()


def test_a_debug_run_without_site_url_follows_the_port():
    assert site_url(DEBUG="true", PORT="8080") == "http://127.0.0.1:8080"
    assert site_url(DEBUG="true") == "http://127.0.0.1:8000"
    assert site_url(DEBUG="true", PORT="8080", SITE_URL="https://www.example.org") == "https://www.example.org"


def test_make_run_passes_its_port_to_the_site():
    command = ["make", "-n", "run", "PORT=8080"]  # a dry run of our own Makefile
    result = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=60, check=True)  # noqa: S603
    serve = next(line for line in result.stdout.splitlines() if "runserver" in line)
    assert "PORT=8080" in serve and "127.0.0.1:8080" in serve
