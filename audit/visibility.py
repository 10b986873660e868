"""Who may read which part of 操作记录: each user only the history of models they may view.

A history row holds a record's title and its old and new values, so reading it is reading the
record: someone who may not open draft articles must not read their titles and body diffs here
either. Account records (users, groups, permissions) are for whoever may view users.
"""

from django.contrib import admin
from django.contrib.auth import get_permission_codename, get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from simple_history.models import registered_models


def may_view(request, model):
    """Whether ``request.user`` may view ``model``'s records: as its admin decides, else by permission."""
    model_admin = admin.site._registry.get(model)
    if model_admin is not None:
        return model_admin.has_view_or_change_permission(request)
    opts = model._meta
    return any(
        request.user.has_perm(f"{opts.app_label}.{get_permission_codename(action, opts)}")
        for action in ("view", "change")
    )


def account_models():
    """The models whose changes are recorded by ``audit.accounts`` (no simple-history of their own)."""
    return [get_user_model(), Group, Permission]


def readable_models(request):
    """The models whose history ``request.user`` may read."""
    users = get_user_model()
    may_view_users = may_view(request, users)
    readable = [model for model in registered_models.values() if may_view(request, model)]
    if may_view_users:
        readable += [model for model in account_models() if model is users or may_view(request, model)]
    return readable


def readable_content_types(request):
    """The content type ids of :func:`readable_models` (cached ids: no query after the first request)."""
    return [content_type.pk for content_type in ContentType.objects.get_for_models(*readable_models(request)).values()]


def visible_records(request, queryset):
    """``queryset`` of ChangeRecords narrowed to what ``request.user`` may read."""
    if request.user.is_superuser:
        return queryset
    return queryset.filter(content_type_id__in=readable_content_types(request))
