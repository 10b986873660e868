from django.shortcuts import redirect
from django.templatetags.static import static
from django.views.generic import ListView, TemplateView

from news.models import Article

# How many articles the home page's 焦点图 shows at most.
FOCUS_COUNT = 5


class HomeView(TemplateView):
    """The portal: 焦点图, the 栏目 columns, 协会简介, members, 友情链接 (each only when it has content)."""

    template_name = "home.html"

    def get_context_data(self, **kwargs):
        published = Article.objects.published()
        focus_articles = list(published.featured().only("id", "title", "cover", "published_at")[:FOCUS_COUNT])
        columns = published.home_columns()
        # With a 焦点图, the first column stands beside it; the others go below.
        top_column = columns[0] if focus_articles and columns else None
        return super().get_context_data(
            focus_articles=focus_articles,
            top_column=top_column,
            columns=columns[1:] if top_column else columns,
            **kwargs,
        )


class ContactView(TemplateView):
    """联系我们: address, phone, email, office hours and the location image, from the site settings."""

    template_name = "contact.html"


class SearchView(ListView):
    """Search the site's public content; title matches rank first."""

    template_name = "search.html"
    context_object_name = "articles"
    paginate_by = 20

    def get_query(self):
        return " ".join(self.request.GET.get("q", "").split())[:100]

    def get_queryset(self):
        query = self.get_query()
        if not query:
            return Article.objects.none()
        return Article.objects.published().for_list().search(query)

    def get_context_data(self, **kwargs):
        return super().get_context_data(query=self.get_query(), **kwargs)


def favicon(request):
    """Browsers ask for /favicon.ico whatever the page says (the admin's pages say nothing)."""
    return redirect(static("img/favicon.svg"), permanent=True)
