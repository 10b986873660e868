from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView

from .models import Article, Category, is_bot

NEWS_PER_PAGE = 20


class ArticleListView(ListView):
    """All public articles: pinned first, then newest. Bad page numbers are 404s."""

    template_name = "news/article_list.html"
    context_object_name = "articles"
    paginate_by = NEWS_PER_PAGE
    category = None

    def get_queryset(self):
        articles = Article.objects.published().for_list()
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
        articles = Article.objects.select_related("category")
        user = self.request.user
        return articles if user.is_staff and user.has_perm("news.change_article") else articles.published()

    def get_object(self, queryset=None):
        article = super().get_object(queryset)
        if not (self.request.user.is_staff or is_bot(self.request.headers.get("User-Agent"))):
            article.count_view()
        return article

    def get_context_data(self, **kwargs):
        newer, older = self.object.neighbours()
        return super().get_context_data(
            newer=newer,
            older=older,
            related=self.object.related(exclude=(newer, older)),
            nav_section=self.object.category.nav_key,
            **kwargs,
        )
