from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.shortcuts import redirect
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.generic import ListView, TemplateView

from news.models import Article

HOME_NEWS_COUNT = 8


class HomeView(TemplateView):
    template_name = "home.html"

    def get_context_data(self, **kwargs):
        latest = Article.objects.published().for_list()[:HOME_NEWS_COUNT]
        return super().get_context_data(latest_articles=latest, **kwargs)


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


@never_cache
def health(request):
    """For the reverse proxy and monitoring: 200 while this app server can reach its database, else 503."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")
