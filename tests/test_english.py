"""English pages: routing, the English edition of content, fallbacks, the switch, hreflang, search."""

import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from association.models import Document, DocumentVersion
from hnda_site.models import FriendlyLink
from members.models import Member
from news.models import Article
from pagecache import cache as pagecache

ENGLISH_BODY = "<p>The zone signed new <strong>investment</strong> agreements worth RMB 2 billion.</p>"


def html_lang(response):
    return re.search(r'<html lang="([^"]+)"', response.content.decode()).group(1)


def switch_href(response):
    return re.search(r'class="language-switch" href="([^"]*)"', response.content.decode()).group(1)


def hreflangs(response):
    return dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', response.content.decode()))


@pytest.fixture
def english_article(make_article):
    return make_article(
        "园区签约新项目",
        title_en="Zone Signs New Investment Projects",
        body_en=ENGLISH_BODY,
    )


@pytest.fixture
def chinese_article(make_article):
    return make_article("只有中文的快讯", days_ago=2)


# --- Routing --------------------------------------------------------------------------------------


def test_chinese_pages_keep_their_addresses_whatever_the_browser_prefers(client, seeded):
    for url in ["/", "/news/", "/about/charter/", "/members/", "/contact/"]:
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
        assert response.status_code == 200, url
        assert html_lang(response) == "zh-CN", url


