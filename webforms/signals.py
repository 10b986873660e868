"""Public pages that show what staff set here: an article's 在线报名 link, and the 问答 page.

webforms is not a content app of the page cache (a visitor's submission must not empty it), so a staff
change that a public page shows moves the stamp on here."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from pagecache import cache as pagecache

from .models import Enquiry, RegistrationForm


@receiver([post_save, post_delete], sender=RegistrationForm, dispatch_uid="webforms-registration-form-pages")
def registration_form_changed(sender, **kwargs):
    pagecache.invalidate()


@receiver(post_save, sender=Enquiry, dispatch_uid="webforms-faq-pages")
@receiver(post_delete, sender=Enquiry, dispatch_uid="webforms-faq-pages-delete")
def enquiry_changed(sender, instance, created=False, **kwargs):
    if not created:  # a new message is never public
        pagecache.invalidate()
