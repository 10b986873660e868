import re
from datetime import date

from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import DetailView, TemplateView

from hnda_site import languages
from hnda_site.numbers import parse_digits
from security import twofactor

from . import outline, versiondiff
from .models import Document, DocumentVersion

ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_day(value):
    """A YYYY-MM-DD date, or None when ``value`` is not one (2019-02-30, 2019-1-1, text…)."""
    if not ISO_DATE.fullmatch(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def parse_number(value):
    """A positive whole number written in digits, or None."""
    number = parse_digits(value)
    return number if number else None


def about(request):
    """/about/: the first document of the 关于协会 menu (协会简介), as the menu itself opens it."""
    document = Document.objects.in_navigation().first() or Document.objects.live().first()
    if document is None:
        raise Http404(_("没有这份文件。"))
    return redirect(document.get_absolute_url())


class DocumentMixin:
    """The document named in the URL (404 if unknown) and every document, for the section nav: one query.

    The public sees documents and versions once published; staff who may change versions also see
    drafts (a preview).
    """

    def dispatch(self, request, *args, **kwargs):
        # Drafts are shown to staff who may change document versions, not to every staff account.
        self.preview = twofactor.can_preview(request.user, "association.change_documentversion")
        documents = Document.objects.all() if self.preview else Document.objects.live()
        self.documents = list(documents)
        self.document = next((d for d in self.documents if d.slug == kwargs["slug"]), None)
        if self.document is None:
            raise Http404(_("没有这份文件。"))
        return super().dispatch(request, *args, **kwargs)

    def versions(self):
        versions = self.document.versions.all()
        return versions if self.preview else versions.published()

    def get_context_data(self, **kwargs):
        version = getattr(self, "object", None)
        if isinstance(version, DocumentVersion) and not version.has_english:
            # No English text: no alternate to a page that only says so (the sitemap leaves it out too).
            languages.exists_only_in(self.request, languages.CHINESE)
        return super().get_context_data(document=self.document, documents=self.documents, **kwargs)


class DocumentView(DocumentMixin, DetailView):
    """The current version of a document; with ?date=YYYY-MM-DD, the version in force that day.

    A malformed date is ignored: the current version is shown, with a notice saying so.
    """

    template_name = "association/document_detail.html"
    context_object_name = "version"
    page_cache_query = ("date",)  # every other query parameter is dropped (pagecache.reads_query)

    @cached_property
    def date_param(self):
        return self.request.GET.get("date", "").strip()[:40]

    @cached_property
    def day(self):
        return parse_day(self.date_param)

    def get_object(self, queryset=None):
        versions = self.document.versions.with_latest_number()
        if self.day:
            return versions.in_force_on(self.day).first()
        current = versions.newest_published().first()
        if current is None and not self.preview:
            raise Http404(_("这份文件还没有发布。"))
        return current

    def get_context_data(self, **kwargs):
        version = self.object
        context = {"requested_day": self.day, "date_error": self.date_param if self.date_param and not self.day else ""}
        if self.day and version is None:
            # Nothing in force yet that day: say when the first version took effect.
            context["earliest"] = self.document.versions.published().order_by("number").first()
        if version is not None and not self.day and version.takes_effect_later:
            # The newest version is published but not yet in force: name the one in force today.
            context["in_force_today"] = self.document.versions.in_force_on(timezone.localdate()).first()
        return super().get_context_data(**context, **kwargs)


class VersionView(DocumentMixin, DetailView):
    """One version by its number. The current one renders as on the document page (same text,
    with a canonical link to it) so that a link to "v3" stays the same page when v4 comes; an
    old one is marked as not current and links to the current one. Staff may preview drafts.
    """

    template_name = "association/document_detail.html"
    context_object_name = "version"

    def get_object(self, queryset=None):
        version = self.versions().with_latest_number().filter(number=self.kwargs["number"]).first()
        if version is None:
            raise Http404(_("没有这个版本。"))
        return version

    def get_context_data(self, **kwargs):
        return super().get_context_data(version_page=True, **kwargs)


class HistoryView(DocumentMixin, TemplateView):
    """Every published version, newest first, with forms to compare two, to see the text in
    force on a day, and to list the versions in which one article changed (?article=N).

    ?a=N&b=M (the compare form) redirects to the comparison.
    """

    template_name = "association/history.html"
    page_cache_query = ("a", "b", "article")  # every other query parameter is dropped (pagecache.reads_query)

    def get(self, request, *args, **kwargs):
        a, b = parse_number(request.GET.get("a")), parse_number(request.GET.get("b"))
        if a and b:
            first, second = sorted((a, b))
            return redirect("association:compare", self.document.slug, first, second)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        versions = list(self.document.versions.newest_published())
        # Not strict: a document with drafts only (seen by staff) has no version at all.
        for version, previous in zip(versions, [*versions[1:], None], strict=False):
            version.previous = previous
        context = {
            "versions": versions,
            "current": versions[0] if versions else None,
            "compare_error": bool(self.request.GET.get("a") or self.request.GET.get("b")),
        }
        oldest_first = [(version, version.body) for version in reversed(versions)]
        articles = sorted({h.number for v in versions for h in v.outline.articles})
        if articles:
            context["articles"] = [(number, outline.heading_label("tiao", number)) for number in articles]
            raw = self.request.GET.get("article", "")
            number = parse_number(raw)
            if number:
                context["article"] = (number, outline.heading_label("tiao", number))
                changes = versiondiff.article_changes(oldest_first, number)
                context["article_changes"] = [
                    (version, _article_change_label(change, version.previous)) for version, change in changes
                ]
            elif raw:
                context["article_error"] = True
        return super().get_context_data(**context, **kwargs)


def _article_change_label(change, previous):
    """What a version did to an article, for the history page ("最初的文本" for the first text of all)."""
    if change == "added" and previous is None:
        return versiondiff.FIRST_TEXT_LABEL
    return versiondiff.ARTICLE_CHANGE_LABELS[change]


class CompareView(DocumentMixin, TemplateView):
    """What changed from version ``a`` to version ``b`` (a < b; the other order redirects)."""

    template_name = "association/compare.html"

    def get(self, request, *args, a, b, **kwargs):
        if a > b:
            return redirect("association:compare", self.document.slug, b, a)
        found = {v.number: v for v in self.versions().with_latest_number().filter(number__in={a, b})}
        if a not in found or b not in found:
            raise Http404(_("没有这个版本。"))
        self.old, self.new = found[a], found[b]
        return super().get(request, *args, a=a, b=b, **kwargs)

    def get_context_data(self, **kwargs):
        comparison = None if self.old == self.new else versiondiff.compare(self.old.body, self.new.body)
        return super().get_context_data(old=self.old, new=self.new, comparison=comparison, **kwargs)
