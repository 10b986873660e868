"""Each page's own title and description in its link preview, breadcrumbs, robots.txt, /about/ (issue 26, item 8)."""

import json
import re

import pytest

from association.models import DocumentVersion
from members.models import Member
from news.models import Category

pytestmark = pytest.mark.django_db


def meta(page, attribute, name):
    found = re.search(rf'<meta {attribute}="{re.escape(name)}" content="([^"]*)"', page)
    return found.group(1) if found else None


def get(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, url
    return response.content.decode()


def test_every_page_names_itself_in_its_link_preview(client, seeded):
    charter = DocumentVersion.objects.filter(document__slug="charter").first()
    DocumentVersion.objects.create(
        document=charter.document, body=charter.body + "<p>新条文</p>", status=DocumentVersion.Status.PUBLISHED
    )
    site_name = meta(get(client, "/"), "property", "og:site_name")
    pages = {
        "/contact/": "联系我们",
        "/search/?q=开发区": "搜索：开发区",
        "/about/charter/compare/1/2/": "协会章程：第1版与第2版的比较",
        "/en/contact/": "Contact Us",
    }
    for url, title in pages.items():
        assert meta(get(client, url), "property", "og:title") == title, url
    not_found = get(client, "/no-such-page/", status=404)
    assert meta(not_found, "property", "og:title") == "页面不存在" != site_name


def test_pages_with_their_own_description_give_it_to_link_previews_too(client, seeded):
    category = Category.objects.get(slug="park-express")
    member = Member.objects.active().first()
    generic = meta(get(client, "/"), "name", "description")
    descriptions = {}
    for url in (
        "/news/",
        category.get_absolute_url(),
        "/members/",
        member.get_absolute_url(),
        "/about/charter/history/",
    ):
        page = get(client, url)
        description = meta(page, "name", "description")
        assert description and description != generic, url
        assert meta(page, "property", "og:description") == description, url
        descriptions[url] = description
    assert descriptions["/news/"] != descriptions[category.get_absolute_url()]
    assert member.name in descriptions[member.get_absolute_url()]


def test_the_last_breadcrumb_of_an_article_is_its_title(client, make_article):
    article = make_article("园区签约新项目")
    page = get(client, article.get_absolute_url())
    scripts = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    trails = [json.loads(script) for script in scripts if '"BreadcrumbList"' in script]
    assert trails[0]["itemListElement"][-1]["name"] == "园区签约新项目"
    assert '<li aria-current="page" data-name="园区签约新项目">正文</li>' in page


def test_robots_txt_keeps_crawlers_out_of_the_search_in_both_languages(client, db):
    robots = get(client, "/robots.txt")
    assert "Disallow: /search/\n" in robots
    assert "Disallow: /en/search/\n" in robots


def test_about_leads_to_the_first_document(client, seeded):
    response = client.get("/about/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/about/intro/"
    assert client.get("/en/about/").headers["Location"] == "/en/about/intro/"
