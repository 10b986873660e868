"""Downloading an attachment, and the 下载中心 (every public attachment, filterable)."""

from urllib.parse import quote

from django.core.paginator import InvalidPage, Paginator
from django.db.models import Q
from django.db.models.functions import ExtractYear
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe
from django.views.generic import TemplateView

from hnda_site import languages
from hnda_site.numbers import parse_digits
from news.models import Category, is_bot

from . import filetypes
from .models import Attachment

GROUP_LABELS = {
    "pdf": "PDF",
    "word": "Word / WPS",
    "excel": "Excel / ET",
    "zip": "ZIP",
    "image": gettext_lazy("图片"),
}

# Whatever the file holds, a browser that opens it anyway must not run it.
SANDBOX = "default-src 'none'; sandbox"


def content_disposition(name):
    """``attachment`` with an ASCII fallback and the real (Chinese) name in RFC 5987 ``filename*``."""
    fallback = "".join(ch if ch.isascii() and ch.isprintable() and ch not in '"\\;' else "_" for ch in name)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def countable(request):
    """A download by a visitor: a GET (not HEAD), not a bot, not staff."""
    if request.method != "GET" or is_bot(request.headers.get("User-Agent")):
        return False
    return not request.user.is_staff


@require_safe
def download(request, pk):
    """The file of an attachment its visitor may see (404 otherwise, as if it did not exist).

    Never stored by the page cache (a streamed response, and /files/ is excluded) nor by a shared
    cache: a staff preview's download must not reach the public.
    """
    attachment = get_object_or_404(Attachment.objects.visible_to(request.user), pk=pk)
    try:
        file = attachment.file.open("rb")
    except (OSError, ValueError) as error:
        raise Http404(_("文件不存在。")) from error
    if countable(request):
        attachment.count_download()
    response = FileResponse(file, content_type=attachment.content_type)
    response["Content-Disposition"] = content_disposition(attachment.display_name)
    response["Content-Length"] = str(attachment.size)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = SANDBOX
    response["Cache-Control"] = "private, no-cache"
    response["X-Robots-Tag"] = "noindex"
    response._csp_exempt = True  # our sandbox policy, not the pages' one
    return response


class DownloadCenterView(TemplateView):
    """下载中心: every public attachment, newest first, by 栏目 and date.

    Query string: ``section`` (a 栏目's slug, or ``about`` for the association's documents), ``type``
    (pdf, word, excel, zip, image), ``year``, ``q`` (words in the name) and ``page``. Unknown filters
    are ignored; a bad page number is a 404, as on every list.
    """

    template_name = "attachments/download_center.html"
    per_page = 20

    def get_context_data(self, **kwargs):
        params = self.request.GET
        categories = list(Category.objects.all())
        section = params.get("section", "")
        if section != "about" and section not in {category.slug for category in categories}:
            section = ""
        kind_group = params.get("type") if params.get("type") in filetypes.GROUPS else ""
        year = parse_digits(params.get("year", ""))
        query = " ".join(params.get("q", "").split())[:50]

        attachments = Attachment.objects.public().with_date().for_listing()
        if languages.is_english():
            # English pages list what has an English page: articles with an English edition, documents.
            attachments = attachments.exclude(article__title_en="").exclude(article__body_en="")
        if section == "about":
            attachments = attachments.filter(document__isnull=False)
        elif section:
            attachments = attachments.filter(article__category__slug=section)
        if kind_group:
            attachments = attachments.filter(kind__in=filetypes.GROUPS[kind_group])
        years = [
            year
            for year in attachments.annotate(year=ExtractYear("dated"))
            .order_by("-year")
            .values_list("year", flat=True)
            .distinct()
            if year
        ]
        if year not in years:
            year = None  # only a year that has files (no out-of-range date reaches the database)
        if year:
            attachments = attachments.filter(dated__year=year)
        for word in query.split():
            attachments = attachments.filter(Q(title__icontains=word) | Q(original_name__icontains=word))
        attachments = attachments.order_by("-dated", "order", "-id")

        paginator = Paginator(attachments, self.per_page)
        try:
            page = paginator.page(self.request.GET.get("page") or 1)
        except InvalidPage as error:
            raise Http404(_("页码无效。")) from error
        return super().get_context_data(
            page_obj=page,
            attachments=page.object_list,
            categories=categories,
            section=section,
            kind_group=kind_group,
            kind_groups=list(GROUP_LABELS.items()),
            year=year,
            years=years,
            query=query,
            nav_section="downloads",
            **kwargs,
        )
