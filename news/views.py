from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.urls import reverse
from django.utils import translation
from django.utils.functional import cached_property
from django.views.generic import DetailView, ListView

from hnda_site import languages
from hnda_site.pagination import PageNumberMixin
from pagecache import cache as pagecache
from security import twofactor

from . import viewcounter
from .models import Article, Category

NEWS_PER_PAGE = 20
DEEP_PAGE_OFFSET = 400  # from here a page skips keys, not rows


class KeysFirstPaginator(Paginator):
    """A deep page (page 2,000 of a 栏目) takes its 20 keys from the list's covering index first, then
    reads those 20 rows: skipping 40,000 rows would read each of them, skipping keys reads the index.

    With a ``count_key``, the count is remembered per process and language until content changes
    (``pagecache.memoize``; a scheduled article's time moves the page cache's stamp on too): the pages of a
    list, each rendered once, count the same articles."""

    count_key = None

    @cached_property
    def count(self):
        counted = Paginator.count.func
        if self.count_key is None:
            return counted(self)
        return pagecache.memoize(self.count_key, lambda: counted(self))

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        if bottom < DEEP_PAGE_OFFSET or not hasattr(self.object_list, "values_list"):
            return super().page(number)
        top = min(bottom + self.per_page, self.count)
        if top + self.orphans >= self.count:
            top = self.count
        keys = list(self.object_list.values_list("pk", flat=True)[bottom:top])
        rows = {row.pk: row for row in self.object_list.filter(pk__in=keys)}
        return self._get_page([rows[key] for key in keys if key in rows], number, self)


class ArticleListView(PageNumberMixin, ListView):
    """All public articles (on an English page, those with an English version): pinned first, then
    newest. Bad page numbers are 404s."""

    template_name = "news/article_list.html"
    context_object_name = "articles"
    paginate_by = NEWS_PER_PAGE
    page_cache_query = ("page",)  # every other query parameter is dropped for the page cache (pagecache.reads_query)
    paginator_class = KeysFirstPaginator
    category = None

    def get_queryset(self):
        articles = Article.objects.published().in_page_language().for_list()
        if self.category:
            articles = articles.filter(category=self.category)
        return articles

    def get_paginator(self, *args, **kwargs):
        paginator = super().get_paginator(*args, **kwargs)
        paginator.count_key = f"article-count:{self.category.pk if self.category else 'all'}"
        return paginator

    def get_context_data(self, **kwargs):
        nav_section = self.category.nav_key if self.category else None
        return super().get_context_data(category=self.category, nav_section=nav_section, **kwargs)


class CategoryArticleListView(ArticleListView):
    def get(self, request, *args, slug, **kwargs):
        # The 栏目 by their 网址名, remembered per process until content changes (a few rows).
        categories = pagecache.memoize("categories-by-slug", lambda: {c.slug: c for c in Category.objects.all()})
        self.category = categories.get(slug)
        if self.category is None:
            raise Http404
        return super().get(request, *args, **kwargs)


class ArticleDetailView(DetailView):
    """One article. Staff who may change articles preview drafts and scheduled ones; only public views count."""

    template_name = "news/article_detail.html"
    context_object_name = "article"

    def get_queryset(self):
        # Whether it has 附件, with the article: most have none, and their page then asks nothing more.
        attachments = Article.attachments.rel.related_model.objects.filter(article=OuterRef("pk"))
        articles = (
            Article.objects.select_related("category", "registration_form")
            .annotate(has_attachments=Exists(attachments))
            .in_page_language()
        )
        return articles if twofactor.can_preview(self.request.user, "news.change_article") else articles.published()

    def get(self, request, *args, **kwargs):
        """Counted here, not in get_object(): a GET by a visitor counts, HEAD and previews do not.

        The page shows a placeholder where the count goes, so that the page cache can serve
        it to later visitors with their own (counted) number in place.
        """
        try:
            self.object = self.get_object()
        except Http404:
            if languages.is_english() and Article.objects.published().filter(pk=kwargs["pk"]).exists():
                # A Chinese-only article: the English 404 offers the Chinese text.
                with translation.override(languages.CHINESE):
                    request.chinese_original = reverse("news:detail", args=[kwargs["pk"]])
            raise
        if not self.object.has_english:
            languages.exists_only_in(request, languages.CHINESE)
        article_id = self.object.pk
        views = viewcounter.views_for(request, article_id)
        response = self.render_to_response(self.get_context_data(view_count=viewcounter.PLACEHOLDER))

        def views_of_later_visitor(request):
            return str(viewcounter.views_for(request, article_id))

        return pagecache.per_request(response, viewcounter.PLACEHOLDER, str(views), views_of_later_visitor)

    def get_context_data(self, **kwargs):
        newer, older = self.object.neighbours()
        return super().get_context_data(
            newer=newer,
            older=older,
            related=self.object.related(exclude=(newer, older)),
            nav_section=self.object.category.nav_key,
            **kwargs,
        )
