"""Search-engine and share metadata: canonical, Open Graph, JSON-LD, government-style meta, sitemap."""

import json
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from association.models import Document, DocumentVersion
from hnda_site.models import SiteSettings

SITE_URL = "https://www.example.org"
BEIJING = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE_URL


def meta(content, name):
    """The content of ``<meta name|property="name">`` (exactly one must exist)."""
    found = re.findall(rf'<meta (?:name|property)="{re.escape(name)}" content="([^"]*)">', content)
    assert len(found) == 1, (name, found)
    return found[0]


def json_ld(content):
    """Every JSON-LD block of the page, parsed, by @type."""
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', content, re.S)
    data = [json.loads(block) for block in blocks]
    return {item["@type"]: item for item in data}


def canonical(content):
    (url,) = re.findall(r'<link rel="canonical" href="([^"]+)">', content)
    return url


@pytest.fixture
def article(make_article):
    return make_article(
        title="长沙高新区入选试点",
        publisher="科技部、湖南开发区网",
        summary="科技部火炬中心启动企业创新积分制试点。",
        published_at=datetime(2020, 12, 18, 9, 30, tzinfo=BEIJING),
    )


@pytest.fixture
def charter(db):
    document = Document.objects.create(slug="charter", title="协会章程", full_title="湖南省开发区协会章程")
    for body in ["<p>第一条 本会名称。</p>", "<p>第一条 本会名称为湖南省开发区协会。</p>"]:
        DocumentVersion.objects.create(document=document, body=body, status=DocumentVersion.Status.PUBLISHED)
    return document


def test_article_metadata_is_absolute_and_describes_a_news_article(client, article):
    url = f"{SITE_URL}/news/{article.pk}/"
    # Whatever host the request came in on, addresses come from settings.SITE_URL.
    content = client.get(article.get_absolute_url(), HTTP_HOST="127.0.0.1").content.decode()
    assert canonical(content) == url
    assert meta(content, "og:type") == "article"
    assert meta(content, "og:title") == "长沙高新区入选试点"
    assert meta(content, "og:description") == "科技部火炬中心启动企业创新积分制试点。"
    assert meta(content, "og:url") == url
    assert meta(content, "og:image") == f"{SITE_URL}/static/img/share.png"
    assert meta(content, "SiteName") == "湖南省开发区协会"
    assert meta(content, "ColumnName") == "园区快讯"
    assert meta(content, "ArticleTitle") == "长沙高新区入选试点"
    assert meta(content, "PubDate") == "2020-12-18 09:30"
    assert meta(content, "ContentSource") == "科技部、湖南开发区网"
    assert meta(content, "Keywords") == "园区快讯,湖南省开发区协会"
    assert meta(content, "description") == "科技部火炬中心启动企业创新积分制试点。"
    assert "127.0.0.1" not in content
    data = json_ld(content)
    news = data["NewsArticle"]
    assert news["headline"] == "长沙高新区入选试点"
    assert news["datePublished"] == "2020-12-18T09:30:00+08:00"
    assert news["dateModified"] >= news["datePublished"]
    assert news["author"] == {"@type": "Organization", "name": "科技部、湖南开发区网"}
    assert news["publisher"]["name"] == "湖南省开发区协会"
    assert news["publisher"]["logo"]["url"] == f"{SITE_URL}/static/img/logo-512.png"
    assert news["mainEntityOfPage"]["@id"] == url
    crumbs = data["BreadcrumbList"]["itemListElement"]
    assert [(c["position"], c["name"], c["item"]) for c in crumbs] == [
        (1, "首页", f"{SITE_URL}/"),
        (2, "园区快讯", f"{SITE_URL}/news/park-express/"),
        (3, "正文", url),
    ]


