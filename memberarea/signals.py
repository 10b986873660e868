"""Privacy: deleting a contact removes its account and its personal data, also from the history rows
(the history keeps that a contact of the unit was added, changed and deleted, without who it was)."""

from django.db.models.signals import post_delete
from django.dispatch import receiver

from .models import MemberContact

ERASED = "（已删除）"


@receiver(post_delete, sender=MemberContact, dispatch_uid="memberarea-erase-contact")
def erase_personal_data(sender, instance, **kwargs):
    MemberContact.history.filter(id=instance.pk).update(name=ERASED, position="", phone="", email="")
    user_model = type(instance).user.field.related_model
    user_model.objects.filter(pk=instance.user_id).delete()
