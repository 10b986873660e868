"""The site search page: 园区快讯, 协会文件 and 会员单位 (the engine is ``fulltext.py``)."""

from dataclasses import dataclass
from datetime import date

from django.core.paginator import InvalidPage, Page, Paginator
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from association.models import DocumentVersion
from attachments.search import attachment_hits
from hnda_site.languages import is_english
from hnda_site.pagination import page_number_or_404
from members.models import Member
from news.models import Article, Category

from . import fulltext

MEMBERS_RANKED_TOGETHER = 200  # the members' preview: up to this many matches ranked in one query


@dataclass(frozen=True)
class SearchResult:
    """One hit as the page shows it: link, highlighted title and excerpt, and a line of details."""

    url: str
    title: str
    snippet: str
    details: str = ""
    published_at: object = None
    attachment: tuple | None = None  # (name, excerpt) of the attachment holding the words


@dataclass(frozen=True)
class SearchGroup:
    key: str
    label: str
    count: int
    unit: str


class SearchView(TemplateView):
    """Site search over 园区快讯, 协会文件 and 会员单位: counts per group, one group or all, paginated.

    Query string: ``q`` (the words), ``type`` (news, documents, members; else all groups), and for
    园区快讯 ``category`` (a 栏目's slug), ``from`` and ``to`` (dates, YYYY-MM-DD). Unknown or
    malformed filters are ignored; a bad page number is a 404, as on every list.
    """

    template_name = "search.html"
    per_page = 20
    preview_count = 5  # members shown in the "all" view
    groups = {
        "news": (gettext_lazy("园区快讯"), gettext_lazy("条")),
        "documents": (gettext_lazy("协会文件"), gettext_lazy("篇")),
        "members": (gettext_lazy("会员单位"), gettext_lazy("家")),
    }

    def get_context_data(self, **kwargs):
        params = self.request.GET
        query = fulltext.parse(params.get("q", ""))
        group = params.get("type") if params.get("type") in self.groups else ""
        self.page_number = page_number_or_404(params.get("page"))
        if self.page_number > 1 and (not query or group == "documents"):
            raise Http404(_("页码无效。"))  # one page only: the form, or every matching document
        categories = list(Category.objects.all())
        category = next((c for c in categories if c.slug == params.get("category")), None)
        since, until = _date(params.get("from")), _date(params.get("to"))
        context = super().get_context_data(
            query=query.text,
            group=group,
            categories=categories,
            category=category,
            since=since,
            until=until,
            **kwargs,
        )
        if not query:
            return context
        context.update(self.get_results(query, group, category, since, until))
        return context

    def get_results(self, query, group, category, since, until):
        """Counts and results of every group, all evaluated here."""
        articles = fulltext.matching(Article.objects.published().in_page_language(), query).order_by(
            "-published_at", "-id"
        )
        if category:
            articles = articles.filter(category=category)
        if since:
            articles = articles.filter(published_at__date__gte=since)
        if until:
            articles = articles.filter(published_at__date__lte=until)
        versions = list(DocumentVersion.objects.current().select_related("document").search(query))
        members = Member.objects.active().search(query)

        if group == "members":
            members_paginator = Paginator(members.values_list("pk", flat=True), self.per_page)
            member_count = members_paginator.count
            member_page = self._page(members_paginator)
            found_members = _in_order(Member.objects.defer("search_tokens"), member_page.object_list)
        else:
            # A bounded count and the first few (name hits first). A few matches are ranked all together;
            # many are ranked from the index in the directory's order (ranked_keys), since ranking every
            # one of 4,600 matches read each one's text (15 ms of a 园区 search's 39 ms of SQL).
            member_count = fulltext.bounded_count(members)
            if member_count > MEMBERS_RANKED_TOGETHER:
                directory = Member.objects.active().order_by("role", "order", "sort_key", "name")
                keys = fulltext.ranked_keys(directory, query, 0, self.preview_count)
                found_members = _in_order(Member.objects.defer("search_tokens"), keys)
            else:
                found_members = list(members.defer("search_tokens")[: self.preview_count]) if member_count else []
            member_page = None
        news_page, rows = None, []
        # On a Chinese page with no 栏目 or date chosen, the matches are among nearly every article: the
        # statistics may tell "1000+" without counting (fulltext.bounded_count).
        whole_archive = not (category or since or until or is_english())
        news_count = fulltext.bounded_count(articles, estimate=query if whole_archive else None)
        if group in ("", "news"):
            news_page = self._ranked_page(articles, query, news_count)
            rows = _in_order(Article.objects.select_related("category").defer("search_tokens"), news_page.object_list)
        shown_versions = versions if group in ("", "documents") else []
        # Where the words are in an attachment (附件：会议通知.pdf), for every result shown: one query.
        in_articles, in_documents = attachment_hits(
            query, [article.pk for article in rows], [version.document_id for version in shown_versions]
        )
        news = [_article_result(article, query, in_articles.get(article.pk)) for article in rows]
        counts = {"news": news_count, "documents": len(versions), "members": member_count}
        # Past the bound a count reads "1000+": the number shown, and whether it is a lower bound.
        shown = {key: min(count, fulltext.COUNT_BOUND) for key, count in counts.items()}
        more = {key: count > fulltext.COUNT_BOUND for key, count in counts.items()}
        total = sum(shown.values())
        return {
            "groups": [
                SearchGroup(key, label, _count_label(shown[key], more[key]), unit)
                for key, (label, unit) in self.groups.items()
            ],
            "total": _count_label(total, any(more.values())),
            "counts": shown,
            "counts_more": more,
            "news": news,
            "news_page": news_page,
            "documents": [_version_result(v, query, in_documents.get(v.document_id)) for v in shown_versions],
            "members": [_member_result(m, query) for m in found_members] if group in ("", "members") else [],
            "members_page": member_page,
            "page_obj": news_page or member_page,
        }

    def _ranked_page(self, queryset, query, count):
        """A page of the ranked results' keys, as a Paginator's page over the first ``COUNT_BOUND`` results.

        ``count`` is the bounded count: past the bound only the first ``COUNT_BOUND`` results can be
        paged (as a search engine does), so that no page ranks more than that many rows. A bad page
        number is a 404, as on every list.
        """
        number = self.page_number
        paginator = Paginator([], self.per_page)
        paginator.count = min(count, fulltext.COUNT_BOUND)  # a cached_property: this is its value
        if number < 1 or (number != 1 and number > paginator.num_pages):
            raise Http404(_("页码无效。"))
        start = (number - 1) * self.per_page
        return Page(fulltext.ranked_keys(queryset, query, start, start + self.per_page), number, paginator)

    def _page(self, paginator):
        try:
            return paginator.page(self.page_number)
        except InvalidPage as error:
            raise Http404(_("页码无效。")) from error


