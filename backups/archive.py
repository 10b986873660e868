"""Backups of the database and the uploaded files, and restoring them (README.md, "Backups").

A backup is one folder, ``BACKUP_DIR/hnda-<YYYYmmdd-HHMMSS>/``:

- ``database.dump`` (PostgreSQL, ``pg_dump --format=custom``) or ``database.sqlite3``
  (SQLite, copied with SQLite's online backup API, safe while the site runs);
- ``media.tar.gz``, everything under ``MEDIA_ROOT``;
- ``manifest.json``, what was backed up and when;
- ``SHA256SUMS``, in ``sha256sum`` format, so ``sha256sum -c SHA256SUMS`` checks it by hand.

It is written under a ``.partial`` name and renamed when complete, so a folder with the
final name is always a whole backup.
"""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone

from search import fulltext

PREFIX = "hnda-"
CHECKSUMS = "SHA256SUMS"
MANIFEST = "manifest.json"
MEDIA_ARCHIVE = "media.tar.gz"
DATABASE_FILES = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}


class BackupError(Exception):
    """Something a technician must look at: the message says what."""


def engine():
    vendor = connection.vendor
    if vendor not in DATABASE_FILES:
        raise BackupError(f"Backups support PostgreSQL and SQLite, not {vendor}.")
    return vendor


def sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def postgres_environment():
    """libpq's variables for pg_dump/pg_restore, from the database settings (no password on the command line)."""
    database = connection.settings_dict
    variables = {
        "PGDATABASE": database["NAME"],
        "PGUSER": database.get("USER") or "",
        "PGPASSWORD": database.get("PASSWORD") or "",
        "PGHOST": database.get("HOST") or "",
        "PGPORT": str(database.get("PORT") or ""),
        "PGSSLMODE": (database.get("OPTIONS") or {}).get("sslmode", ""),
    }
    return {**os.environ, **{name: value for name, value in variables.items() if value}}


