"""The publishing guard: every save of an article or a document version passes through here.

Before the save, :func:`workflow.services.publish_refusal` decides whether the acting staff
account may make the item public (or change it while public); after it, a direct publication
gets its 审核单 and an edit of an item under review restarts the review. The acting account is
the request's (simple-history's middleware keeps it), so the admin form, list actions, imports
and a forged POST are all judged the same way; a save outside any request (the seed loader, a
script, a management command) is the system's and never refused.
"""

from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver
from simple_history.models import HistoricalRecords

from association.models import DocumentVersion
from news.models import Article

from . import services
from .content import adapter_for


def request_user():
    """The staff account of the request being served (simple-history's middleware keeps it), or None."""
    request = getattr(HistoricalRecords.context, "request", None)
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def acting_user(instance):
    """Who a save is recorded as: the request's account, else the one code named (``publish(user=…)``)."""
    return request_user() or getattr(instance, "_history_user", None)


@receiver(pre_save, sender=Article, dispatch_uid="workflow_guard_article")
@receiver(pre_save, sender=DocumentVersion, dispatch_uid="workflow_guard_version")
def refuse_unreviewed_publishing(sender, instance, raw=False, **kwargs):
    if raw:
        return
    stored = services._stored(instance)
    instance._workflow_stored = stored
    refusal = services.publish_refusal(instance, request_user(), stored)
    if refusal:
        raise services.PublishingRefused(refusal)


@receiver(post_save, sender=Article, dispatch_uid="workflow_record_article")
@receiver(post_save, sender=DocumentVersion, dispatch_uid="workflow_record_version")
def record_publication_or_edit(sender, instance, raw=False, **kwargs):
    stored = instance.__dict__.pop("_workflow_stored", None)
    authorized = instance.__dict__.pop("_workflow_authorized", False)
    if raw or authorized:
        return
    adapter = adapter_for(instance)
    user = acting_user(instance)
    was_public = stored is not None and adapter.is_published(stored)
    if adapter.is_published(instance) and not was_public:
        if user is not None:
            services.record_direct_publication(instance, user)
    elif stored is not None and not adapter.is_published(instance) and services.content_changed(instance, stored):
        services.record_edit(instance, user)


@receiver(post_delete, sender=Article, dispatch_uid="workflow_cancel_article")
@receiver(post_delete, sender=DocumentVersion, dispatch_uid="workflow_cancel_version")
def cancel_open_review(sender, instance, **kwargs):
    """A deleted item waits for nobody: its open review is cancelled (its 审核单 stays)."""
    services.cancel_open_review(instance, acting_user(instance))
