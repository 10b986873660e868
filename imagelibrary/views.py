"""The library chooser: a small admin page, opened in a window from the editor, that inserts an image."""

from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import InvalidPage, Paginator
from django.http import Http404
from django.shortcuts import render

from richtext.text import may_upload_images

from .models import LibraryImage

PER_PAGE = 24


@staff_member_required
def choose(request):
    """Library images (search by 名称 or 替代文字), each with an 插入 button (static/js/library-chooser.js)."""
    if not may_upload_images(request.user):
        raise PermissionDenied
    query = " ".join(request.GET.get("q", "").split())[:50]
    images = LibraryImage.objects.search(query)
    paginator = Paginator(images, PER_PAGE)
    try:
        page = paginator.page(request.GET.get("page") or 1)
    except InvalidPage as error:
        raise Http404("页码无效。") from error
    target = request.GET.get("target", "")
    context = {
        **admin.site.each_context(request),
        "title": "从图片库插入图片",
        "is_popup": True,  # a window of its own: no header, no navigation
        "is_nav_sidebar_enabled": False,
        "page_obj": page,
        "images": page.object_list,
        "query": query,
        "target": target if target.replace("_", "").replace("-", "").isalnum() else "",
    }
    return render(request, "admin/imagelibrary/choose.html", context)
