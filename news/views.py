from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView

from hnda_site import languages
from pagecache import cache as pagecache

from . import viewcounter
from .models import Article, Category

NEWS_PER_PAGE = 20


class ArticleListView(ListView):
    """All public articles (on an English page, those with an English version): pinned first, then
    newest. Bad page numbers are 404s."""

    template_name = "news/article_list.html"
    context_object_name = "articles"
    paginate_by = NEWS_PER_PAGE
    category = None

    def get_queryset(self):
        articles = Article.objects.published().in_page_language().for_list()
        if self.category:
            articles = articles.filter(category=self.category)
        return articles

    def get_context_data(self, **kwargs):
        nav_section = self.category.nav_key if self.category else None
        return super().get_context_data(category=self.category, nav_section=nav_section, **kwargs)


class CategoryArticleListView(ArticleListView):
    def get(self, request, *args, slug, **kwargs):
        self.category = get_object_or_404(Category, slug=slug)
        return super().get(request, *args, **kwargs)


class ArticleDetailView(DetailView):
    """One article. Staff who may change articles preview drafts and scheduled ones; only public views count."""

    template_name = "news/article_detail.html"
    context_object_name = "article"

    def get_queryset(self):
        articles = Article.objects.select_related("category", "registration_form").in_page_language()
        user = self.request.user
        return articles if user.is_staff and user.has_perm("news.change_article") else articles.published()

    def get(self, request, *args, **kwargs):
        """Counted here, not in get_object(): a GET by a visitor counts, HEAD and previews do not.

        The page shows a placeholder where the count goes, so that the page cache can serve
        it to later visitors with their own (counted) number in place.
        """
        self.object = self.get_object()
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
