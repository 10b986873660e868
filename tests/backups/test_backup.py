"""Backups: `manage.py backup` and `manage.py restore`, and a drill that proves they round-trip.

The drill runs on the database of the run: SQLite normally, PostgreSQL (pg_dump/pg_restore)
when DATABASE_URL points there, as in CI.
"""

import hashlib
import json
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError

from backups.archive import CHECKSUMS, MEDIA_ARCHIVE, sha256
from news.models import Article

# pg_dump reads committed data only, and restoring replaces tables: no test transaction.
drill = pytest.mark.django_db(transaction=True)


def row_counts():
    tables = (model for model in apps.get_models() if model._meta.managed and not model._meta.proxy)
    return {model._meta.label: model._base_manager.count() for model in tables}


def file_hashes(root):
    files = (path for path in root.rglob("*") if path.is_file())
    return {str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest() for path in files}


def backup(tmp_path):
    out = StringIO()
    call_command("backup", output=str(tmp_path / "backups"), stdout=out)
    return Path(out.getvalue().split("Backup written to ")[1].strip())


@pytest.fixture
def media(settings):
    root = Path(settings.MEDIA_ROOT)
    (root / "uploads" / "2026" / "11").mkdir(parents=True)
    (root / "uploads" / "2026" / "11" / "photo.png").write_bytes(b"\x89PNG original picture")
    (root / "logos").mkdir()
    (root / "logos" / "zone.png").write_bytes(b"\x89PNG a member logo")
    return root


@drill
def test_backup_restore_drill(make_article, media, tmp_path):
    for number in range(3):
        make_article(title=f"备份演练文章{number}")
    counts_before, files_before = row_counts(), file_hashes(media)

    folder = backup(tmp_path)
    assert folder.name.startswith("hnda-")
    assert {path.name for path in folder.iterdir()} >= {CHECKSUMS, MEDIA_ARCHIVE, "manifest.json"}

    # Afterwards: rows deleted and added, an upload replaced, another added.
    Article.objects.filter(title="备份演练文章0").delete()
    make_article(title="备份之后的文章")
    make_article(title="又一篇")
    (media / "uploads" / "2026" / "11" / "photo.png").write_bytes(b"\x89PNG overwritten")
    (media / "uploads" / "2026" / "11" / "later.png").write_bytes(b"\x89PNG uploaded after the backup")
    assert row_counts() != counts_before

    call_command("restore", str(folder), yes=True, stdout=StringIO())

    assert row_counts() == counts_before
    assert set(Article.objects.values_list("title", flat=True)) == {f"备份演练文章{n}" for n in range(3)}
    after = file_hashes(media)
    assert {name: after[name] for name in files_before} == files_before
    assert "uploads/2026/11/later.png" in after  # uploads are never deleted (README, "Backups")


@drill
def test_checksums_can_be_checked_by_hand(make_article, media, tmp_path):
    folder = backup(tmp_path)
    lines = (folder / CHECKSUMS).read_text().splitlines()
    manifest = json.loads((folder / "manifest.json").read_text())
    assert {line.split("  ")[1] for line in lines} == {manifest["database_file"], MEDIA_ARCHIVE, "manifest.json"}
    for line in lines:
        digest, name = line.split("  ")
        assert sha256(folder / name) == digest


@drill
def test_restore_refuses_a_changed_backup(make_article, media, tmp_path):
    make_article(title="不应消失")
    folder = backup(tmp_path)
    with open(folder / MEDIA_ARCHIVE, "ab") as archive:
        archive.write(b"tampered")
    Article.objects.all().delete()
    with pytest.raises(CommandError, match="Checksum mismatch"):
        call_command("restore", str(folder), yes=True, stdout=StringIO())
    assert not Article.objects.exists()  # nothing was restored


@drill
def test_a_dump_that_cannot_be_read_changes_nothing(make_article, media, tmp_path):
    make_article(title="备份里的文章")
    folder = backup(tmp_path)
    manifest = json.loads((folder / "manifest.json").read_text())
    dump = folder / manifest["database_file"]
    dump.write_bytes(dump.read_bytes()[: dump.stat().st_size // 2])  # cut short, then given honest checksums
    lines = [line.split("  ") for line in (folder / CHECKSUMS).read_text().splitlines()]
    (folder / CHECKSUMS).write_text("".join(f"{sha256(folder / name)}  {name}\n" for _, name in lines))
    make_article(title="备份之后的文章")
    counts = row_counts()

    with pytest.raises(CommandError):
        call_command("restore", str(folder), yes=True, stdout=StringIO())

    assert row_counts() == counts
    assert Article.objects.filter(title="备份之后的文章").exists()


@drill
def test_restore_replaces_tables_the_backup_does_not_hold(make_article, media, tmp_path):
    """A table added since the backup (a newer version's), with a foreign key to a table of the backup,
    must not stop the restore (``pg_restore --clean`` alone could not drop the referenced key)."""
    from django.db import connection

    make_article(title="备份里的文章")
    folder = backup(tmp_path)
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE later_feature (id integer PRIMARY KEY, article_id integer REFERENCES news_article (id))"
        )
    call_command("restore", str(folder), yes=True, stdout=StringIO())
    assert "later_feature" not in connection.introspection.table_names()
    assert Article.objects.filter(title="备份里的文章").exists()


@drill
def test_restore_asks_for_confirmation(make_article, media, tmp_path):
    folder = backup(tmp_path)
    make_article(title="确认之前不变")
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(folder), stdout=StringIO())
    assert Article.objects.filter(title="确认之前不变").exists()


def test_restore_refuses_a_folder_that_is_not_a_backup(tmp_path):
    with pytest.raises(CommandError, match="not a backup"):
        call_command("restore", str(tmp_path), yes=True, stdout=StringIO())


@drill
def test_backup_keeps_the_newest(media, tmp_path):
    for _ in range(3):
        backup(tmp_path)
    call_command("backup", output=str(tmp_path / "backups"), keep=2, stdout=StringIO())
    assert len(list((tmp_path / "backups").glob("hnda-*"))) == 2
