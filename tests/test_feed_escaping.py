"""What the RSS feeds carry reaches feed readers as the text staff typed, with addresses on SITE_URL.

RSS readers take an item's title and description as HTML. These tests read each feed as a reader
does: the XML parsed, then the element's text parsed as HTML; what a reader would show is the text
of that HTML, and a tag in it would be live markup.
"""

import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest

from hnda_site.models import SiteSettings

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
IMG = "<img src=x onerror=alert(1)>"
FEEDS = ["/news/feed/", "/news/park-express/feed/", "/en/news/feed/", "/en/news/park-express/feed/"]


class ReaderView(HTMLParser):
    """What a reader shows for an HTML fragment: its text, and the tags it would render."""

    def __init__(self, fragment):
        super().__init__(convert_charrefs=True)
        self.text, self.tags = "", []
        self.feed(fragment)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.tags.append(tag)

    def handle_data(self, data):
        self.text += data


def read(client, url, **headers):
    response = client.get(url, **headers)
    assert response.status_code == 200, url
    return ET.fromstring(response.content)  # noqa: S314 (our own feed)


def shown(element):
    """The text a reader shows for an RSS element, asserting it holds no markup."""
    view = ReaderView(element.text or "")
    assert view.tags == [], (element.tag, element.text)
    return view.text


def items(channel):
    return {shown(item.find("title")): shown(item.find("description")) for item in channel.iter("item")}


@pytest.fixture
def tricky(make_article, category):
    """Articles whose text is what HTML would misread, in Chinese and English."""
    category.english_name = "R&D <News>"
    category.save()
    make_article(
        "a<b 与 R&D",
        summary=IMG,
        title_en="a<b and R&D",
        summary_en="R&D costs a<b & x>y",
        body_en="<p>English body.</p>",
    )
    make_article(
        "正文里写着标签",
        days_ago=2,
        body="<p>&lt;img src=x onerror=alert(1)&gt;</p>",
        title_en="Tag typed into the body",
        body_en="<p>&lt;img src=x onerror=alert(1)&gt;</p>",
    )


@pytest.mark.parametrize("url", FEEDS[:2])
def test_a_chinese_summary_reaches_readers_as_text(client, tricky, url):
    shown_items = items(read(client, url).find("channel"))
    assert shown_items["a<b 与 R&D"] == IMG
    assert shown_items["正文里写着标签"] == IMG  # 摘要 left empty: made from the body's text


@pytest.mark.parametrize("url", FEEDS[2:])
def test_an_english_summary_reaches_readers_as_text(client, tricky, url):
    shown_items = items(read(client, url).find("channel"))
    assert shown_items["a<b and R&D"] == "R&D costs a<b & x>y"
    assert shown_items["Tag typed into the body"] == IMG


def test_each_text_is_escaped_once_for_html_and_once_for_xml(client, tricky):
    """Neither raw (live markup) nor escaped twice for HTML (a reader would show ``&amp;``)."""
    body = client.get("/news/feed/").content.decode()
    assert "<title>a&amp;lt;b 与 R&amp;amp;D</title>" in body
    assert "<description>&amp;lt;img src=x onerror=alert(1)&amp;gt;</description>" in body
    assert "&amp;amp;amp;" not in body and "&amp;amp;lt;" not in body


@pytest.mark.parametrize("url", FEEDS)
def test_channel_titles_and_descriptions_are_text_too(client, tricky, url):
    site = SiteSettings.current()
    site.name, site.english_name = "开发区<协会>&伙伴", "Zones <Association> & Partners"
    site.save()
    channel = read(client, url).find("channel")
    title, description = shown(channel.find("title")), shown(channel.find("description"))
    expected_site = "Zones <Association> & Partners" if url.startswith("/en/") else "开发区<协会>&伙伴"
    assert title.startswith(expected_site) and expected_site in description
    if url.startswith("/en/news/park-express/"):
        assert "R&D <News>" in title


@pytest.mark.parametrize("url", FEEDS)
def test_feed_addresses_come_from_site_url_not_the_host_header(client, tricky, settings, url):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "www.example.org"]
    settings.SITE_URL = "https://www.hnkfqxh.org.cn"
    root = read(client, url, HTTP_HOST="www.example.org:7777")
    channel = root.find("channel")
    addresses = [channel.find("link").text, channel.find(f"{ATOM}link").get("href")]
    for item in channel.iter("item"):
        addresses += [item.find("link").text, item.find("guid").text]
        addresses += [enclosure.get("url") for enclosure in item.iter("enclosure")]
    assert len(addresses) == 6
    for address in addresses:
        assert address.startswith("https://www.hnkfqxh.org.cn/"), address
    assert channel.find(f"{ATOM}link").get("href") == "https://www.hnkfqxh.org.cn" + url
    language_prefix = "/en" if url.startswith("/en/") else ""
    assert channel.find("link").text.startswith(f"https://www.hnkfqxh.org.cn{language_prefix}/news/")
    body = client.get(url, HTTP_HOST="www.example.org:7777").content.decode()
    assert "example.org" not in body and "7777" not in body


def test_a_body_whose_only_text_is_a_typed_tag_is_kept(make_article):
    """The English body of the article above reached the feed only once it was saved at all: the
    editor's field called it empty (it unescaped the text before looking for any) and stored ""."""
    article = make_article("标签", title_en="Tag", body_en="<p>&lt;b&gt;</p>")
    article.refresh_from_db()
    assert article.body_en == "<p>&lt;b&gt;</p>"
    empty = make_article("空白", title_en="Blank", body_en="<p>&nbsp;</p>")
    empty.refresh_from_db()
    assert empty.body_en == ""
