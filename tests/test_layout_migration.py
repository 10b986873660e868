"""Issue 20 moved capabilities out of hnda_site into apps of their own: a database keeps every row.

The models that moved (LinkCheck and BrokenLink to editorial, PageCacheStamp to pagecache,
PendingImport to spreadsheets) keep their tables; the migrations only move them in Django's
state and move their content types, so permissions, admin log entries and 操作记录 keep
pointing at them. Each test takes the database of the run (SQLite, or PostgreSQL with
DATABASE_URL) back to the migrations of the commit before the move, fills every table,
and migrates forward, as `manage.py migrate` does on a server.
"""

from io import StringIO
from pathlib import Path

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission, User
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from audit.models import ChangeRecord
from editorial.models import BrokenLink, LinkCheck
from pagecache.models import PageCacheStamp
from spreadsheets.models import PendingImport

# Nothing may be left behind in a transaction: the migrations and pg_dump need committed data.
pytestmark = pytest.mark.django_db(transaction=True)

# hnda_site's last migration before the move, and the apps whose first migration took the models over.
LAST_BEFORE_MOVE = ("hnda_site", "0008_english_edition")
NEW_APPS = ["editorial", "pagecache", "spreadsheets"]
MOVED = {
    "linkcheck": "editorial",
    "brokenlink": "editorial",
    "pagecachestamp": "pagecache",
    "pendingimport": "spreadsheets",
}
# The tables the move is about: the moved models' and every content table (app labels before the move).
CONTENT_APPS = ["hnda_site", "news", "association", "members", "audit"]


def before_move(executor):
    """Migration targets of the commit before the move: every app's leaf, hnda_site's 0008, no new app."""
    leaves = executor.loader.graph.leaf_nodes()
    kept = [(app, name) for app, name in leaves if app not in [*NEW_APPS, LAST_BEFORE_MOVE[0]]]
    return [*kept, LAST_BEFORE_MOVE, *((app, None) for app in NEW_APPS)]


def after_move():
    """Migration targets of the move itself: every app's leaf, hnda_site's 0009 (later migrations change rows)."""
    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    return [*((app, name) for app, name in leaves if app != "hnda_site"), ("hnda_site", "0009_capabilities_moved_out")]


