import sys
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.exceptions import BadRequest, ValidationError
from django.core.paginator import InvalidPage, Page, Paginator
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.db.models import Count, Window
from django.http import Http404, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import redirect
from django.template import loader
from django.templatetags.static import static
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django.views.generic import TemplateView

from association.models import Document, DocumentVersion
from attachments.search import attachment_hits
from members.models import Member
from news.models import Article, Category

from . import preferences
from . import search as fulltext
from .languages import is_english
from .richtext import may_upload_images, store_editor_image, summarize

# How many articles the home page's 焦点图 shows at most.
FOCUS_COUNT = 5
# How many characters of 协会简介 the home page shows.
HOME_EXCERPT_LENGTH = 150
# How long a visitor is asked to wait when the database is unreachable.
DATABASE_RETRY_AFTER = 120


class HomeView(TemplateView):
    """The portal: 焦点图, the 栏目 columns, 协会简介, members, 友情链接 (each only when it has content)."""

    template_name = "home.html"

    def get_context_data(self, **kwargs):
        published = Article.objects.published().in_page_language()
        focus_articles = list(
            published.featured().only("id", "title", "title_en", "cover", "published_at")[:FOCUS_COUNT]
        )
        columns = published.home_columns()
        # With a 焦点图, the first column stands beside it; the others go below.
        top_column = columns[0] if focus_articles and columns else None
        intro, other_documents = Document.objects.home_panel()
        return super().get_context_data(
            focus_articles=focus_articles,
            top_column=top_column,
            columns=columns[1:] if top_column else columns,
            intro=intro,
            intro_excerpt=summarize(intro.intro_body, HOME_EXCERPT_LENGTH) if intro else "",
            other_documents=other_documents,
            member_stats=Member.objects.active().stats(),
            **kwargs,
        )


class ContactView(TemplateView):
    """联系我们: address, phone, email, office hours and the location image, from the site settings."""

    template_name = "contact.html"


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
        with fulltext.index_scans():
            context.update(self.get_results(query, group, category, since, until))
        return context

    def get_results(self, query, group, category, since, until):
        """Counts and results of every group, all evaluated here (inside ``index_scans``)."""
        articles = Article.objects.published().in_page_language().select_related("category").search(query)
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
            found_members = list(members.annotate(total=Window(Count("pk")))[: self.preview_count])
            member_count = found_members[0].total if found_members else 0
            member_page = None
        news_page, rows = None, []
        if group in ("", "news"):
            news_page = self._counted_page(articles)
            news_count = news_page.paginator.count
            rows = _in_order(Article.objects.select_related("category").defer("search_tokens"), news_page.object_list)
        else:
            news_count = articles.count()
        shown_versions = versions if group in ("", "documents") else []
        # Where the words are in an attachment (附件：会议通知.pdf), for every result shown: one query.
        in_articles, in_documents = attachment_hits(
            query, [article.pk for article in rows], [version.document_id for version in shown_versions]
        )
        news = [_article_result(article, query, in_articles.get(article.pk)) for article in rows]
        counts = {"news": news_count, "documents": len(versions), "members": member_count}
        return {
            "groups": [SearchGroup(key, label, counts[key], unit) for key, (label, unit) in self.groups.items()],
            "total": sum(counts.values()),
            "counts": counts,
            "news": news,
            "news_page": news_page,
            "documents": [_version_result(v, query, in_documents.get(v.document_id)) for v in shown_versions],
            "members": [_member_result(m, query) for m in found_members] if group in ("", "members") else [],
            "members_page": member_page,
            "page_obj": news_page or member_page,
        }

    def _counted_page(self, queryset):
        """A page of ``queryset``'s keys and the total in one query (a window count), as a Paginator's page.

        A count and then a page would each match and rank every hit; at 10,000 hits that is the page's
        largest cost. A bad page number is a 404, as on every list.
        """
        try:
            number = int(self.request.GET.get("page") or 1)
        except ValueError as error:
            raise Http404(_("页码无效。")) from error
        start = (number - 1) * self.per_page
        rows = queryset.annotate(search_total=Window(Count("pk"))).values_list("pk", "search_total")
        rows = list(rows[start : start + self.per_page]) if number >= 1 else []
        if not rows and number != 1:
            raise Http404(_("页码无效。"))
        paginator = Paginator([], self.per_page)
        paginator.count = rows[0][1] if rows else 0  # a cached_property: this is its value
        return Page([pk for pk, _ in rows], number, paginator)

    def _page(self, paginator):
        try:
            return paginator.page(self.request.GET.get("page") or 1)
        except InvalidPage as error:
            raise Http404(_("页码无效。")) from error


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


