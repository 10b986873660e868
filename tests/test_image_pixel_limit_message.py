"""A picture with too many pixels is told so, wherever it is uploaded: not Django's 「不是图片」.

Pillow refuses even to open an image of more than about 179 megapixels (a decompression bomb), and
Django's image field reports any image Pillow refuses as "not an image or a corrupted image".
"""

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.urls import reverse

from members.models import Member
from news.models import Article
from richtext.images import ImageFormField
from tests.richtext.test_uploads import png_header_only, upload

pytestmark = pytest.mark.django_db

TOO_BIG = "图片的像素尺寸过大"
NOT_AN_IMAGE = "请上传一张有效的图片"


def bomb(width=20000, height=20000, name="logo.png"):
    return SimpleUploadedFile(name, png_header_only(width, height), content_type="image/png")


@pytest.mark.parametrize(("width", "height"), [(20000, 20000), (12000, 12000), (8000, 5200)])
def test_a_huge_member_logo_gets_the_pixel_limit_message(staff_client, width, height):
    data = {"name": "株洲高新技术产业开发区", "city": "zhuzhou", "kind": "high_tech", "role": "5", "order": "0"}
    response = staff_client.post(reverse("admin:members_member_add"), {**data, "logo": bomb(width, height)})
    assert response.status_code == 200
    errors = " ".join(response.context["adminform"].form.errors["logo"])
    assert TOO_BIG in errors and NOT_AN_IMAGE not in errors
    assert not Member.objects.exists()


def test_a_huge_article_cover_gets_the_pixel_limit_message(staff_client, category):
    response = staff_client.get(reverse("admin:news_article_add"))
    form = response.context["adminform"].form
    data = dict.fromkeys(form.fields, "")
    data.update(title="封面", category=str(category.pk), body="<p>正文</p>", status="draft", cover=bomb(name="c.png"))
    response = staff_client.post(reverse("admin:news_article_add"), data)
    errors = " ".join(response.context["adminform"].form.errors["cover"])
    assert TOO_BIG in errors and NOT_AN_IMAGE not in errors
    assert not Article.objects.exists()


def test_every_image_field_in_the_admin_reads_the_pixel_size_first(rf, admin_user):
    request = rf.get("/")
    request.user = admin_user
    checked = []
    for model, model_admin in admin.site._registry.items():
        form = model_admin.get_form(request)
        for field in model._meta.get_fields():
            if isinstance(field, models.ImageField) and field.name in form.base_fields:
                assert isinstance(form.base_fields[field.name], ImageFormField), (model._meta.label, field.name)
                checked.append(field.name)
    assert {"logo", "cover", "map_image", "share_image"} <= set(checked)


def test_a_real_image_is_still_accepted_and_text_is_still_not_an_image(staff_client):
    data = {"name": "株洲高新技术产业开发区", "city": "zhuzhou", "kind": "high_tech", "role": "5", "order": "0"}
    fake = SimpleUploadedFile("logo.png", b"<script>alert(1)</script>", content_type="image/png")
    response = staff_client.post(reverse("admin:members_member_add"), {**data, "logo": fake})
    assert NOT_AN_IMAGE in " ".join(response.context["adminform"].form.errors["logo"])


@pytest.mark.parametrize(("width", "height"), [(20000, 20000), (12000, 12000)])
def test_a_huge_editor_picture_gets_the_pixel_limit_message(staff_client, width, height):
    response = upload(staff_client, png_header_only(width, height))
    assert response.status_code == 400
    assert TOO_BIG in response.json()["error"]["message"]
