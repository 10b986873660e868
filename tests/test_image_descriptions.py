"""Every picture in a body has a description or was declared decorative (issue 26, item 6)."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from association.models import Document
from news.models import Article
from richtext.text import images_without_alt, mark_images_decorative, sanitize_html

from .admin_forms import form_data

pytestmark = pytest.mark.django_db

PHOTO = '<p>开工仪式</p><figure class="image"><img src="/media/uploads/2026/11/abc123.jpg"></figure>'


def test_the_sanitizer_keeps_a_description_and_an_empty_one():
    kept = sanitize_html('<img src="/a.png" alt="园区大门"><img src="/b.png" alt="">')
    assert 'alt="园区大门"' in kept
    assert 'alt=""' in kept
    assert images_without_alt(kept) == []


def test_images_without_alt_lists_only_those_nobody_described():
    body = '<img src="/a.png" alt="说明"><img src="/b.png" alt=""><img src="/c.png">'
    assert images_without_alt(body) == ["/c.png"]
    assert images_without_alt(mark_images_decorative(body)) == []
    assert 'alt="说明"' in mark_images_decorative(body)


def add_article(staff_client, category, **changes):
    form = staff_client.get("/admin/news/article/add/")
    fields = {
        "title": "开工仪式",
        "category": category.pk,
        "body": PHOTO,
        "status": Article.Status.PUBLISHED,
        "published_at_0": timezone.localtime().strftime("%Y-%m-%d"),
        "published_at_1": "08:00:00",
    }
    data = form_data(form, **{**fields, **changes})
    return staff_client.post("/admin/news/article/add/", data)


def test_an_article_with_an_undescribed_image_is_refused_with_the_image_named(staff_client, category):
    response = add_article(staff_client, category)
    assert response.status_code == 200
    assert not Article.objects.exists()
    errors = response.context["adminform"].form.errors["body"]
    assert "abc123.jpg" in errors[0]
    assert "更改替代文本" in errors[0]


def test_the_form_offers_to_declare_the_images_decorative(staff_client, category):
    form = staff_client.get("/admin/news/article/add/")
    assert 'name="decorative_images"' in form.content.decode()


def test_declared_decorative_images_are_saved_with_an_empty_alt(staff_client, category):
    response = add_article(staff_client, category, decorative_images="on")
    assert response.status_code == 302
    assert 'alt=""' in Article.objects.get().body


def test_a_described_image_is_saved_with_its_description(staff_client, category):
    body = PHOTO.replace('.jpg">', '.jpg" alt="开工仪式现场">')
    response = add_article(staff_client, category, body=body)
    assert response.status_code == 302
    assert 'alt="开工仪式现场"' in Article.objects.get().body


def test_the_document_version_forms_offer_the_decorative_choice(staff_client):
    document = Document.objects.create(slug="intro", title="协会简介", order=1)
    form = staff_client.get(f"/admin/association/documentversion/add/?document={document.pk}")
    assert 'name="decorative_images"' in form.content.decode()


def test_no_public_page_shows_an_image_without_alt(client, make_article):
    article = make_article(body=PHOTO)  # stored before descriptions were required
    assert images_without_alt(article.body)
    for url in (article.get_absolute_url(), "/news/"):
        page = client.get(url).content.decode()
        for tag in re.findall(r"<img\b[^>]*>", page):
            assert " alt=" in tag, tag
    assert 'alt=""' in client.get(article.get_absolute_url()).content.decode()


def test_saving_a_scheduled_article_says_when_it_will_be_published(staff_client, category):
    """Issue 26, item 13: the save message names the time a scheduled article appears."""
    later = timezone.localtime() + timedelta(days=3)
    response = add_article(
        staff_client,
        category,
        body="<p>定时</p>",
        published_at_0=later.strftime("%Y-%m-%d"),
        published_at_1="09:30:00",
    )
    assert response.status_code == 302
    shown = [str(message) for message in response.wsgi_request._messages]
    assert f"本文将于{later.year}年{later.month}月{later.day}日 09:30 发布，届时自动出现在网站上。" in shown
    now = add_article(staff_client, category, body="<p>立即</p>", title="立即发布")
    assert not any("将于" in str(message) for message in now.wsgi_request._messages)