def _count_label(count, more):
    """A count as shown: the number, or "1000+" past the bound (a string; 0 stays falsy)."""
    return f"{count}+" if more else count


def _date(value):
    try:
        return date.fromisoformat(value or "")
    except ValueError:
        return None


def _in_order(queryset, pks):
    """The rows with primary keys ``pks``, in that order (one query by key after ranking the keys)."""
    pks = list(pks)
    rows = queryset.in_bulk(pks) if pks else {}
    return [rows[pk] for pk in pks if pk in rows]


def _article_result(article, query, attachment=None):
    """``attachment``: (name, excerpt) where the words are in one of its attachments (附件：会议通知.pdf)."""
    return SearchResult(
        url=article.get_absolute_url(),
        title=fulltext.highlight(article.local_title, query),
        snippet=fulltext.snippet(article.local_body, query),
        details=article.category.local_name,
        published_at=article.published_at,
        attachment=attachment,
    )


def _version_result(version, query, attachment=None):
    anchor = version.section_anchor(query)
    return SearchResult(
        url=version.document.get_absolute_url() + (f"#{anchor}" if anchor else ""),
        title=fulltext.highlight(version.document.local_heading, query),
        snippet=fulltext.snippet(version.local_body, query),
        details=_("第%(number)s版") % {"number": version.number},
        attachment=attachment,
    )


def _member_result(member, query):
    if is_english():
        name = member.local_name
    else:
        name = f"{member.name}（{member.short_name}）" if member.short_name else member.name
    return SearchResult(
        url=member.get_absolute_url(),
        title=fulltext.highlight(name, query),
        snippet=fulltext.snippet(member.local_introduction, query),
        details=f"{member.get_city_display()} · {member.get_kind_display()} · {member.get_role_display()}",
    )
