"""``manage.py migrate`` on a brand-new database prints no page-cache warnings or tracebacks.

The migrations write content (seeded 栏目…) before the page cache's stamp table exists; each write
tried to move the stamp on and logged "could not move the generation stamp on" with a traceback.
"""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from django.conf import settings

REPO = Path(__file__).resolve().parent.parent
DATABASE_URL = os.environ.get("DATABASE_URL", "")
on_postgresql = pytest.mark.skipif(
    not DATABASE_URL.startswith("postgres"), reason="needs DATABASE_URL on PostgreSQL (CI runs it)"
)


def migrate(database_url):
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "REDIS_URL"}}
    env.update(DJANGO_SETTINGS_MODULE="hnda_site.settings", DATABASE_URL=database_url, DEBUG="true")
    return subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def assert_clean(result):
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-3000:]
    assert "could not move the generation stamp on" not in output
    assert "Traceback" not in output
    assert result.stderr.strip() == "", result.stderr[-3000:]
    assert "Applying news.0001_initial... OK" in result.stdout


@pytest.mark.real_clock
def test_migrating_a_new_sqlite_database_prints_nothing_but_the_migrations(tmp_path):
    assert_clean(migrate(f"sqlite:///{tmp_path / 'new.sqlite3'}"))


@pytest.fixture
def new_postgresql_database():
    """A database of its own, named after this engineer's (DATABASE_URL), dropped afterwards."""
    base = settings.DATABASES["default"]
    name = f"{base['NAME']}_migrate_{uuid.uuid4().hex[:8]}".removeprefix("test_")
    server = {"host": base["HOST"] or None, "port": base["PORT"] or None, "user": base["USER"]}
    with psycopg.connect(dbname="postgres", password=base["PASSWORD"] or None, autocommit=True, **server) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield DATABASE_URL.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(dbname="postgres", password=base["PASSWORD"] or None, autocommit=True, **server) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@on_postgresql
@pytest.mark.real_clock
def test_migrating_a_new_postgresql_database_prints_nothing_but_the_migrations(new_postgresql_database):
    assert_clean(migrate(new_postgresql_database))


def test_a_write_during_migrate_does_not_move_the_stamp_but_the_end_of_migrate_does(db):
    from pagecache import cache as pagecache
    from pagecache.models import PageCacheStamp

    before = PageCacheStamp.objects.get_or_create(pk=1)[0].generation
    pagecache.migration_started(sender=None)
    pagecache.migration_finished(sender=None)
    assert PageCacheStamp.objects.get(pk=1).generation == before  # nothing written: the stamp stays
    pagecache.migration_started(sender=None)
    assert pagecache._bump_shared() is None
    assert PageCacheStamp.objects.get(pk=1).generation == before
    pagecache.migration_finished(sender=None)
    assert PageCacheStamp.objects.get(pk=1).generation > before