def test_article_cover_is_its_share_image(client, make_article, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    cover = SimpleUploadedFile("cover.png", b"not checked here", content_type="image/png")
    article = make_article(cover=cover)
    content = client.get(article.get_absolute_url()).content.decode()
    assert meta(content, "og:image") == f"{SITE_URL}{article.cover.url}"
    assert json_ld(content)["NewsArticle"]["image"] == [f"{SITE_URL}{article.cover.url}"]


def test_site_default_share_image_replaces_the_packaged_one(client, make_article):
    from django.core.files.uploadedfile import SimpleUploadedFile

    site = SiteSettings.load()
    site.share_image = SimpleUploadedFile("share.png", b"png", content_type="image/png")
    site.save()
    content = client.get(make_article().get_absolute_url()).content.decode()
    assert meta(content, "og:image") == f"{SITE_URL}{site.share_image.url}"


def test_json_ld_cannot_close_its_script_element(client, make_article):
    article = make_article(title="</script><script>alert(1)</script>&")
    content = client.get(article.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in content
    assert json_ld(content)["NewsArticle"]["headline"] == "</script><script>alert(1)</script>&"


def test_document_metadata(client, charter):
    content = client.get("/about/charter/").content.decode()
    assert canonical(content) == f"{SITE_URL}/about/charter/"
    assert meta(content, "og:type") == "article"
    assert meta(content, "og:title") == "湖南省开发区协会章程"
    assert meta(content, "og:url") == f"{SITE_URL}/about/charter/"
    assert meta(content, "ColumnName") == "协会章程"
    assert meta(content, "ArticleTitle") == "湖南省开发区协会章程"
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", meta(content, "PubDate"))
    crumbs = json_ld(content)["BreadcrumbList"]["itemListElement"]
    # 关于协会 is a heading, not a page: left out of the structured trail.
    assert [(c["name"], c["item"]) for c in crumbs] == [
        ("首页", f"{SITE_URL}/"),
        ("协会章程", f"{SITE_URL}/about/charter/"),
    ]


def test_current_version_by_number_points_to_the_document_and_old_versions_to_themselves(client, charter):
    content = client.get("/about/charter/v2/").content.decode()
    assert canonical(content) == f"{SITE_URL}/about/charter/"
    assert meta(content, "og:url") == f"{SITE_URL}/about/charter/"
    content = client.get("/about/charter/v1/").content.decode()
    assert canonical(content) == f"{SITE_URL}/about/charter/v1/"
    assert meta(content, "ArticleTitle") == "湖南省开发区协会章程（第1版）"
    assert 'name="robots"' not in content  # a permanent public page, listed in the sitemap


def test_home_page_describes_the_association_with_its_address(client, db):
    site = SiteSettings.load()
    site.address = "湖南省长沙市五一大道492号粮贸大厦14楼"
    site.phone = "0731-12345678"
    site.save()
    content = client.get("/").content.decode()
    assert canonical(content) == f"{SITE_URL}/"
    assert meta(content, "og:type") == "website"
    assert meta(content, "ColumnName") == "首页"
    organization = json_ld(content)["Organization"]
    assert organization["name"] == "湖南省开发区协会"
    assert organization["url"] == f"{SITE_URL}/"
    assert organization["logo"].startswith(SITE_URL + "/")
    assert organization["address"] == {
        "@type": "PostalAddress",
        "streetAddress": "湖南省长沙市五一大道492号粮贸大厦14楼",
        "addressRegion": "湖南省",
        "addressCountry": "CN",
    }
    assert organization["telephone"] == "0731-12345678"
    assert "BreadcrumbList" not in json_ld(content)


def test_canonical_keeps_only_the_page_number_of_a_list(client, make_article):
    assert canonical(client.get("/news/").content.decode()) == f"{SITE_URL}/news/"
    assert canonical(client.get("/members/?city=changsha&q=x").content.decode()) == f"{SITE_URL}/members/"


def test_error_pages_have_no_canonical(client, db):
    assert 'rel="canonical"' not in client.get("/no-such-page/").content.decode()


def test_sitemap_lists_every_public_page_with_its_date_on_the_site_address(client, article, charter):
    from members.models import Member

    member = Member.objects.create(name="长沙高新技术产业开发区", city="changsha", kind="hitech")
    content = client.get("/sitemap.xml", HTTP_HOST="127.0.0.1").content.decode()
    entries = dict(re.findall(r"<loc>([^<]+)</loc><lastmod>([^<]+)</lastmod>", content))
    for path in [
        "/",
        "/news/",
        "/news/park-express/",
        f"/news/{article.pk}/",
        "/about/charter/",
        "/about/charter/history/",
        "/about/charter/v1/",
        "/members/",
        f"/members/{member.pk}/",
    ]:
        assert SITE_URL + path in entries, path
    assert f"{SITE_URL}/about/charter/v2/" not in content  # the current version is /about/charter/
    assert "127.0.0.1" not in content
    assert content.count("<url>") == len(entries)  # every entry has a lastmod


def test_robots_txt_names_the_sitemap_on_the_site_address(client, db):
    assert f"Sitemap: {SITE_URL}/sitemap.xml" in client.get("/robots.txt").content.decode()
