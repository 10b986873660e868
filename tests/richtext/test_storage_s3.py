"""Uploads on S3-compatible object storage (STORAGE_BACKEND=s3), against a real S3 server: moto's.

moto_server runs once per test session on a free local port; the storage settings are the
ones settings.py builds from the environment variables an operator would set.
"""

import io
import json
import os
import socket
import subprocess
import sys
import threading
import urllib.request
import uuid
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from members.models import Member
from richtext.text import EditorUploadStorage
from spreadsheets.models import PendingImport

pytest.importorskip("moto", reason="moto (requirements-dev.txt) runs the local S3 server")
boto3 = pytest.importorskip("boto3")

pytestmark = pytest.mark.s3

REPO = Path(__file__).resolve().parent.parent.parent
BUCKET = "hnda-media"
KEYS = {"S3_ACCESS_KEY_ID": "testing-key", "S3_SECRET_ACCESS_KEY": "testing-secret", "S3_REGION": "cn-central-1"}


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def s3_server():
    """moto's S3 server with a bucket that, like a media bucket, anyone may read."""
    port = free_port()
    server = subprocess.Popen(  # noqa: S603 - moto's own program from the virtualenv
        [str(Path(sys.executable).with_name("moto_server")), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        for line in server.stderr:  # werkzeug announces itself once it listens
            if "Running on" in line:
                break
        else:
            pytest.fail("moto_server did not start")
        # Keep reading its request log, so that a full pipe never blocks it.
        threading.Thread(target=server.stderr.read, daemon=True).start()
        endpoint = f"http://127.0.0.1:{port}"
        client = boto3.client(
            "s3",
            endpoint_url=endpoint,
            aws_access_key_id=KEYS["S3_ACCESS_KEY_ID"],
            aws_secret_access_key=KEYS["S3_SECRET_ACCESS_KEY"],
            region_name="us-east-1",
        )
        client.create_bucket(Bucket=BUCKET)
        public_read = {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{BUCKET}/*"}
            ],
        }
        client.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps(public_read))
        yield endpoint, client
    finally:
        server.terminate()
        server.wait(timeout=10)


def storage_settings_from_environment(environment):
    """STORAGES["default"] as settings.py builds it from these environment variables."""
    code = "import json; from hnda_site import settings; print(json.dumps(settings.STORAGES['default']))"
    finished = subprocess.run(  # noqa: S603 - our own settings
        [sys.executable, "-c", code],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO), **environment},
        capture_output=True,
        text=True,
        check=False,
    )
    assert finished.returncode == 0, finished.stderr[-2000:]
    return json.loads(finished.stdout)


@pytest.fixture
def s3_storage(settings, s3_server):
    """The default storage is the bucket (under a prefix of this test's own)."""
    endpoint, client = s3_server
    prefix = f"test-{uuid.uuid4().hex[:8]}"
    environment = {"STORAGE_BACKEND": "s3", "S3_BUCKET": BUCKET, "S3_ENDPOINT_URL": endpoint, "S3_PREFIX": prefix}
    default = storage_settings_from_environment({**environment, **KEYS})
    settings.STORAGES = {**settings.STORAGES, "default": default}

    def keys():
        listing = client.list_objects_v2(Bucket=BUCKET, Prefix=f"{prefix}/")
        return [item["Key"].removeprefix(f"{prefix}/") for item in listing.get("Contents", [])]

    return keys


def png(size=(8, 6)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (11, 79, 138)).save(buffer, format="PNG")
    return buffer.getvalue()


def fetch(url):
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - the local S3 server
        return response.read()


def test_s3_settings_come_from_the_environment():
    default = storage_settings_from_environment(
        {"STORAGE_BACKEND": "s3", "S3_BUCKET": "hnda", "S3_ENDPOINT_URL": "https://oss-cn-hangzhou.aliyuncs.com"}
        | {"S3_CUSTOM_DOMAIN": "www.example.org/media", "S3_REGION": "cn-hangzhou"}
    )
    assert default["BACKEND"] == "storages.backends.s3.S3Storage"
    options = default["OPTIONS"]
    assert options["bucket_name"] == "hnda"
    assert options["endpoint_url"] == "https://oss-cn-hangzhou.aliyuncs.com"
    assert options["custom_domain"] == "www.example.org/media"
    assert options["querystring_auth"] is False  # addresses in pages must not expire
    assert options["file_overwrite"] is False
    assert storage_settings_from_environment({})["BACKEND"] == "django.core.files.storage.FileSystemStorage"


def test_s3_without_a_bucket_refuses_to_start():
    finished = subprocess.run(
        [sys.executable, "-c", "import hnda_site.settings"],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO), "STORAGE_BACKEND": "s3", "S3_BUCKET": ""},
        capture_output=True,
        text=True,
        check=False,
    )
    assert finished.returncode != 0
    assert "STORAGE_BACKEND=s3 needs S3_BUCKET" in finished.stderr


def test_editor_upload_is_stored_in_the_bucket_and_served_from_it(staff_client, s3_storage, settings):
    response = staff_client.post(
        reverse("ck_editor_5_upload_file"), {"upload": SimpleUploadedFile("图片.png", png(), content_type="image/png")}
    )
    assert response.status_code == 200
    stored = s3_storage()
    assert len(stored) == 1 and stored[0].startswith("uploads/")
    url = response.json()["url"]
    assert url.startswith(f"{settings.STORAGES['default']['OPTIONS']['endpoint_url']}/{BUCKET}/")
    assert "Signature" not in url and "X-Amz" not in url
    assert Image.open(io.BytesIO(fetch(url))).size == (8, 6)
    assert not list(Path(settings.MEDIA_ROOT).glob("**/*.png"))


def test_editor_upload_storage_never_overwrites_in_the_bucket(s3_storage):
    storage = EditorUploadStorage()
    first = storage.save("logo.png", io.BytesIO(png()))
    second = storage.save("logo.png", io.BytesIO(png((4, 4))))
    assert first != second
    assert storage.exists(first) and storage.exists(second)
    assert Image.open(io.BytesIO(fetch(storage.url(second)))).size == (4, 4)


def test_member_logo_is_shrunk_and_stored_in_the_bucket(staff_client, s3_storage):
    data = {
        "name": "株洲高新技术产业开发区",
        "city": "zhuzhou",
        "kind": "high_tech",
        "role": "5",
        "order": "0",
        "active": "on",
        "logo": SimpleUploadedFile("logo.png", png((1200, 600)), content_type="image/png"),
    }
    assert staff_client.post(reverse("admin:members_member_add"), data).status_code == 302
    member = Member.objects.get()
    assert s3_storage() == [member.logo.name]
    assert member.logo.name.startswith("members/logos/")
    assert Image.open(io.BytesIO(fetch(member.logo.url))).size == (600, 300)
    assert member.logo.url in staff_client.get(reverse("admin:members_member_changelist")).content.decode()
    assert default_storage.exists(member.logo.name)


def test_member_import_works_with_the_bucket_as_default_storage(staff_client, s3_storage):
    text = "名称,市州,类型\n醴陵经济开发区,株洲市,经济技术开发区\n"
    preview = staff_client.post(
        reverse("admin:members_member_import"),
        {"format": "0", "import_file": SimpleUploadedFile("m.csv", text.encode("utf-8"))},
    )
    assert PendingImport.objects.count() == 1
    fields = {**preview.context["confirm_form"].initial, "confirm": "确认导入"}
    assert staff_client.post(reverse("admin:members_member_process_import"), fields).status_code == 302
    assert Member.objects.get().name == "醴陵经济开发区"
    assert s3_storage() == []  # the import's file never goes to the public bucket