def migrate_to(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state([target for target in targets if target[1] is not None]).apps


def applied():
    return set(MigrationExecutor(connection).loader.applied_migrations)


@pytest.fixture
def old_database(settings, tmp_path):
    """The database at the migrations before the move; migrated to the newest again afterwards."""
    settings.MEDIA_ROOT = tmp_path / "media"
    Path(settings.MEDIA_ROOT).mkdir()
    executor = MigrationExecutor(connection)
    old_apps = migrate_to(before_move(executor))
    yield old_apps
    call_command("migrate", verbosity=0)


def fill(old_apps):
    """Rows in every table of the moved models and of the content apps, made the old way where it matters."""
    call_command("load_seed", stdout=StringIO())  # site settings, 栏目, articles, documents, members, histories
    staff = User.objects.create_user("editor", password="x", is_staff=True)
    old_apps.get_model("hnda_site", "FriendlyLink").objects.create(
        name="湖南省人民政府", url="https://www.hunan.gov.cn/"
    )

    # Content types and permissions as the code before the move made them (as audit's 0002 does).
    for app_config in old_apps.get_app_configs():
        previous, app_config.models_module = getattr(app_config, "models_module", None), True
        create_permissions(app_config, apps=old_apps, verbosity=0)
        app_config.models_module = previous
    run = old_apps.get_model("hnda_site", "LinkCheck").objects.create(links_checked=7)
    old_apps.get_model("hnda_site", "BrokenLink").objects.create(
        check_run_id=run.pk, source_title="园区快讯", source_admin_url="/admin/news/article/1/change/", href="/news/x/"
    )
    old_apps.get_model("hnda_site", "PageCacheStamp").objects.update_or_create(
        pk=1, defaults={"generation": 41, "next_change_us": 1_700_000_000_000_000}
    )
    old_apps.get_model("hnda_site", "PendingImport").objects.create(name="a" * 32, data=b"\x00\xffname,city\n")

    # Who may read the link check, what the admin's log and the 操作记录 say about it.
    link_check_type = ContentType.objects.get(app_label="hnda_site", model="linkcheck")
    group = Group.objects.create(name="链接检查员")
    group.permissions.add(Permission.objects.get(content_type=link_check_type, codename="view_linkcheck"))
    staff.groups.add(group)
    LogEntry.objects.create(
        user=staff, content_type=link_check_type, object_id=str(run.pk), object_repr=str(run), action_flag=CHANGE
    )
    ChangeRecord.objects.create(
        at=timezone.now(), user=staff, content_type=link_check_type, object_id=str(run.pk), object_repr="链接检查",
        action="~",
    )  # fmt: skip


def snapshot():
    """Every row of every table but django_migrations and the database's own statistics (sqlite_stat1,
    which ANALYZE after a restore rewrites), in a comparable form."""
    rows = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            if table == "django_migrations" or table.startswith("sqlite_stat"):
                continue
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 - our table names
            rows[table] = sorted(
                (tuple(bytes(value) if isinstance(value, memoryview) else value for value in row)
                 for row in cursor.fetchall()),
                key=repr,
            )  # fmt: skip
    return rows


def moved_on(before):
    """``before`` as the move leaves it: the moved models' content types under their new apps."""
    expected = dict(before)
    columns = [column.name for column in connection.introspection.get_table_description(
        connection.cursor(), "django_content_type")]  # fmt: skip
    label, model = columns.index("app_label"), columns.index("model")

    def moved(row):
        if row[label] == "hnda_site" and row[model] in MOVED:
            row = (*row[:label], MOVED[row[model]], *row[label + 1 :])
        return row

    expected["django_content_type"] = sorted(map(moved, before["django_content_type"]), key=repr)
    return expected


def assert_filled(rows, old_apps):
    tables = {
        model._meta.db_table
        for app in CONTENT_APPS
        for model in old_apps.get_app_config(app).get_models(include_auto_created=True)
    }
    assert {
        "hnda_site_linkcheck",
        "hnda_site_brokenlink",
        "hnda_site_pagecachestamp",
        "hnda_site_pendingimport",
    } <= tables
    empty = sorted(table for table in tables if not rows[table])
    assert not empty, f"tables left empty by the test's content: {empty}"


def assert_models_answer_from_their_new_apps():
    run = LinkCheck.objects.get()
    assert run.links_checked == 7
    assert BrokenLink.objects.get().check_run == run
    assert PageCacheStamp.objects.get(pk=1).generation == 41
    assert bytes(PendingImport.objects.get().data) == b"\x00\xffname,city\n"
    staff = User.objects.get(username="editor")
    assert staff.has_perm("editorial.view_linkcheck")
    assert LogEntry.objects.get().get_edited_object() == run
    assert ChangeRecord.objects.get(object_repr="链接检查").content_type.model_class() is LinkCheck
    assert not ContentType.objects.filter(app_label="hnda_site", model__in=MOVED).exists()


def test_migrating_a_database_from_before_the_move_keeps_every_row(old_database):
    assert ("editorial", "0001_initial") not in applied()
    fill(old_database)
    before = snapshot()
    assert_filled(before, old_database)

    migrate_to(after_move())

    assert ("hnda_site", "0009_capabilities_moved_out") in applied()
    assert snapshot() == moved_on(before)
    assert_models_answer_from_their_new_apps()


def test_a_backup_from_before_the_move_restores_and_migrates(old_database, tmp_path):
    fill(old_database)
    before = snapshot()
    out = StringIO()
    call_command("backup", output=str(tmp_path / "backups"), stdout=out)
    folder = out.getvalue().split("Backup written to ")[1].strip()
    call_command("migrate", verbosity=0)
    LinkCheck.objects.all().delete()
    PendingImport.objects.all().delete()

    call_command("restore", folder, yes=True, stdout=StringIO())

    assert ("editorial", "0001_initial") not in applied()  # the backup's own migration state
    migrate_to(after_move())
    assert snapshot() == moved_on(before)
    assert_models_answer_from_their_new_apps()
