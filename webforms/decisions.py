"""What staff decide on a submission, in one place for the admin's buttons and actions."""

import secrets

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from memberarea.models import MemberContact
from memberarea.notices import send_welcome
from members.models import Member

from . import notify
from .models import MembershipApplication


class AlreadyDecided(Exception):
    """Another staff member decided on this application a moment ago."""


def _lock_pending(application):
    locked = MembershipApplication.objects.select_for_update().get(pk=application.pk)
    if locked.status != MembershipApplication.Status.PENDING:
        raise AlreadyDecided
    return locked


def approve(application, staff_user):
    """Create the member unit (not shown on the site until staff publish it) and its contact's account."""
    with transaction.atomic():
        application = _lock_pending(application)
        member = Member(
            name=application.unit_name,
            city=application.city,
            level=application.level,
            kind=application.kind,
            active=False,
        )
        member._history_user = staff_user
        member._change_reason = f"入会申请 {application.reference} 审核通过"
        member.save()
        contact = None
        if not get_user_model().objects.filter(username=application.phone).exists():
            user = get_user_model().objects.create_user(
                username=application.phone, email=application.email, password=secrets.token_urlsafe(32)
            )
            contact = MemberContact.objects.create(
                user=user,
                member=member,
                name=application.contact_name,
                phone=application.phone,
                email=application.email,
                created_by=staff_user,
            )
        application.status = MembershipApplication.Status.APPROVED
        application.member = member
        _decided(application, staff_user)
    if contact is not None:
        send_welcome(contact)
    _tell_applicant(application)
    return member


def reject(application, staff_user, reason):
    with transaction.atomic():
        application = _lock_pending(application)
        application.status = MembershipApplication.Status.REJECTED
        application.reason = reason
        _decided(application, staff_user)
    _tell_applicant(application)
    return application


def _decided(application, staff_user):
    application.decided_by = staff_user
    application.decided_at = timezone.now()
    application._history_user = staff_user
    application.save()


def _tell_applicant(application):
    notify.send(
        "application_decided",
        "入会申请审核结果",
        [application.email],
        application=application,
        status_url=notify.absolute(application.get_status_url()),
    )
