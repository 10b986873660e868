import re
import secrets

from django import template
from django.template.defaultfilters import urlencode
from django.utils import dateformat
from django.utils.html import conditional_escape, escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from pagecache import cache as pagecache
from richtext.text import mark_images_decorative

from .. import languages, navigation

register = template.Library()


@register.simple_tag(takes_context=True)
def main_navigation(context):
    """The main navigation's items, the current section marked (see hnda_site.navigation)."""
    return navigation.main_navigation(context.get("request"), context.get("nav_section"))


@register.simple_tag(takes_context=True)
def site_navigation(context):
    """The main navigation (partials/nav.html), rendered once per process, language and current section until
    content changes: it shows only the 栏目, the documents and the section marked, the same on every page of
    a section (its render was about 0.5 ms of each page-cache miss). Without a request (the 500 page), as is."""
    nav = context.template.engine.get_template("partials/nav.html")
    request = context.get("request")
    if request is None:
        return nav.render(context)
    section = context.get("nav_section") or navigation.section_from_url(request)
    return pagecache.memoize(f"nav-html:{section}", lambda: nav.render(context))


# site_header: where this page's own addresses go in the header remembered for all pages (letters only:
# escaping and URL-encoding leave them as they are).
PAGE_ADDRESS = f"pageaddress{secrets.token_hex(8)}"
OTHER_LANGUAGE_ADDRESS = f"otherlanguage{secrets.token_hex(8)}"


class _AddressOfAnyPage:
    """The request as the header's templates see it when remembered: its address is a placeholder."""

    def get_full_path(self):
        return PAGE_ADDRESS


@register.simple_tag(takes_context=True)
def site_header(context):
    """The header (partials/header.html: the 适老化 toolbar, the site's name, the language switch, the search
    box), rendered once per process, language, reading preference and language switch until content changes,
    with this page's addresses put in (the toolbar's "come back here" and the other language's page): the
    same on every page otherwise (its render was about 0.4 ms of each page-cache miss). A search results
    page shows its query in the box: rendered as is, as is a page without a request (the 500 page)."""
    header = context.template.engine.get_template("partials/header.html")
    request = context.get("request")
    switch = context.get("language_switch")
    if request is None or context.get("query") or not isinstance(switch, dict):
        return header.render(context)
    reading = context.get("reading")
    key = f"header:{getattr(reading, 'html_class', '')}:{switch['lang']}:{switch['label']}"

    def render():
        with context.push(request=_AddressOfAnyPage(), language_switch={**switch, "url": OTHER_LANGUAGE_ADDRESS}):
            return header.render(context)

    html = pagecache.memoize(key, render)
    html = html.replace(PAGE_ADDRESS, escape(urlencode(request.get_full_path())))
    return mark_safe(html.replace(OTHER_LANGUAGE_ADDRESS, escape(switch["url"])))  # noqa: S308 - escaped


@register.simple_tag(takes_context=True)
def site_footer(context):
    """The footer (partials/footer.html), rendered once per process, language and kind of page (home or
    not) until content changes: it shows only the site settings, the 友情链接 and links, the same on every
    page (its own render was 0.35 ms of each page-cache miss)."""
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    kind = "home" if match is not None and match.url_name == "home" else "page"
    footer = context.template.engine.get_template("partials/footer.html")
    return pagecache.memoize(f"footer-{kind}", lambda: footer.render(context))


@register.filter(expects_localtime=True)
def local_day(value):
    """A day as the page's language writes it: 2020年12月18日, or 18 December 2020 on an English page.

    What ``|date:_("Y年n月j日")`` gives, without Django's format machinery (twelve translation lookups a
    date: 20 µs, and a list shows twenty). Times arrive in Asia/Shanghai (``expects_localtime``).
    """
    if not value:
        return ""
    if languages.is_english():
        return dateformat.format(value, "j F Y")
    return f"{value.year}年{value.month}月{value.day}日"


@register.filter(expects_localtime=True)
def iso_time(value):
    """A time for ``<time datetime>`` and metadata, ISO 8601 in Asia/Shanghai: what ``|date:'c'`` gives,
    without building Django's date formatter for each (9 µs of its 13; a list shows twenty)."""
    return value.isoformat() if value else ""


@register.filter
def elided_pages(page_obj):
    """Page numbers around the current page, with … where pages are left out."""
    return page_obj.paginator.get_elided_page_range(page_obj.number, on_each_side=2, on_ends=1)


@register.filter
def keep_together(text, phrase):
    """``text``, escaped, with ``phrase`` (the association's name) kept on one line: a Chinese heading
    may break between any two characters, and 湖南省开 / 发区协会 reads as two broken words."""
    text, phrase = conditional_escape(text), conditional_escape(phrase)
    if not phrase or phrase not in text:
        return text
    return mark_safe(text.replace(phrase, f'<span class="keep-together">{phrase}</span>'))  # noqa: S308 - escaped


TABLE_TAG = re.compile(r"<table\b[^>]*>.*?</table>", re.DOTALL | re.IGNORECASE)


@register.filter
def rich_text(html):
    """A rich-text body (sanitized on save) ready to show: each table in its own scrolling box.

    A wide table scrolls sideways inside the box on a phone and stays a real table for
    screen readers (``display: block`` on the table itself would lose that in some browsers).
    Only for bodies stored through RichTextField, which are sanitized when saved. An image stored
    before descriptions were required gets ``alt=""``: never an ``img`` without ``alt`` on a page.
    """
    opening = f'<div class="table-scroll" role="region" aria-label="{_("表格")}" tabindex="0">'
    wrapped = TABLE_TAG.sub(
        lambda match: f"{opening}{match.group(0)}</div>",
        mark_images_decorative(str(html)),
    )
    return mark_safe(wrapped)  # noqa: S308 - sanitized on save (richtext.text)
