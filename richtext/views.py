from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.views.decorators.http import require_POST

from .text import may_upload_images, store_editor_image


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
