from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect
from django.templatetags.static import static
from django.views.decorators.http import require_POST
from django.views.generic import ListView, TemplateView

from news.models import Article

from .richtext import may_upload_images, store_editor_image

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
