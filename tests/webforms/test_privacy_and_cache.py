"""Forms and caches, retention, and English."""

import re
from datetime import timedelta

import time_machine
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from tests.conftest import BROWSER_USER_AGENT
from webforms.models import ANONYMISED, Enquiry, MembershipApplication

from .conftest import APPLICATION, pdf_upload

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CAPTCHA = re.compile(r'name="captcha_0" value="([^"]+)"')


def test_a_form_page_is_never_served_to_another_visitor(settings, db):
    settings.PAGE_CACHE_ENABLED = True
    for url in ("/join/", "/ask/", "/en/ask/"):
        pages = []
        for _visitor in range(2):
            response = Client(HTTP_USER_AGENT=BROWSER_USER_AGENT).get(url)
            assert "X-Page-Cache" not in response and "no-store" in response["Cache-Control"]
            pages.append(response.content.decode())
        assert TOKEN.search(pages[0]).group(1) != TOKEN.search(pages[1]).group(1)
        assert CAPTCHA.search(pages[0]).group(1) != CAPTCHA.search(pages[1]).group(1)


def test_the_page_cache_never_keeps_a_page_that_used_a_csrf_token(rf):
    from django.http import HttpResponse

    from pagecache.cache import PageCacheMiddleware

    request = rf.get("/")
    request.META["CSRF_COOKIE_USED"] = True
    assert not PageCacheMiddleware.cacheable(request, HttpResponse("<form>"))
    assert PageCacheMiddleware.cacheable(rf.get("/"), HttpResponse("<p>"))


def test_personal_data_is_anonymised_after_the_retention_period(settings, db):
    settings.FORM_DATA_RETENTION_DAYS = 30
    application = MembershipApplication.objects.create(**APPLICATION, form_file=pdf_upload(), form_file_name="a.pdf")
    enquiry = Enquiry.objects.create(name="张三", contact="13811112222", subject="入会", message="我的电话13811112222")
    stored = application.form_file.name
    call_command("anonymise_form_data", stdout=open("/dev/null", "w"))  # noqa: SIM115
    application.refresh_from_db()
    assert application.phone == "13700001111"  # still within the period
    with time_machine.travel(timezone.now() + timedelta(days=31)):
        call_command("anonymise_form_data", stdout=open("/dev/null", "w"))  # noqa: SIM115
    application.refresh_from_db()
    enquiry.refresh_from_db()
    assert (application.contact_name, application.phone, application.email, application.form_file.name) == (
        ANONYMISED,
        "",
        "",
        "",
    )
    assert application.unit_name == APPLICATION["unit_name"] and application.anonymised_at is not None
    assert not application.form_file.storage.exists(stored)
    assert (enquiry.name, enquiry.contact, enquiry.message) == (ANONYMISED, ANONYMISED, ANONYMISED)
    assert enquiry.subject == "入会"


def test_the_forms_speak_english_under_en(client, db):
    page = client.get("/en/join/").content.decode()
    assert "Membership application" in page and "Unit name" in page and "Submit application" in page
    assert "I have read the" in page
    assert "Leave a message" in client.get("/en/ask/").content.decode()


def test_each_form_says_how_personal_data_is_handled(client, db):
    for url in ("/join/", "/ask/"):
        assert "/privacy/" in client.get(url).content.decode()
    assert "天后自动匿名化" in client.get("/privacy/").content.decode()
