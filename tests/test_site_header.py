"""The header is rendered once per language, reading preference and language switch (site_header), with each
page's own addresses put in: what every page shows is what the header's templates give for that page."""

import pytest
from django.template.loader import render_to_string

from pagecache import cache as pagecache

pytestmark = pytest.mark.django_db


def header_of(html):
    start = html.index('<header class="site-header">')
    return html[start : html.index("</header>", start) + len("</header>")]


READING = [{}, {"fontsize": "large"}, {"contrast": "high"}, {"fontsize": "small", "contrast": "high"}, {}]


def test_every_page_shows_the_header_its_templates_give(client, settings, make_article):
    settings.PAGE_CACHE_ENABLED = True
    article = make_article("园区新闻", title_en="Park news", body_en="<p>News.</p>")
    only_chinese = make_article("中文新闻")
    urls = [
        "/",
        "/news/",
        '/news/?page=1&next="><script>',
        article.get_absolute_url(),
        f"/en/news/{article.pk}/",
        only_chinese.get_absolute_url(),  # its language switch leads to the English home
        "/en/",
        "/contact/",
        "/search/?q=园区",  # the query in the box: rendered as is
        "/members/?city=changsha",
    ]
    for cookies in READING:  # one after the other in one process: each look its own remembered header
        client.cookies.clear()
        for name, value in cookies.items():
            client.cookies[name] = value
        shown = {}
        for url in urls:
            pagecache.STORE.clear()  # a miss each time: the page is rendered, its header remembered or not
            response = client.get(url)
            assert response.status_code == 200, url
            expected = render_to_string("partials/header.html", response.context[0].flatten())
            assert header_of(response.content.decode()) == header_of(expected), (url, cookies)
            shown[url] = header_of(response.content.decode())
    assert "next=/news/%3Fpage%3D1%26next%3D%2522%253E%253Cscript%253E" not in shown["/"]  # each its own address
    assert 'href="/en/"' in shown[only_chinese.get_absolute_url()]
    assert f'href="/en/news/{article.pk}/"' in shown[article.get_absolute_url()]
    assert 'value="园区"' in shown["/search/?q=园区"]
