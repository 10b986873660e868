"""Editor uploads: only staff who write content, only real pictures within limits, stored as new files."""

import io
import re
import struct
import zlib
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission, User
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from members.models import Member

pytestmark = pytest.mark.django_db

UPLOAD_URL = "/ckeditor5/image_upload/"


def image_bytes(size=(40, 30), image_format="PNG", **options):
    buffer = io.BytesIO()
    Image.new("RGB", size, (11, 79, 138)).save(buffer, format=image_format, **options)
    return buffer.getvalue()


def png_header_only(width, height):
    """A tiny PNG whose header claims ``width``×``height`` pixels (a decompression bomb's shape)."""

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    rows = zlib.compress(b"\0" * (1 + width // 8) * 4)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")


def upload(client, content, name="图片.png"):
    return client.post(UPLOAD_URL, {"upload": SimpleUploadedFile(name, content, content_type="image/png")})


def stored_files(settings):
    return sorted(Path(settings.MEDIA_ROOT).glob("uploads/*/*/*"))


def stored_bytes(response, settings):
    name = response.json()["url"].removeprefix(settings.MEDIA_URL)
    return (Path(settings.MEDIA_ROOT) / name).read_bytes()


def test_the_editor_posts_to_our_view():
    assert reverse("ck_editor_5_upload_file") == UPLOAD_URL


@pytest.mark.parametrize(("width", "height"), [(20000, 20000), (12000, 12000)])
def test_a_decompression_bomb_is_a_400_in_the_editors_format(staff_client, settings, width, height):
    response = upload(staff_client, png_header_only(width, height))
    assert response.status_code == 400
    assert "图片的像素尺寸过大" in response.json()["error"]["message"]
    assert stored_files(settings) == []


def test_more_than_40_megapixels_is_refused_with_the_dimensions(staff_client, settings):
    response = upload(staff_client, png_header_only(8000, 5200))
    assert response.status_code == 400
    message = "图片的像素尺寸过大（8000×5200），最多 4000 万像素。请缩小后再上传。"
    assert response.json() == {"error": {"message": message}}


def test_html_appended_to_a_png_does_not_survive(staff_client, settings):
    response = upload(staff_client, image_bytes() + b"<html><script>alert(1)</script></html>")
    assert response.status_code == 200
    data = stored_bytes(response, settings)
    assert b"<script" not in data and b"<html" not in data
    with Image.open(io.BytesIO(data)) as stored:
        assert (stored.format, stored.size) == ("PNG", (40, 30))


def test_a_gif_javascript_polyglot_does_not_survive(staff_client, settings):
    # 10799 pixels wide: the width's two bytes read "/*", so the file opens a JavaScript comment.
    gif = io.BytesIO()
    Image.new("P", (10799, 1)).save(gif, format="GIF")
    polyglot = gif.getvalue() + b"*/=alert(document.domain);//"
    assert polyglot[:8] in (b"GIF87a/*", b"GIF89a/*")
    response = upload(staff_client, polyglot, name="x.gif")
    assert response.status_code == 200
    data = stored_bytes(response, settings)
    assert b"alert" not in data and not data.startswith(b"GIF")
    assert response.json()["url"].endswith(".png")


def test_metadata_is_stripped(staff_client, settings):
    exif = Image.Exif()
    exif[0x010F] = "间谍相机"  # Make
    exif[0x9286] = "拍摄地点：某处"  # UserComment
    response = upload(staff_client, image_bytes(image_format="JPEG", exif=exif.tobytes()), name="photo.jpg")
    assert response.status_code == 200
    data = stored_bytes(response, settings)
    with Image.open(io.BytesIO(data)) as stored:
        assert stored.format == "JPEG" and not stored.getexif()
    assert b"Exif" not in data


def test_an_animated_gif_keeps_its_first_frame(staff_client, settings):
    frames = [Image.new("P", (20, 20), colour) for colour in (1, 2, 3)]
    gif = io.BytesIO()
    frames[0].save(gif, format="GIF", save_all=True, append_images=frames[1:], duration=100)
    response = upload(staff_client, gif.getvalue(), name="anim.gif")
    with Image.open(io.BytesIO(stored_bytes(response, settings))) as stored:
        assert getattr(stored, "n_frames", 1) == 1


def test_big_pictures_are_scaled_down(staff_client, settings):
    response = upload(staff_client, image_bytes(size=(4800, 1200), image_format="JPEG"), name="wide.jpg")
    with Image.open(io.BytesIO(stored_bytes(response, settings))) as stored:
        assert stored.size == (2400, 600)


def test_stored_names_are_random(staff_client, settings):
    first = upload(staff_client, image_bytes(), name="会议照片.png").json()["url"]
    second = upload(staff_client, image_bytes(), name="会议照片.png").json()["url"]
    assert re.fullmatch(r"/media/uploads/\d{4}/\d{2}/[0-9a-f]{32}\.png", first)
    assert first != second and "会议" not in first


@pytest.mark.parametrize(
    ("content", "name"),
    [(b"<script>alert(1)</script>", "evil.png"), (b"<html></html>", "page.html"), (image_bytes()[:60], "cut.png")],
)
def test_what_is_not_a_picture_is_a_chinese_400(staff_client, settings, content, name):
    response = upload(staff_client, content, name=name)
    assert response.status_code == 400
    assert re.search(r"[\u4e00-\u9fff]", response.json()["error"]["message"])
    assert stored_files(settings) == []


def staff_with(*codenames):
    user = User.objects.create_user("writer", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("codenames", [(), ("view_article", "view_member", "view_documentversion")])
def test_staff_who_may_not_write_content_cannot_upload(settings, codenames):
    response = upload(staff_with(*codenames), image_bytes())
    assert response.status_code == 403
    assert "没有上传图片的权限" in response.json()["error"]["message"]
    assert stored_files(settings) == []


@pytest.mark.parametrize("codename", ["add_article", "change_documentversion", "change_member"])
def test_staff_who_may_write_some_content_can_upload(settings, codename):
    assert upload(staff_with(codename), image_bytes()).status_code == 200


def test_member_logos_use_the_same_pixel_limit():
    logo = SimpleUploadedFile("logo.png", png_header_only(20000, 20000), content_type="image/png")
    member = Member(name="园区", city="changsha", kind="other", logo=logo)
    with pytest.raises(ValidationError) as error:
        member.full_clean()
    assert "图片的像素尺寸过大" in error.value.message_dict["logo"][0]
