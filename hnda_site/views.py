import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseServerError
from django.shortcuts import redirect
from django.template import loader
from django.templatetags.static import static
from django.views.generic import ListView, TemplateView

from news.models import Article

HOME_NEWS_COUNT = 8
# How long a visitor is asked to wait when the database is unreachable.
DATABASE_RETRY_AFTER = 120


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
