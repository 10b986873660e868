import sys

from django.conf import settings
from django.core.exceptions import BadRequest
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpResponse, HttpResponseServerError
from django.shortcuts import redirect
from django.template import loader
from django.templatetags.static import static
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.generic import TemplateView

from association.models import Document
from members.models import Member
from news.models import Article
from pagecache import cache as pagecache
from richtext.text import summarize

from . import preferences

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
        columns = Article.home_columns()
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


@pagecache.reads_query("fontsize", "contrast", "reset", "next")
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
