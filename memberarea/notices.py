"""E-mails to member contacts: notices of members-only posts, a new account's password link, decisions."""

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mass_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from .models import MemberContact


def absolute(path):
    return settings.SITE_URL.rstrip("/") + path


def send_notice(notice, staff_user):
    """E-mail ``notice`` to the active contacts of its audience; record the units and the time. Returns the count."""
    contacts = list(MemberContact.objects.for_audience(**notice.audience_filters()))
    link = absolute(notice.post.get_absolute_url())
    messages = [
        (
            notice.subject,
            render_to_string("memberarea/email/notice.txt", {"notice": notice, "contact": contact, "link": link}),
            None,
            [contact.email],
        )
        for contact in contacts
    ]
    send_mass_mail(messages, fail_silently=False)
    notice.sent_at = timezone.now()
    notice.sent_by = staff_user
    notice.save(update_fields=["sent_at", "sent_by"])
    notice.recipient_units.set({contact.member_id for contact in contacts})
    return len(messages)


def send_welcome(contact):
    """A new contact account's e-mail: how to log in, and a link to set its password (valid as Django's reset)."""
    user = contact.user
    link = absolute(
        reverse(
            "memberarea:password_reset_confirm",
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": default_token_generator.make_token(user),
            },
        )
    )
    body = render_to_string(
        "memberarea/email/welcome.txt",
        {"contact": contact, "link": link, "login": absolute(reverse("memberarea:login"))},
    )
    user.email_user("湖南省开发区协会会员专区账号已开通", body)


def send_decision(proposal):
    """Tell the contact who proposed a change what staff decided."""
    if proposal.contact is None:
        return
    body = render_to_string(
        "memberarea/email/decision.txt",
        {"proposal": proposal, "link": absolute(reverse("memberarea:entry"))},
    )
    subject = (
        "您提交的单位信息修改已通过" if proposal.status == proposal.Status.APPROVED else "您提交的单位信息修改被退回"
    )
    proposal.contact.user.email_user(subject, body)