def run(command):
    result = subprocess.run(command, env=postgres_environment(), capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed ({result.returncode}): {result.stderr.strip()}")


def dump_database(target):
    if engine() == "postgresql":
        run(["pg_dump", "--format=custom", f"--file={target}"])
    else:
        connection.ensure_connection()
        copy = sqlite3.connect(target)
        try:
            connection.connection.backup(copy)
        finally:
            copy.close()


# Every relation of the current schema, dropped first in the restore's transaction: the backup replaces the
# whole database, and a table or constraint the backup does not hold (a newer version's, or one named
# otherwise before a migration) would keep ``pg_restore --clean`` from dropping what it references.
DROP_CURRENT_SCHEMA = """
SET client_min_messages = warning;
DO $$
DECLARE relation record;
BEGIN
    FOR relation IN
        SELECT c.relname, CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
            WHEN 'S' THEN 'SEQUENCE' WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END AS kind
        FROM pg_class c
        WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
        ORDER BY c.relkind = 'S'  -- tables first: a sequence of a table's column goes with its table
    LOOP
        EXECUTE format('DROP %s IF EXISTS %I CASCADE', relation.kind, relation.relname);
    END LOOP;
    -- The functions of the schema's triggers (the search index's title words), not an extension's.
    FOR relation IN
        SELECT p.oid::regprocedure AS signature FROM pg_proc p
        WHERE p.pronamespace = current_schema()::regnamespace AND p.prokind IN ('f', 'p')
            AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')
    LOOP
        EXECUTE format('DROP ROUTINE IF EXISTS %s CASCADE', relation.signature);
    END LOOP;
END $$;
"""


def load_database(source):
    if engine() == "postgresql":
        # Other sessions of this process would hold locks that DROP TABLE waits for.
        connection.close()
        with tempfile.TemporaryDirectory(prefix="hnda-restore-") as scratch:
            # The whole script first: a dump that cannot be read stops the restore before anything changes.
            script = Path(scratch) / "restore.sql"
            run(["pg_restore", "--no-owner", "--exit-on-error", f"--file={script}", str(source)])
            # One transaction: the old database stays whole if any statement fails.
            run(
                [
                    "psql",
                    "--no-psqlrc",
                    "--quiet",
                    "--single-transaction",
                    "--set=ON_ERROR_STOP=1",
                    f"--dbname={connection.settings_dict['NAME']}",
                    f"--command={DROP_CURRENT_SCHEMA}",
                    f"--file={script}",
                ]
            )
    else:
        connection.ensure_connection()
        backup = sqlite3.connect(f"{Path(source).resolve().as_uri()}?mode=ro", uri=True)
        try:
            # A file that is not a whole database stops the restore before the live one is touched.
            problems = [row[0] for row in backup.execute("PRAGMA quick_check")]
            if problems != ["ok"]:
                raise BackupError(f"The backup's database is damaged: {'; '.join(problems[:5])}")
            backup.backup(connection.connection)
        except sqlite3.DatabaseError as error:
            raise BackupError(f"The backup's database cannot be read: {error}") from error
        finally:
            backup.close()


def media_files(root):
    root = Path(root)
    if not root.is_dir():
        return []
    return sorted(path for path in root.rglob("*") if path.is_file())


def archive_media(target):
    root = Path(settings.MEDIA_ROOT)
    files = media_files(root)
    with tarfile.open(target, "w:gz") as archive:
        for path in files:
            archive.add(path, arcname=str(path.relative_to(root)), recursive=False)
    return len(files)


def extract_media(source):
    """Write every archived file into MEDIA_ROOT; files uploaded since the backup stay."""
    root = Path(settings.MEDIA_ROOT)
    root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(source, "r:gz") as archive:
        members = archive.getmembers()
        archive.extractall(root, filter="data")
    return len(members)


def create_backup(backup_dir=None):
    """Back up the database and MEDIA_ROOT into a new dated folder; return its path."""
    backup_dir = Path(backup_dir or settings.BACKUP_DIR)
    backup_dir.mkdir(parents=True, exist_ok=True)
    created = timezone.localtime()
    name = f"{PREFIX}{created:%Y%m%d-%H%M%S}"
    final = backup_dir / name
    number = 1
    while final.exists():
        number += 1
        final = backup_dir / f"{name}-{number}"
    partial = final.with_name(final.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir()
    try:
        vendor = engine()
        database_file = DATABASE_FILES[vendor]
        dump_database(partial / database_file)
        media_count = archive_media(partial / MEDIA_ARCHIVE)
        manifest = {
            "created": created.isoformat(),
            "engine": vendor,
            "database": str(connection.settings_dict["NAME"]),
            "database_file": database_file,
            "media_files": media_count,
        }
        (partial / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")
        sums = "".join(f"{sha256(partial / file)}  {file}\n" for file in (database_file, MEDIA_ARCHIVE, MANIFEST))
        (partial / CHECKSUMS).write_text(sums)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    partial.rename(final)
    return final


def verify_backup(folder):
    """Check every file against SHA256SUMS; return the manifest."""
    folder = Path(folder)
    sums_file = folder / CHECKSUMS
    if not sums_file.is_file():
        raise BackupError(f"{folder} is not a backup: it has no {CHECKSUMS}.")
    expected = {}
    for line in sums_file.read_text().splitlines():
        digest, _, file = line.partition("  ")
        expected[file] = digest
    for file in (MANIFEST, MEDIA_ARCHIVE):
        if file not in expected:
            raise BackupError(f"{CHECKSUMS} does not list {file}.")
    for file, digest in expected.items():
        path = folder / file
        if not path.is_file() or sha256(path) != digest:
            raise BackupError(f"Checksum mismatch: {path} is missing or was changed since the backup.")
    manifest = json.loads((folder / MANIFEST).read_text())
    if manifest["database_file"] not in expected:
        raise BackupError(f"{CHECKSUMS} does not list {manifest['database_file']}.")
    return manifest


def restore_backup(folder):
    """Replace the database and write back the media files of a verified backup."""
    folder = Path(folder)
    manifest = verify_backup(folder)
    if manifest["engine"] != engine():
        raise BackupError(f"This backup is of a {manifest['engine']} database; the site uses {engine()}.")
    load_database(folder / manifest["database_file"])
    # A backup from before a change to the search index gets today's (the title words' table and triggers).
    fulltext.ensure_indexes(using=connection.alias)
    # A restored database has no planner statistics (pg_restore does not ANALYZE): without them a
    # search for a common word could be planned as for a rare one.
    fulltext.refresh_statistics(connection)
    return {**manifest, "media_restored": extract_media(folder / MEDIA_ARCHIVE)}


def prune_backups(backup_dir, keep):
    """Delete all but the ``keep`` newest complete backups; return the deleted folders."""
    backups = sorted(
        (path for path in Path(backup_dir).glob(f"{PREFIX}*") if path.is_dir() and (path / CHECKSUMS).is_file()),
        key=lambda path: path.name,
    )
    old = backups[:-keep] if keep > 0 else []
    for path in old:
        shutil.rmtree(path)
    return old
