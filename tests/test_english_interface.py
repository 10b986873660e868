"""The English interface under /en/: every fixed string a visitor reads, from locale/en.

Content (titles, bodies, names) is whatever the editors wrote; only the interface is checked
here. Each English page is checked beside its Chinese address, which must not change.
"""

import re
from datetime import date
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from association.models import Document, DocumentVersion
from tests.association.helpers import CHARTER_V1

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES"
MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
ENGLISH_DATE = re.compile(rf"\b\d{{1,2}} ({MONTHS}) \d{{4}}\b")
CHINESE_DATE = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日")


@pytest.fixture
def english_article(seeded):
    """The seed's published article with an English version (only those are on English pages)."""
    from news.models import Article

    article = Article.objects.published().first()
    article.title_en = "Park Express"
    article.body_en = "<p>An English version.</p>"
    article.save()
    return article


def page(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, url
    return response.content.decode()


# The catalogue


def test_every_msgid_is_translated_and_not_fuzzy():
    po = polib.pofile(CATALOGUE / "django.po")
    entries = [entry for entry in po if not entry.obsolete]
    assert len(entries) > 250
    assert not po.metadata_is_fuzzy
    for entry in entries:
        assert "fuzzy" not in entry.flags, entry.msgid
        if entry.msgid_plural:
            assert sorted(entry.msgstr_plural) == [0, 1], entry.msgid
            assert all(text.strip() for text in entry.msgstr_plural.values()), entry.msgid
        else:
            assert entry.msgstr.strip(), entry.msgid


def test_committed_mo_is_compiled_from_the_po():
    """`make compile-messages` after every change to django.po: the site reads only the .mo."""
    po = polib.pofile(CATALOGUE / "django.po")
    mo = {(entry.msgctxt, entry.msgid): entry for entry in polib.mofile(CATALOGUE / "django.mo")}
    entries = [entry for entry in po if not entry.obsolete]
    assert len(mo) == len(entries)
    for entry in entries:
        compiled = mo.get((entry.msgctxt, entry.msgid))
        assert compiled is not None, f"{entry.msgid} is not in django.mo"
        if entry.msgid_plural:
            assert compiled.msgstr_plural == entry.msgstr_plural, entry.msgid
        else:
            assert compiled.msgstr == entry.msgstr, entry.msgid


def test_python_format_placeholders_match():
    """A msgstr that drops or renames a %(name)s would fail when the page is rendered."""
    placeholder = re.compile(r"%\((\w+)\)s")
    for entry in polib.pofile(CATALOGUE / "django.po"):
        expected = set(placeholder.findall(entry.msgid))
        translations = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for text in translations:
            found = set(placeholder.findall(text))
            # English may leave out the count in its singular ("1 member" keeps it here).
            assert found == expected, entry.msgid


# Pages


def test_home(client, english_article):
    english = page(client, "/en/")
    for text in ("Home", "Contact Us", "Members", "About the Association", "Skip to main content", "Main navigation"):
        assert text in english
    assert "Sitemap" in english and "RSS feed" in english
    assert "Site administration" not in english  # no admin link on public pages
    assert "Text size" in english and "High contrast" in english
    assert 'placeholder="Search the site"' in english
    assert ENGLISH_DATE.search(english)  # the articles' dates (content may hold Chinese ones)

    chinese = page(client, "/")
    for text in ("首页", "联系我们", "会员单位", "关于协会", "跳到正文", "网站地图", "RSS 订阅"):
        assert text in chinese
    assert "网站管理" not in chinese
    assert "高对比度" in chinese
    assert CHINESE_DATE.search(chinese)
    assert "Contact Us" not in chinese and "Skip to main content" not in chinese


def test_news_list_and_category(client, english_article):
    english = page(client, "/en/news/")
    assert "<h1>News</h1>" in english
    assert "RSS feed" in english
    assert ENGLISH_DATE.search(english)
    assert "<h1>新闻中心</h1>" in page(client, "/news/")

    category = page(client, "/en/news/park-express/")
    assert "RSS feed" in category and "You are here" in category
    assert ENGLISH_DATE.search(category)
    chinese = page(client, "/news/park-express/")
    assert "RSS 订阅" in chinese and CHINESE_DATE.search(chinese)


def test_article_page(client, english_article):
    article = english_article
    english = page(client, f"/en/news/{article.pk}/")
    assert "<dt>Published</dt>" in english and "<dt>Views</dt>" in english
    assert "Print this page" in english and "Previous: " in english and "Next: " in english
    assert ENGLISH_DATE.search(english)
    chinese = page(client, f"/news/{article.pk}/")
    assert "<dt>发布时间</dt>" in chinese and "上一篇：" in chinese and CHINESE_DATE.search(chinese)


def test_pagination(client, make_article):
    for number in range(25):
        make_article(title=f"文章{number}", days_ago=number + 1, title_en=f"Story {number}", body_en="<p>Text.</p>")
    english = page(client, "/en/news/")
    assert 'rel="next">Next</a>' in english
    assert '<span class="pagination__disabled">Previous</span>' in english
    assert "25 items, page 1 of 2" in english
    assert "News (page 2)" in page(client, "/en/news/?page=2")

    chinese = page(client, "/news/")
    assert 'rel="next">下一页</a>' in chinese
    assert "共 25 条，第 1/2 页" in chinese


def test_contact(client, seeded):
    english = page(client, "/en/contact/")
    assert "<h1>Contact Us</h1>" in english and "Contact details" in english
    assert "<h1>联系我们</h1>" in page(client, "/contact/")


def test_search(client, seeded):
    english = page(client, "/en/search/?q=hunan")
    assert "<h1>Search</h1>" in english
    assert "Search terms" in english and "Search result categories" in english
    assert re.search(r"All \(\d+\)", english)
    assert "Zone News (" in english and "Members (" in english
    chinese = page(client, "/search/?q=hunan")
    assert "<h1>搜索</h1>" in chinese and re.search(r"全部（\d+）", chinese)

    empty = page(client, "/en/search/")
    assert "Please enter the words you are looking for." in empty


def test_member_directory_and_filters(client, seeded):
    english = page(client, "/en/members/")
    assert "<h1>Members</h1>" in english
    for text in ("City / Prefecture", "Level", "Type", "Role in the Association", "Find a member"):
        assert text in english
    assert "Changsha" in english and "Xiangxi Tujia and Miao Autonomous Prefecture" in english
    assert re.search(r"<strong>\d+</strong> members?", english)

    filtered = page(client, "/en/members/?city=changsha")
    assert re.search(r"<strong>\d+</strong> matching members?", filtered)
    assert "City / Prefecture: Changsha" in filtered
    assert "Remove this filter" in filtered

    chinese = page(client, "/members/?city=changsha")
    assert "市州：长沙市" in chinese and "符合条件的会员单位" in chinese
    assert "<h1>会员单位</h1>" in page(client, "/members/")


def test_member_page(client, seeded):
    from members.models import Member

    member = Member.objects.active().first()
    english = page(client, f"/en/members/{member.pk}/")
    assert "<dt>City / Prefecture</dt>" in english and "‹ Back to the member directory" in english
    assert "<dt>市州</dt>" in page(client, f"/members/{member.pk}/")


@pytest.fixture
def charter_in_two_versions(db):
    charter = Document.objects.create(slug="charter", title="协会章程", full_title="湖南省开发区协会章程", order=5)
    published = DocumentVersion.Status.PUBLISHED
    DocumentVersion.objects.create(
        document=charter, body=CHARTER_V1, status=published, effective_date=date(2017, 9, 29), change_note="初稿"
    )
    body = CHARTER_V1.replace("12万元", "50万元") + "<p>第八条 &nbsp;本章程经会员大会表决通过之日起生效。</p>"
    DocumentVersion.objects.create(
        document=charter, body=body, status=published, effective_date=date(2021, 3, 1), change_note="修订"
    )
    return charter


def test_document_history_and_comparison(client, charter_in_two_versions):
    english = page(client, "/en/about/charter/")
    assert "About the Association" in english and "Version history" in english
    assert "<dt>Effective date</dt>" in english and "1 March 2021" in english
    assert "Version 2 (current)" in english
    chinese = page(client, "/about/charter/")
    assert "2021年3月1日" in chinese and "第 2 版（现行）" in chinese

    history = page(client, "/en/about/charter/history/")
    assert "2 versions, newest first." in history
    assert "Compare two versions" in history and "Compare with version 1" in history
    assert "29 September 2017" in history
    assert "共 2 个版本，最新的在前。" in page(client, "/about/charter/history/")

    compare = page(client, "/en/about/charter/compare/1/2/")
    assert "comparison of version 1 and version 2" in compare
    assert "Paragraphs changed: " in compare and "Key: " in compare

    old = page(client, "/en/about/charter/v1/")
    assert "This is not the current version." in old and "View the current version (version 2)" in old


def test_not_found(client, seeded):
    english = page(client, "/en/nope/", status=404)
    assert "<h1>Page not found</h1>" in english and "Back to the home page" in english
    chinese = page(client, "/nope/", status=404)
    assert "<h1>页面不存在</h1>" in chinese and "返回首页" in chinese


def test_server_error_pages_render_in_english():
    with translation.override("en"):
        unavailable = render_to_string("503.html", {"retry_after_minutes": 5})
        error = render_to_string("500.html", {"admins_notified": True})
    assert '<html lang="en">' in unavailable
    assert "The website is temporarily unavailable" in unavailable
    assert "Please reload the page in 5 minutes." in unavailable
    assert "<h1>Server error</h1>" in error and "Our technical staff have been notified." in error

    with translation.override("zh-hans"):
        assert "网站暂时无法访问" in render_to_string("503.html", {"retry_after_minutes": 5})
        assert "技术人员已收到通知。" in render_to_string("500.html", {"admins_notified": True})


def test_choices_and_labels_follow_the_language(db):
    from members.filters import UNSET_LABEL
    from members.models import Member

    with translation.override("en"):
        assert str(Member.City.CHANGSHA.label) == "Changsha"
        assert str(Member.Level.NATIONAL.label) == "National-level"
        assert str(Member.Kind.HIGH_TECH.label) == "High-tech Industrial Development Zone"
        assert str(UNSET_LABEL) == "Not stated"
    assert str(Member.City.CHANGSHA.label) == "长沙市"
