"""English pages without Chinese leftovers, and alternates only between pages that both exist (issue 26, item 7)."""

import pytest

from association.models import Document, DocumentVersion
from hnda_site.models import SiteSettings
from members.models import Member
from news.models import Category

from .test_english import ENGLISH_BODY, hreflangs, switch_href

pytestmark = pytest.mark.django_db


@pytest.fixture
def english_site(db):
    site = SiteSettings.load()
    site.name = "湖南省开发区协会"
    site.english_name = "Hunan Development Zones Association"
    site.save()
    return site


def test_english_feeds_speak_english(client, english_site, make_article, category):
    make_article("园区签约", title_en="Zone signs", body_en=ENGLISH_BODY)
    news = client.get("/en/news/feed/").content.decode()
    assert "<title>Hunan Development Zones Association · News</title>" in news
    assert "湖南省开发区协会" not in news
    section = client.get(f"/en/news/{category.slug}/feed/").content.decode()
    assert f"<title>Hunan Development Zones Association · {category.english_name}</title>" in section
    assert "栏目" not in section and "园区快讯" not in section


def test_a_document_version_without_english_has_no_alternates(client, seeded):
    document = Document.objects.get(slug="intro")
    assert not document.versions.get().has_english
    for url in ("/about/intro/", "/en/about/intro/", "/about/intro/v1/", "/en/about/intro/v1/"):
        assert hreflangs(client.get(url)) == {}, url
    # The English page that says there is no translation leads to the Chinese text.
    assert switch_href(client.get("/en/about/intro/")) == "/about/intro/"


def test_a_document_version_with_english_has_alternates(client, seeded):
    document = Document.objects.get(slug="intro")
    DocumentVersion.objects.create(
        document=document, body="<p>简介</p>", body_en="<p>About.</p>", status=DocumentVersion.Status.PUBLISHED
    )
    for url in ("/about/intro/", "/en/about/intro/", "/en/about/intro/v2/"):
        assert set(hreflangs(client.get(url))) == {"zh-Hans", "en", "x-default"}, url


def test_the_english_404_of_a_chinese_only_article_offers_the_chinese_text(client, make_article):
    article = make_article("只有中文")
    response = client.get(f"/en/news/{article.pk}/")
    assert response.status_code == 404
    page = response.content.decode()
    assert 'hreflang="en"' not in page and 'rel="alternate" hreflang' not in page
    assert f'<a href="/news/{article.pk}/" hreflang="zh-Hans">Read the Chinese text</a>' in page
    other = client.get("/en/news/999999/").content.decode()
    assert "Read the Chinese text" not in other


def test_an_english_section_without_english_articles_is_not_in_the_menu_and_not_indexed(client, category, make_article):
    make_article("只有中文")
    Category.objects.filter(pk=category.pk).update(english_name="Park Express", show_in_nav=True)
    url = f"/en/news/{category.slug}/"
    page = client.get(url).content.decode()
    assert '<meta name="robots" content="noindex">' in page
    assert f'href="{url}"' not in client.get("/en/").content.decode()
    make_article("中英文", title_en="In English", body_en=ENGLISH_BODY)
    page = client.get(url).content.decode()
    assert 'content="noindex"' not in page
    assert f'href="{url}"' in client.get("/en/").content.decode()


def test_the_seeded_section_name_is_in_title_case(seeded):
    assert Category.objects.get(slug="park-express").english_name == "Park Express"


def test_role_labels_read_as_english(client, seeded):
    member = Member.objects.filter(role=Member.Role.PRESIDENT).first() or Member.objects.first()
    Member.objects.filter(pk=member.pk).update(role=Member.Role.PRESIDENT)
    page = client.get(f"/en{member.get_absolute_url()}").content.decode()
    assert "President Member" not in page
    assert "President" in page


def test_the_publisher_in_english_when_staff_gave_one(client, make_article):
    article = make_article("签约", title_en="Signing", body_en=ENGLISH_BODY, publisher="科技部", publisher_en="MOST")
    page = client.get(f"/en/news/{article.pk}/").content.decode()
    assert "MOST" in page and "科技部" not in page
    assert "科技部" in client.get(f"/news/{article.pk}/").content.decode()
