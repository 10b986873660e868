from django.conf import settings
from django.utils import translation
from django.utils.encoding import escape_uri_path
from django.utils.functional import SimpleLazyObject

from pagecache import cache as pagecache

from . import languages as site_languages
from .models import FriendlyLink, SiteSettings
from .preferences import ReadingPreferences


def site(request):
    """The site settings record and the 友情链接 (footer, home page), each read when a template first uses it.

    Both are kept per process until content changes (the page cache's stamp), not read per request.
    """
    return {
        "site": SimpleLazyObject(SiteSettings.current),
        "link_groups": SimpleLazyObject(lambda: pagecache.memoize("link-groups", FriendlyLink.objects.grouped)),
    }


def reading_preferences(request):
    """The visitor's 字号 and 高对比度 choices (hnda_site.preferences), for ``<html>`` and the toolbar."""
    return {"reading": ReadingPreferences.from_cookies(request.COOKIES)}


def page_address(request):
    """``canonical_url``: this page's absolute address, from settings.SITE_URL and the path only.

    The query string is dropped (filters and forms are not separate pages) except a list's
    page number. Never built from the Host header: the page cache shares one copy per URL.
    """
    path = settings.SITE_URL + escape_uri_path(request.path)
    page = request.GET.get("page", "")
    if page.isascii() and page.isdigit() and int(page) > 1:
        path += f"?page={int(page)}"
    return {"canonical_url": path}


def languages(request):
    """The page's language and its counterpart in the other one.

    ``html_lang`` for ``<html lang>``; ``language_switch``: the link to the other language (the
    same page when it exists there, else that language's home); ``hreflang_links``: absolute
    addresses of the page in each language (and x-default, the Chinese one) when both exist.
    """
    current = translation.get_language()
    other = site_languages.ENGLISH if current != site_languages.ENGLISH else site_languages.CHINESE
    counterpart = site_languages.page_in(request, other)
    hreflang_links = []
    if counterpart is not None:
        # Paths only (as the canonical link): reverse() gives them URI-encoded already.
        paths = {current: escape_uri_path(request.path), other: counterpart.split("?", 1)[0]}
        for code, _name in settings.LANGUAGES:
            hreflang_links.append((site_languages.HREFLANG[code], settings.SITE_URL + paths[code]))
        hreflang_links.append(("x-default", settings.SITE_URL + paths[site_languages.CHINESE]))
    return {
        "html_lang": site_languages.HTML_LANG.get(current, current),
        "is_english": current == site_languages.ENGLISH,
        "language_switch": {
            "url": counterpart or site_languages.home_of(other),
            "label": site_languages.SWITCH_LABELS[other],
            "lang": site_languages.HTML_LANG[other],
            "same_page": counterpart is not None,
        },
        "hreflang_links": hreflang_links,
    }