def test_english_pages_live_under_en(client, seeded):
    for url in ["/en/", "/en/news/", "/en/about/charter/", "/en/members/", "/en/contact/", "/en/search/?q=zone"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert html_lang(response) == "en", url
    with translation.override("en"):
        assert reverse("news:list") == "/en/news/"
    with translation.override("zh-hans"):
        assert reverse("news:list") == "/news/"


def test_the_admin_stays_chinese_and_has_no_english_address(staff_client):
    assert staff_client.get("/en/admin/").status_code == 404
    staff_client.get("/en/")
    page = staff_client.get("/admin/")
    assert page.status_code == 200 and "网站管理" in page.content.decode()
    assert 'lang="zh-hans"' in page.content.decode()


def test_an_unknown_english_address_is_an_english_404(client, db):
    response = client.get("/en/no-such-page/")
    assert response.status_code == 404
    assert html_lang(response) == "en"


# --- Articles -------------------------------------------------------------------------------------


def test_english_news_lists_only_articles_with_an_english_version(client, english_article, chinese_article):
    english = client.get("/en/news/").content.decode()
    assert "Zone Signs New Investment Projects" in english
    assert "只有中文的快讯" not in english and "园区签约新项目" not in english
    chinese = client.get("/news/").content.decode()
    assert "园区签约新项目" in chinese and "只有中文的快讯" in chinese
    assert "Zone Signs" not in chinese


def test_english_article_page_shows_the_english_edition(client, english_article):
    response = client.get(f"/en/news/{english_article.pk}/")
    page = response.content.decode()
    assert response.status_code == 200
    assert '<h1 class="article__title">Zone Signs New Investment Projects</h1>' in page
    assert "<strong>investment</strong> agreements" in page
    assert "园区签约新项目" not in page


def test_an_article_without_english_has_no_english_page(client, chinese_article):
    assert client.get(f"/en/news/{chinese_article.pk}/").status_code == 404


def test_switch_and_hreflang_of_an_article_with_english(client, english_article):
    chinese = client.get(english_article.get_absolute_url())
    assert switch_href(chinese) == f"/en/news/{english_article.pk}/"
    links = hreflangs(chinese)
    assert links == {
        "zh-Hans": f"{settings.SITE_URL}/news/{english_article.pk}/",
        "en": f"{settings.SITE_URL}/en/news/{english_article.pk}/",
        "x-default": f"{settings.SITE_URL}/news/{english_article.pk}/",
    }
    english = client.get(f"/en/news/{english_article.pk}/")
    assert switch_href(english) == f"/news/{english_article.pk}/"
    assert hreflangs(english) == links


def test_switch_of_an_article_without_english_leads_to_the_english_home(client, chinese_article):
    page = client.get(chinese_article.get_absolute_url())
    assert switch_href(page) == "/en/"
    assert hreflangs(page) == {}


def test_switch_keeps_the_query_string(client, seeded):
    page = client.get("/members/?city=长沙市")
    assert switch_href(page).startswith("/en/members/?city=")


def test_english_neighbours_and_related_are_english_articles(client, make_article, english_article):
    make_article("中间的中文快讯", days_ago=3)
    older = make_article("较早的英文快讯", days_ago=5, title_en="Earlier Investment News", body_en="<p>Earlier.</p>")
    page = client.get(f"/en/news/{english_article.pk}/").content.decode()
    assert "Earlier Investment News" in page
    assert "中间的中文快讯" not in page
    assert f'href="/news/{older.pk}/"' not in page  # links stay English
    assert f'href="/en/news/{older.pk}/"' in page


def test_english_body_is_sanitized_like_the_chinese_one(make_article):
    article = make_article(
        "消毒",
        title_en="Sanitized",
        body_en='<p onclick="steal()">Hello</p><script>alert(1)</script><img src="x" onerror="y()">',
    )
    article.refresh_from_db()
    assert "script" not in article.body_en and "onclick" not in article.body_en and "onerror" not in article.body_en
    assert "<p>Hello</p>" in article.body_en
    assert article.summary_en == "Hello"


def test_an_english_title_without_a_body_is_a_form_error(staff_client, category):
    response = staff_client.post(
        reverse("admin:news_article_add"),
        {
            "title": "半个英文版",
            "category": category.pk,
            "body": "<p>正文</p>",
            "status": "published",
            "published_at_0": "",
            "published_at_1": "",
            "title_en": "Half an English version",
            "body_en": "",
        },
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["body_en"] == ["英文版需要英文标题和英文正文两项：请补上这一项，或把两项都清空（只发中文版）。"]
    assert not Article.objects.filter(title="半个英文版").exists()


def test_staff_publish_an_english_version_in_the_admin_and_history_records_it(staff_client, category, client):
    response = staff_client.post(
        reverse("admin:news_article_add"),
        {
            "title": "双语快讯",
            "category": category.pk,
            "body": "<p>中文正文</p>",
            "status": "published",
            "published_at_0": "",
            "published_at_1": "",
            "title_en": "Bilingual News",
            "body_en": "<p>English text.</p><script>x()</script>",
        },
    )
    assert response.status_code == 302
    article = Article.objects.get(title="双语快讯")
    assert article.body_en == "<p>English text.</p>"
    assert article.history.latest().title_en == "Bilingual News"
    assert "Bilingual News" in client.get("/en/news/").content.decode()
    changelist = staff_client.get(reverse("admin:news_article_changelist") + "?english=yes").content.decode()
    assert "双语快讯" in changelist


def test_english_feed_lists_english_articles(client, english_article, chinese_article):
    feed = client.get("/en/news/feed/").content.decode()
    assert "<title>Zone Signs New Investment Projects</title>" in feed
    assert "只有中文的快讯" not in feed


def test_english_category_page_uses_the_english_name(client, english_article):
    page = client.get("/en/news/park-express/").content.decode()
    assert "PARK EXPRESS" in page
    assert "Zone Signs New Investment Projects" in page


def test_english_home_shows_english_articles_only(client, english_article, chinese_article):
    page = client.get("/en/").content.decode()
    assert "Zone Signs New Investment Projects" in page
    assert "只有中文的快讯" not in page


# --- 协会 documents -------------------------------------------------------------------------------


def test_a_document_without_english_says_so_and_links_the_chinese_text(client, seeded):
    page = client.get("/en/about/charter/").content.decode()
    assert 'href="/about/charter/"' in page
    assert "not yet available in English" in page
    assert "第一条" not in page  # the Chinese text is not shown under lang="en"


def test_a_document_with_english_shows_it(client, seeded):
    charter = Document.objects.get(slug="charter")
    charter.title_en = "Articles of Association"
    charter.save()
    version = charter.versions.published().order_by("-number").first()
    version.body_en = "<h2>Chapter I General Provisions</h2><p>Article 1 The name of the association is HNDZA.</p>"
    version.save()
    page = client.get("/en/about/charter/").content.decode()
    assert "Article 1 The name of the association is HNDZA." in page
    assert "Articles of Association" in page
    assert "not yet available in English" not in page
    assert DocumentVersion.objects.get(pk=version.pk).history.latest().body_en.startswith("<h2>Chapter I")


# --- Names: members, 友情链接, the site ----------------------------------------------------------


def test_member_names_in_english_or_marked_as_chinese(client, seeded):
    member = Member.objects.active().first()
    other = Member.objects.active().exclude(pk=member.pk).first()
    member.name_en = "Changsha National High-tech Zone"
    member.save()
    page = client.get("/en/members/").content.decode()
    assert "Changsha National High-tech Zone" in page
    assert f'<span lang="zh-CN">{other.name}</span>' in page
    detail = client.get(f"/en/members/{member.pk}/").content.decode()
    assert "<h1" in detail and "Changsha National High-tech Zone" in detail


def test_friendly_links_and_site_name_in_english(client, seeded):
    FriendlyLink.objects.create(
        name="湖南省商务厅", name_en="Department of Commerce of Hunan Province", url="https://swt.hunan.gov.cn/"
    )
    FriendlyLink.objects.create(name="中国开发区协会", url="https://www.example.org/", group="association")
    page = client.get("/en/").content.decode()
    assert "Department of Commerce of Hunan Province" in page
    assert "Hunan Development Zones Association" in page
    assert '<span lang="zh-CN">中国开发区协会</span>' in page  # no English name: marked as Chinese


# --- Search ---------------------------------------------------------------------------------------


def test_english_search_matches_english_words_case_insensitively(client, english_article, chinese_article):
    for query in ["INVESTMENT", "investment agreements", "invest"]:
        page = client.get("/en/search/", {"q": query}).content.decode()
        assert "Zone Signs New" in page, query
    assert "Zone Signs New" not in client.get("/en/search/", {"q": "园区"}).content.decode()


def test_chinese_search_does_not_match_english_text(client, english_article):
    link = f'href="{english_article.get_absolute_url()}"'
    assert link not in client.get("/search/", {"q": "agreements"}).content.decode()
    assert link in client.get("/search/", {"q": "签约"}).content.decode()


def test_english_search_finds_members_by_english_name_and_city(client, seeded):
    member = Member.objects.active().first()
    member.name_en = "Liuyang Economic Development Zone"
    member.save()
    with translation.override("en"):
        city = str(member.get_city_display())
    for query in ["liuyang", city]:
        page = client.get("/en/search/", {"q": query, "type": "members"}).content.decode()
        assert f'href="/en/members/{member.pk}/"' in page, query
    assert f'href="/en/members/{member.pk}/"' not in client.get("/en/search/", {"q": member.name}).content.decode()


# --- Sitemap, cache, queries ----------------------------------------------------------------------


def test_sitemap_gives_english_pages_that_exist_with_alternates(client, english_article, chinese_article):
    sitemap = client.get("/sitemap.xml").content.decode()
    assert f"/en/news/{english_article.pk}/</loc>" in sitemap
    assert f"/en/news/{chinese_article.pk}/" not in sitemap
    assert f'hreflang="en" href="{settings.SITE_URL}/en/news/{english_article.pk}/"' in sitemap
    assert 'hreflang="x-default"' in sitemap


def test_page_cache_keeps_each_language_apart(client, settings, english_article):
    settings.PAGE_CACHE_ENABLED = True
    pagecache.reset()
    assert html_lang(client.get("/news/")) == "zh-CN"
    assert html_lang(client.get("/en/news/")) == "en"
    assert html_lang(client.get("/news/")) == "zh-CN"


def test_english_list_query_count_does_not_grow(client, make_article, django_assert_num_queries):
    make_article("一", title_en="One", body_en="<p>One.</p>")
    client.get("/en/news/")
    with django_assert_num_queries(6):
        client.get("/en/news/")
    for day in range(20):
        make_article(f"文章{day}", days_ago=day + 2, title_en=f"Story {day}", body_en="<p>Text.</p>")
    with django_assert_num_queries(6):
        client.get("/en/news/")
