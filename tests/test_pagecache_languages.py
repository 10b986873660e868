"""Values the page cache remembers (pagecache.memoize) are kept per language (issue 26, item 1)."""

import pytest
from django.utils import translation
from django.utils.translation import gettext

from association.models import Document, DocumentVersion
from hnda_site.models import FriendlyLink, SiteSettings
from news.models import Category
from pagecache import cache as pagecache

pytestmark = pytest.mark.django_db

# Every name passed to pagecache.memoize by the pages below; a new one must be added to the checks here.
# ("home-categories" holds Category rows, named in the page's language when the page is drawn.)
CHECKED = {"home-categories", "link-groups", "nav-categories", "nav-documents", "site-settings"}
CHECKED |= {"footer-home", "footer-page"}  # the rendered footer: test_each_language_has_its_own_footer
CHECKED |= {"categories-by-slug", "article-count:all"}  # rows read in any language; a count per language
NAVIGATION = "nav-html:"  # the rendered navigation, one per section: test_the_navigation_is_remembered_per_section
HEADER = "header:"  # the rendered header, one per reading preference and language switch: tests/test_site_header.py

CHINESE = ["政府部门", "兄弟协会", "湖南省开发区协会", "园区快讯", "协会简介"]
ENGLISH = [
    "Government Departments",
    "Sister Associations",
    "Hunan Development Zones Association",
    ">Park Express</a>",  # the navigation (the Chinese home labels the panel in English)
    "About the Association",
]


@pytest.fixture(autouse=True)
def _content(settings, make_article, category):
    settings.PAGE_CACHE_ENABLED = True
    site = SiteSettings.load()
    site.name = "湖南省开发区协会"
    site.english_name = "Hunan Development Zones Association"
    site.save()
    Category.objects.filter(pk=category.pk).update(english_name="Park Express", show_in_nav=True)
    document = Document.objects.create(slug="intro", title="协会简介", title_en="About the Association", order=1)
    DocumentVersion.objects.create(
        document=document, body="<p>简介</p>", body_en="<p>About</p>", status=DocumentVersion.Status.PUBLISHED
    )
    make_article(
        "签约", title_en="Signing", body_en="<p>Signed.</p>", category=Category.objects.get(slug="park-express")
    )
    FriendlyLink.objects.create(name="湖南省商务厅", name_en="Commerce", url="https://a.example/", group="government")
    FriendlyLink.objects.create(name="某协会", name_en="Sister", url="https://b.example/", group="association")


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("first, second", [("/en/", "/"), ("/", "/en/")])
def test_each_language_shows_its_own_remembered_values_whichever_is_asked_first(client, first, second):
    pages = {first: page(client, first)}
    pages[second] = page(client, second)
    # And again, now from the page cache and the memoized values.
    assert page(client, first) == pages[first]
    assert page(client, second) == pages[second]
    for text in ENGLISH[:2] + ENGLISH[3:]:  # the Chinese page names the site in English in its JSON-LD only
        assert text not in pages["/"], text
    for text in CHINESE[:2]:
        assert text not in pages["/en/"], text
    for text in CHINESE:
        assert text in pages["/"], text
    for text in ENGLISH:
        assert text in pages["/en/"], text


@pytest.mark.parametrize("first, second", [("/en/news/", "/news/"), ("/news/", "/en/news/")])
def test_each_language_has_its_own_footer(client, first, second):
    """The footer is rendered once per process, language and kind of page (site_footer)."""
    pages = {first: page(client, first), second: page(client, second)}
    footers = {url: html[html.index('<footer class="site-footer">') :] for url, html in pages.items()}
    assert ">湖南省商务厅<" in footers["/news/"] and ">Commerce<" not in footers["/news/"]
    assert ">Commerce<" in footers["/en/news/"] and ">湖南省商务厅<" not in footers["/en/news/"]
    assert "联系我们" in footers["/news/"] and "联系我们" not in footers["/en/news/"]
    assert "湖南省商务厅" not in page(client, "/").split('<footer class="site-footer">')[1]  # not on home


def test_every_memoized_value_of_the_pages_is_checked_per_language(client, monkeypatch):
    names = set()
    original = pagecache.memoize

    def recording(name, compute):
        names.add(name)
        return original(name, compute)

    monkeypatch.setattr(pagecache, "memoize", recording)
    for url in ("/", "/en/", "/news/", "/en/news/", "/members/", "/contact/", "/search/?q=协会"):
        client.get(url)
    names = {name for name in names if not name.startswith((NAVIGATION, HEADER))}
    assert names <= CHECKED, names - CHECKED


def test_the_navigation_is_remembered_per_section_and_language(client):
    """site_navigation renders the navigation once per process, language and section until content changes:
    each section's pages mark their own item, each language has its own labels."""

    def navigation(url):
        html = page(client, url)
        return html[html.index('<nav class="site-nav"') : html.index("</nav>", html.index('<nav class="site-nav"'))]

    def current(nav):
        return nav.split("site-nav__item--current")[1].split("</li>")[0]

    assert 'aria-current="page">首页<' in current(navigation("/"))
    for url in ("/news/park-express/", "/news/park-express/?page=1", "/contact/"):
        navigation(url)  # remembered
    assert ">园区快讯<" in current(navigation("/news/park-express/"))
    assert ">联系我们<" in current(navigation("/contact/"))
    assert 'aria-current="page">首页<' in current(navigation("/"))
    english = navigation("/en/news/park-express/")
    assert ">Park Express<" in current(english) and "园区快讯" not in english
    assert ">园区快讯<" in current(navigation("/news/park-express/"))
    Category.objects.create(name="招商引资", slug="invest", show_in_nav=True, order=99)  # content changed
    assert ">招商引资<" in navigation("/news/park-express/")


def test_a_memoized_value_is_computed_once_per_language():
    with translation.override("en"):
        assert pagecache.memoize("heading", lambda: gettext("政府部门")) == "Government Departments"
    with translation.override("zh-hans"):
        assert pagecache.memoize("heading", lambda: gettext("政府部门")) == "政府部门"
    with translation.override("en"):
        assert pagecache.memoize("heading", lambda: "not computed again") == "Government Departments"
