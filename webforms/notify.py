"""E-mails of the forms: to the person who wrote (reference, decisions, replies) and to the secretariat.

Every value a visitor typed goes into plain-text mails only (no HTML part), and the subject never holds
what a visitor typed, so nothing they write can become markup or a header."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string

from hnda_site.models import SiteSettings

logger = logging.getLogger(__name__)


def absolute(path):
    return settings.SITE_URL.rstrip("/") + path


def staff_addresses():
    site_email = SiteSettings.load().email
    return [address for address in (settings.FORMS_NOTIFY_EMAIL or site_email,) if address]


def send(template, subject, recipients, **context):
    recipients = [address for address in recipients if address]
    if not recipients:
        return 0
    body = render_to_string(f"webforms/email/{template}.txt", context)
    try:
        return send_mail(subject, body, None, recipients)
    except Exception:  # the submission is saved; a mail server that is down must not lose it
        logger.exception("forms: could not send %s to %s", template, recipients)
        return 0
