"""会员单位: logos."""

import re
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from members.logos import MAX_LOGO_SIDE
from members.models import Member

from .helpers import png_upload

# --- Logos ----------------------------------------------------------------------------------


def admin_add(staff_client, **overrides):
    data = {
        "name": "株洲高新技术产业开发区",
        "short_name": "株洲高新区",
        "city": "zhuzhou",
        "level": "national",
        "kind": "high_tech",
        "role": "5",
        "website": "",
        "address": "",
        "joined_on": "",
        "introduction": "<p>简介</p>",
        "order": "0",
        "active": "on",
        **overrides,
    }
    return staff_client.post(reverse("admin:members_member_add"), data)


def test_staff_add_a_member_with_a_logo(staff_client, db):
    response = admin_add(staff_client, logo=png_upload(), website="www.zzhtz.gov.cn")
    assert response.status_code == 302
    member = Member.objects.get()
    assert member.logo.name.startswith("members/logos/")
    assert member.website == "https://www.zzhtz.gov.cn"
    page = staff_client.get(reverse("admin:members_member_change", args=[member.pk])).content.decode()
    assert f'<img class="member-admin-logo member-admin-logo--large" src="{member.logo.url}" alt="">' in page
    listing = staff_client.get(reverse("admin:members_member_changelist")).content.decode()
    assert f'<img class="member-admin-logo" src="{member.logo.url}" alt="">' in listing


def test_logo_must_be_an_image(staff_client, db):
    fake = SimpleUploadedFile("logo.png", b"<script>alert(1)</script>", content_type="image/png")
    response = admin_add(staff_client, logo=fake)
    assert response.status_code == 200
    assert "请上传一张有效的图片" in str(response.context["adminform"].form.errors["logo"])
    assert not Member.objects.exists()


def test_logo_must_be_a_web_image_format(staff_client, db):
    response = admin_add(staff_client, logo=png_upload(name="logo.bmp", image_format="BMP"))
    assert "标志只能是 JPG、PNG、GIF 或 WebP 格式的图片。" in response.context["adminform"].form.errors["logo"]
    assert not Member.objects.exists()


def test_logo_larger_than_2_mb_is_refused(staff_client, db):
    big = png_upload(size=(1000, 1000), noise=True)  # random pixels do not compress: about 3 MB
    assert big.size > 2 * 1024 * 1024
    response = admin_add(staff_client, logo=big)
    errors = response.context["adminform"].form.errors["logo"]
    assert len(errors) == 1
    message = errors[0].replace("\xa0", " ")
    assert re.fullmatch(r"标志图片不能超过 2.0 MB，此文件为 \d\.\d MB。请压缩后再上传。", message)
    assert not Member.objects.exists()


def test_big_logo_is_shrunk_keeping_its_proportions(make_member, settings):
    member = make_member("园区", logo=png_upload(size=(1800, 900)))
    with Image.open(member.logo.path) as stored:
        assert stored.size == (MAX_LOGO_SIDE, 300)
        assert stored.format == "PNG"
    jpeg = make_member("园区二", logo=png_upload(size=(700, 1400), name="logo.jpg", image_format="JPEG"))
    with Image.open(jpeg.logo.path) as stored:
        assert stored.size == (300, MAX_LOGO_SIDE)
        assert stored.format == "JPEG"


def test_small_logo_keeps_its_size_and_pixels_but_nothing_appended(make_member):
    upload = png_upload(size=(200, 100))
    upload = SimpleUploadedFile("logo.png", upload.read() + b"<script>alert(1)</script>", content_type="image/png")
    member = make_member("园区", logo=upload)
    with Image.open(member.logo.path) as stored:
        assert (stored.format, stored.size, stored.getpixel((5, 5))) == ("PNG", (200, 100), (11, 79, 138))
    assert b"<script>" not in Path(member.logo.path).read_bytes()
