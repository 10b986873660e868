"""Where a member import's file waits between preview and confirmation: the database, shared by all app servers."""

import json
import os
import sqlite3
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from members.models import Member
from spreadsheets.importstorage import DatabaseImportStorage
from spreadsheets.models import PendingImport

REPO = Path(__file__).resolve().parents[2]
HEADERS = "名称,简称,市州,级别,类型,协会职务,网址,地址,入会日期,排序,启用"
ROW = "醴陵经济开发区,醴陵经开区,株洲市,省级,经济技术开发区,,,,,,"


def admin_import(client, text, name="members.csv"):
    upload = SimpleUploadedFile(name, text.encode("utf-8"))
    return client.post(reverse("admin:members_member_import"), {"format": "0", "import_file": upload})


def confirm(client, preview):
    fields = {**preview.context["confirm_form"].initial, "confirm": "确认导入"}
    return client.post(reverse("admin:members_member_process_import"), fields)


def test_preview_file_is_kept_in_the_database_and_removed_on_confirmation(staff_client, db):
    preview = admin_import(staff_client, f"{HEADERS}\n{ROW}\n")
    name = preview.context["confirm_form"].initial["import_file_name"]
    assert bytes(PendingImport.objects.get(name=name).data).decode("utf-8") == f"{HEADERS}\n{ROW}\n"

    response = confirm(staff_client, preview)
    assert response.status_code == 302
    assert Member.objects.get().short_name == "醴陵经开区"
    assert not PendingImport.objects.exists()


def test_confirming_twice_says_so_instead_of_failing(staff_client, db):
    preview = admin_import(staff_client, f"{HEADERS}\n{ROW}\n")
    confirm(staff_client, preview)
    again = confirm(staff_client, preview)
    assert again.status_code == 302 and again["Location"] == reverse("admin:members_member_import")
    assert "这份文件已经导入过，或预览已超过一天失效" in staff_client.get(again["Location"]).content.decode()
    assert Member.objects.count() == 1


def test_a_preview_that_cannot_be_confirmed_keeps_no_file(staff_client, db):
    invalid_row = admin_import(staff_client, f"{HEADERS}\n醴陵经济开发区,,火星市,,经济技术开发区,,,,,,\n")
    assert "confirm_form" not in invalid_row.context
    no_rows = admin_import(staff_client, f"{HEADERS}\n")
    assert "文件中没有数据" in no_rows.content.decode()
    assert not PendingImport.objects.exists()


def test_previews_older_than_a_day_are_swept_when_an_import_starts(staff_client, db):
    with time_machine.travel(timezone.now() - timedelta(days=1, minutes=1)):
        old = admin_import(staff_client, f"{HEADERS}\n{ROW}\n")
    with time_machine.travel(timezone.now() - timedelta(hours=23)):
        recent = admin_import(staff_client, f"{HEADERS}\n{ROW}\n")
    admin_import(staff_client, f"{HEADERS}\n{ROW}\n")
    names = set(PendingImport.objects.values_list("name", flat=True))
    assert old.context["confirm_form"].initial["import_file_name"] not in names
    assert recent.context["confirm_form"].initial["import_file_name"] in names
    assert len(names) == 2

    expired = confirm(staff_client, old)
    assert "预览已超过一天失效" in staff_client.get(expired["Location"]).content.decode()
    assert not Member.objects.exists()


def test_clear_pending_imports_command_deletes_only_expired_files(db, capsys):
    with time_machine.travel(timezone.now() - timedelta(days=2)):
        PendingImport.objects.create(name="old", data=b"old")
    PendingImport.objects.create(name="new", data=b"new")
    call_command("clear_pending_imports")
    assert "Deleted 1 expired import file(s)." in capsys.readouterr().out
    assert [bytes(data) for data in PendingImport.objects.values_list("data", flat=True)] == [b"new"]


def test_storage_reads_text_or_bytes_as_import_export_asks(db):
    storage = DatabaseImportStorage(encoding="utf-8-sig", read_mode="r")
    storage.save("名称\n醴陵".encode("utf-8-sig"))
    assert DatabaseImportStorage(name=storage.name, encoding="utf-8-sig", read_mode="r").read() == "名称\n醴陵"
    assert DatabaseImportStorage(name=storage.name, read_mode="rb").read() == "名称\n醴陵".encode("utf-8-sig")


def run_step(step, argument, database, tmpdir):
    tmpdir.mkdir()
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "TMPDIR": str(tmpdir)}
    env.pop("REDIS_URL", None)
    finished = subprocess.run(  # noqa: S603 - our own script
        [sys.executable, "-m", "tests.members.import_step", step, argument],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert finished.returncode == 0, finished.stderr[-3000:]
    return json.loads(finished.stdout.strip().splitlines()[-1])


def test_preview_in_one_process_and_confirm_in_another(tmp_path):
    """Two app servers: each has its own temp folder and they share only the database."""
    database = tmp_path / "shared.sqlite3"
    upload = tmp_path / "members.csv"
    upload.write_text(f"{HEADERS}\n{ROW}\n", encoding="utf-8")

    fields = run_step("preview", str(upload), database, tmp_path / "server-a-tmp")
    temp_files = fields.pop("temp_files")
    assert not [path for path in temp_files if "醴陵".encode() in Path(path).read_bytes()]
    with sqlite3.connect(database) as connection:
        pending = connection.execute("SELECT name FROM hnda_site_pendingimport").fetchall()
    assert pending == [(fields["import_file_name"],)]

    result = run_step("confirm", json.dumps(fields), database, tmp_path / "server-b-tmp")
    assert result["location"] == reverse("admin:members_member_changelist")
    assert result["members"] == ["醴陵经济开发区"]
    with sqlite3.connect(database) as connection:
        assert connection.execute("SELECT count(*) FROM hnda_site_pendingimport").fetchone() == (0,)