def favicon(request):
    """Browsers ask for /favicon.ico whatever the page says (the admin's pages say nothing)."""
    return redirect(static("img/favicon.svg"), permanent=True)


@never_cache
def health(request):
    """For the reverse proxy and monitoring: 200 while this app server can reach its database, else 503."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


@never_cache
@require_GET
def set_reading_preferences(request):
    """The toolbar's links without JavaScript: store 字号 / 高对比度 in cookies, back to the page.

    ``?fontsize=large|medium|small``, ``?contrast=high|normal``, ``?reset=1`` (默认), and
    ``next``: a path on this site (anything else goes to the home page). A plain GET link,
    so that cached pages carry no per-visitor form token; it only changes how pages look.
    """
    fontsize = request.GET.get("fontsize")
    contrast = request.GET.get("contrast")
    reset = request.GET.get("reset") == "1"
    if fontsize is not None and fontsize not in preferences.FONT_SIZES:
        raise BadRequest(_("无法识别的字号。"))
    if contrast is not None and contrast not in {preferences.HIGH_CONTRAST, "normal"}:
        raise BadRequest(_("无法识别的对比度。"))
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts=None) or not next_url.startswith("/"):
        next_url = "/"
    response = redirect(next_url)
    if reset:
        fontsize, contrast = preferences.DEFAULT_FONTSIZE, "normal"
    return preferences.store(
        response,
        fontsize=fontsize,
        high_contrast=None if contrast is None else contrast == preferences.HIGH_CONTRAST,
        secure=request.is_secure(),
    )


@require_POST
def editor_upload(request):
    """Pictures inserted or pasted in the rich-text editor (its URL name is the one the editor posts to).

    Answers in CKEditor 5's format: ``{"url": …}``, or ``{"error": {"message": …}}`` with 403 or 400.
    """
    if not may_upload_images(request.user):
        message = "您没有上传图片的权限：需要文章、协会文件版本或会员单位的新增或修改权限。"
        return JsonResponse({"error": {"message": message}}, status=403)
    try:
        url = store_editor_image(request.FILES.get("upload"))
    except ValidationError as error:
        return JsonResponse({"error": {"message": error.messages[0]}}, status=400)
    return JsonResponse({"url": url})


def server_error(request):
    """``handler500``: a 503 with ``Retry-After`` when the database is out, else the 500 page.

    Django calls it inside the ``except`` block of any uncaught exception, from a view or
    a middleware, so ``sys.exc_info()`` says what failed. Neither page needs the database
    or a context processor: the database may be what failed. The 500 page only says that
    technicians were told when ``ADMINS`` is set (Django then mails them the error).
    """
    error = sys.exc_info()[1]
    if isinstance(error, OperationalError | InterfaceError):
        context = {"retry_after_minutes": DATABASE_RETRY_AFTER // 60}
        response = HttpResponse(loader.render_to_string("503.html", context), status=503)
        response["Retry-After"] = str(DATABASE_RETRY_AFTER)
        return response
    return HttpResponseServerError(loader.render_to_string("500.html", {"admins_notified": bool(settings.ADMINS)}))
