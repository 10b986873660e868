"""Absolute addresses and schema.org JSON-LD for search engines and WeChat shares.

Every address starts from settings.SITE_URL, never from the request's Host header.
JSON-LD goes into ``<script type="application/ld+json">``: a data block, which browsers
never run and a Content-Security-Policy does not block, escaped like ``json_script``.
"""

import json
from html.parser import HTMLParser

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.templatetags.static import static
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from hnda_site.languages import is_english

# The same escapes as django.utils.html.json_script: the JSON cannot close the element.
JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}
DEFAULT_SHARE_IMAGE = "img/share.png"
LOGO_IMAGE = "img/logo-512.png"


def absolute_url(url):
    """``url`` (a path, or already absolute, as from object storage) made absolute on SITE_URL."""
    if not url:
        return ""
    if url.startswith(("http://", "https://")):
        return url
    if url.startswith("//"):
        return settings.SITE_URL.split(":", 1)[0] + ":" + url
    return settings.SITE_URL + (url if url.startswith("/") else "/" + url)


def beijing_time(moment):
    """An aware datetime as ISO 8601 in the site's time zone (2020-12-18T00:00:00+08:00)."""
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else None


def share_image_url(image=None, site=None):
    """og:image: the page's own image, else the site's default share image, else the packaged one."""
    for candidate in (image, getattr(site, "share_image", None)):
        if candidate:
            return absolute_url(candidate.url)
    return absolute_url(static(DEFAULT_SHARE_IMAGE))


def script(data):
    """``data`` as a ``<script type="application/ld+json">`` element, safely escaped."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(JSON_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))  # noqa: S308 - escaped above


def organization(site):
    """The association as a schema.org Organization, with its postal address when one is set."""
    data = {
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": site.name,
        "url": settings.SITE_URL + "/",
        "logo": absolute_url(static(LOGO_IMAGE)),
    }
    if site.english_name:
        data["alternateName"] = site.english_name
    if site.address:
        data["address"] = {
            "@type": "PostalAddress",
            "streetAddress": site.address,
            "addressRegion": "湖南省",
            "addressCountry": "CN",
        }
    if site.phone:
        data["telephone"] = site.phone
    if site.email:
        data["email"] = site.email
    return data


def news_article(article, site, url):
    """An article as a schema.org NewsArticle (Google's required and recommended properties)."""
    publisher = {
        "@type": "Organization",
        "name": site.local_name,
        "url": settings.SITE_URL + "/",
        "logo": {"@type": "ImageObject", "url": absolute_url(static(LOGO_IMAGE))},
    }
    return {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.local_title[:110],
        "description": article.local_summary,
        "url": url,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "image": [share_image_url(article.cover, site)],
        "datePublished": beijing_time(article.published_at),
        "dateModified": beijing_time(max(filter(None, (article.updated_at, article.published_at)))),
        "author": {"@type": "Organization", "name": article.publisher or site.local_name},
        "publisher": publisher,
        "articleSection": article.category.local_name,
        "inLanguage": "en" if is_english() else "zh-CN",
    }


def breadcrumb_list(crumbs, current_url):
    """A BreadcrumbList from (name, href) pairs; the last one, the current page, is ``current_url``.

    Intermediate crumbs without a link (a section heading such as 关于协会) are left out:
    every list item must be a page.
    """
    items = []
    for index, (name, href) in enumerate(crumbs):
        last = index == len(crumbs) - 1
        if last or href:
            items.append((name, current_url if last else absolute_url(href)))
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": position, "name": name, "item": url}
            for position, (name, url) in enumerate(items, start=1)
        ],
    }


class CrumbParser(HTMLParser):
    """The (text, href) of each ``<li>`` of a rendered breadcrumb trail."""

    def __init__(self):
        super().__init__()
        self.crumbs = []
        self._depth = 0

    def handle_starttag(self, tag, attrs):
        if tag == "li":
            self._depth += 1
            if self._depth == 1:
                self.crumbs.append(["", None])
        elif tag == "a" and self._depth == 1 and self.crumbs[-1][1] is None:
            self.crumbs[-1][1] = dict(attrs).get("href")

    def handle_endtag(self, tag):
        if tag == "li":
            self._depth -= 1

    def handle_data(self, data):
        if self._depth >= 1:
            self.crumbs[-1][0] += data


def crumbs_from_html(html):
    parser = CrumbParser()
    parser.feed(html)
    parser.close()
    return [(" ".join(text.split()), href) for text, href in parser.crumbs if text.strip()]
