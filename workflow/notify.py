"""Emails of the review: to the next step's group, and back to the writer.

Sent with Django's email backend after the transaction commits (the console in development,
locmem in tests); an address that fails or no mail server at all never stops the review.
"""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse

logger = logging.getLogger(__name__)


def _link(review):
    base = getattr(settings, "SITE_URL", "").rstrip("/")
    return base + reverse("admin:workflow_review_item", args=[review.content_type_id, review.object_id])


def _send(subject, lines, recipients):
    recipients = sorted({address for address in recipients if address})
    if not recipients:
        return

    def send():
        try:
            send_mail(subject, "\n".join(lines), None, recipients, fail_silently=False)
        except Exception:  # any mail failure; the decision is made and recorded already
            logger.exception("workflow: could not send %r", subject)

    transaction.on_commit(send)


def step_waiting(review):
    """The item waits for the current step's group."""
    step = review.current_step
    if step is None:
        return
    users = get_user_model().objects.filter(groups=step.group_id, is_active=True, is_staff=True)
    _send(
        f"【待审核】{review.title}",
        [
            f"“{review.title}”（{review.section}）等待您审核：第 {review.step_number} 步“{step.name}”。",
            f"审核页面：{_link(review)}",
        ],
        users.values_list("email", flat=True),
    )


def returned(review, comment):
    if review.writer is None:
        return
    _send(
        f"【退回修改】{review.title}",
        [f"“{review.title}”被退回修改。", f"意见：{comment}", f"审核页面：{_link(review)}"],
        [review.writer.email],
    )


def approved(review):
    if review.writer is None:
        return
    _send(
        f"【审核通过】{review.title}",
        [f"“{review.title}”已通过审核并发布（或按定时发布）。", f"审核单：{_link(review)}"],
        [review.writer.email],
    )
