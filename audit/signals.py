from django.contrib.contenttypes.models import ContentType
from django.dispatch import receiver
from simple_history.signals import post_create_historical_record

from editorial.changes import describe_changes

from .models import ChangeRecord


@receiver(post_create_historical_record, dispatch_uid="audit_change_record")
def record_change(sender, instance, history_instance, **kwargs):
    """Index each new history row in 操作记录; a save that changed no content is not listed."""
    changes = []
    if history_instance.history_type == ChangeRecord.Action.CHANGED:
        previous = history_instance.prev_record
        if previous is not None:
            changes = describe_changes(previous, history_instance)
            if not changes:
                return
    ChangeRecord.objects.create(
        at=history_instance.history_date,
        user_id=history_instance.history_user_id,
        content_type=ContentType.objects.get_for_model(instance),
        object_id=str(instance.pk),
        object_repr=str(instance)[:300],
        action=history_instance.history_type,
        reason=(history_instance.history_change_reason or "")[:100],
        changes=[list(change) for change in changes],
    )
