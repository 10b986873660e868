"""One step of a member import through the admin, run as a process of its own.

Used by test_import_storage.py to preview in one process and confirm in another, as two
app servers would:

    python -m tests.members.import_step preview FILE.csv   # prints the confirm form's fields (JSON)
    python -m tests.members.import_step confirm 'JSON'     # prints the names of the members

DATABASE_URL names the database both processes share; each has its own TMPDIR.
"""

import json
import os
import sys
import tempfile
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hnda_site.settings_test")
django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

from members.models import Member  # noqa: E402


def staff_client():
    admin = User.objects.filter(username="admin").first()
    if admin is None:
        admin = User.objects.create_superuser("admin", password="not-used-anywhere")
    client = Client()
    client.force_login(admin)
    return client


def preview(path):
    call_command("migrate", verbosity=0)
    upload = SimpleUploadedFile(Path(path).name, Path(path).read_bytes())
    response = staff_client().post(reverse("admin:members_member_import"), {"format": "0", "import_file": upload})
    assert response.status_code == 200, response.status_code
    fields = dict(response.context["confirm_form"].initial)
    # Every file this process left in its temp folder, to show that the preview is not there.
    fields["temp_files"] = [str(p) for p in Path(tempfile.gettempdir()).rglob("*") if p.is_file()]
    return fields


def confirm(fields):
    response = staff_client().post(reverse("admin:members_member_process_import"), {**fields, "confirm": "确认导入"})
    assert response.status_code == 302, response.status_code
    return {"location": response["Location"], "members": sorted(Member.objects.values_list("name", flat=True))}


if __name__ == "__main__":
    setup_test_environment()
    step, argument = sys.argv[1:3]
    result = preview(argument) if step == "preview" else confirm(json.loads(argument))
    print(json.dumps(result, ensure_ascii=False))
