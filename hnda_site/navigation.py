"""The main navigation and which of its sections the current page belongs to.

Every page's section is one key ("home", "news:<栏目>", "about:<document>", "members",
"contact"), worked out here and nowhere else: a view that knows better (an article
belongs to its 栏目) puts ``nav_section`` in its context; otherwise the URL decides.
"""

from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.translation import gettext as _

from association.models import Document
from news.models import Category
from pagecache import cache as pagecache

from .languages import is_english, localized


@dataclass
class NavItem:
    label: str
    url: str
    key: str
    current: bool = False
    children: list = field(default_factory=list)
    lang: str = ""  # "zh-CN" for a Chinese name on an English page (no English name yet)

    @property
    def contains_current(self):
        return self.current or any(child.current for child in self.children)


def section_from_url(request):
    """The section key that the URL of ``request`` implies, or "" when none does."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return ""
    if match.view_name == "home":
        return "home"
    if match.view_name == "contact":
        return "contact"
    if match.namespace == "news" and "slug" in match.kwargs:
        return f"news:{match.kwargs['slug']}"
    if match.namespace == "association":
        return f"about:{match.kwargs.get('slug', '')}"
    if match.namespace == "members":
        return "members"
    return ""


def main_navigation(request, section=None):
    """首页 · the navigation 栏目 · 关于协会 (its documents) · 会员单位 · 联系我们, the current one marked.

    Two queries, kept per process until content changes: the 栏目 and the documents of the 关于协会
    menu. Without a request (the 500 page, rendered without context and perhaps without a database),
    only the fixed items.
    """
    if request is None:
        categories, documents = [], []
    else:
        section = section or section_from_url(request)
        # Kept per process until content changes, like the site settings (pagecache.cache).
        categories = pagecache.memoize("nav-categories", lambda: list(Category.objects.in_navigation()))
        documents = pagecache.memoize("nav-documents", lambda: list(Document.objects.in_navigation()))
        if is_english():
            # Only the 栏目 staff gave an English name: the others have no English articles to list.
            categories = [category for category in categories if category.english_name]
    items = [
        NavItem(_("首页"), reverse("home"), "home"),
        *(NavItem(category.local_name, category.get_absolute_url(), category.nav_key) for category in categories),
    ]
    documents = [
        NavItem(title, document.get_absolute_url(), f"about:{document.slug}", lang=lang)
        for document in documents
        for title, lang in [localized(document, "title")]
    ]
    if documents:
        items.append(NavItem(_("关于协会"), documents[0].url, "about", children=documents))
    items += [
        NavItem(_("会员单位"), reverse("members:list"), "members"),
        NavItem(_("联系我们"), reverse("contact"), "contact"),
    ]
    for item in items:
        for child in item.children:
            child.current = child.key == section
        item.current = item.key == section
    return items
