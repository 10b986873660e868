"""Previews of drafts on the public pages ask for the same login steps as the admin (REQUIRE_2FA).

A staff session that gave its password but not yet its code (or has not enrolled the app required of
it) sees the public pages as a visitor does: no draft, no scheduled article, no hidden member.
"""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission, User
from django.test import Client
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from association.models import Document, DocumentVersion
from members.models import Member
from news.models import Article

PASSWORD = "correct-Horse-battery-9"
PREVIEW_PERMISSIONS = ["change_article", "change_member", "change_documentversion"]

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def require_2fa(settings):
    settings.REQUIRE_2FA = True


@pytest.fixture
def unpublished(make_article):
    """One of each thing only a preview shows; returns their public URLs."""
    draft = make_article("草稿文章", status=Article.Status.DRAFT)
    scheduled = make_article("定时文章", days_ago=-3)
    charter = Document.objects.create(slug="charter", title="协会章程", order=5)
    DocumentVersion.objects.create(
        document=charter, body="<p>第一条 已发布。</p>", status=DocumentVersion.Status.PUBLISHED, change_note="一"
    )
    DocumentVersion.objects.create(document=charter, body="<p>第一条 草稿文字。</p>", change_note="二")
    intro = Document.objects.create(slug="intro", title="协会简介", order=1)
    DocumentVersion.objects.create(document=intro, body="<p>简介草稿。</p>", change_note="草稿")
    hidden = Member.objects.create(name="已停用的园区", city="changsha", active=False)
    return [
        f"/news/{draft.pk}/",
        f"/news/{scheduled.pk}/",
        "/about/intro/",
        "/about/charter/v2/",
        "/about/charter/compare/1/2/",
        f"/members/{hidden.pk}/",
        f"/en/members/{hidden.pk}/",
    ]


def code(device):
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = timezone.now().timestamp()
    return f"{totp.token():06d}"


def password_only(user):
    """A browser that gave the password on the real login form, and nothing else."""
    client = Client()
    response = client.post("/admin/login/?next=/admin/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def verified(user, device):
    client = password_only(user)
    response = client.post("/admin/2fa/", {"token": code(device), "next": "/admin/"})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    return client


def editor(enrolled):
    """A staff account (not a superuser) that may change articles, members and document versions."""
    user = User.objects.create_user("editor", "editor@example.com", PASSWORD, is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename__in=PREVIEW_PERMISSIONS))
    device = TOTPDevice.objects.create(user=user, name="手机", confirmed=True) if enrolled else None
    return user, device


def superuser(enrolled):
    user = User.objects.create_superuser("chief", "chief@example.com", PASSWORD)
    device = TOTPDevice.objects.create(user=user, name="手机", confirmed=True) if enrolled else None
    return user, device


def test_a_superuser_logged_in_with_the_password_only_previews_nothing(unpublished):
    """REQUIRE_2FA: a superuser who has not enrolled an app yet only gets the enrolment page, on the
    admin and on the public pages alike."""
    client = password_only(superuser(enrolled=False)[0])
    assert client.get("/admin/").status_code == 302
    for url in unpublished:
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize("make_user", [editor, superuser])
def test_a_session_that_has_not_given_its_code_yet_previews_nothing(unpublished, make_user):
    user, _device = make_user(enrolled=True)
    client = password_only(user)
    assert client.get("/admin/").status_code == 302
    for url in unpublished:
        response = client.get(url)
        assert response.status_code == 404, url
        assert "草稿" not in response.content.decode()


@pytest.mark.parametrize("make_user", [editor, superuser])
def test_after_the_code_the_same_session_previews_everything(unpublished, make_user):
    user, device = make_user(enrolled=True)
    client = verified(user, device)
    assert client.get("/admin/").status_code == 200
    for url in unpublished:
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize(
    ("make_user", "enrolled", "give_code"),
    [
        (editor, False, False),
        (editor, True, False),
        (editor, True, True),
        (superuser, False, False),
        (superuser, True, False),
        (superuser, True, True),
    ],
)
def test_previews_open_exactly_when_the_admin_opens(unpublished, make_user, enrolled, give_code):
    """One rule for both: an editor not asked for an app keeps previewing with the password alone."""
    user, device = make_user(enrolled=enrolled)
    client = verified(user, device) if give_code else password_only(user)
    admin_open = client.get("/admin/").status_code == 200
    previews = {url: client.get(url).status_code for url in unpublished}
    assert set(previews.values()) == ({200} if admin_open else {404})


def test_an_unverified_session_is_not_served_a_preview_from_the_page_cache(unpublished, make_article):
    """A verified editor's preview is never stored for the next session that asks."""
    user, device = editor(enrolled=True)
    verified(user, device).get(unpublished[0])
    assert password_only(user).get(unpublished[0]).status_code == 404


def test_the_scheduled_article_turns_public_at_its_time(unpublished, client, time_machine):
    """Control: what the previews hide is really unpublished, not broken."""
    assert client.get(unpublished[1]).status_code == 404
    time_machine.move_to(timezone.now() + timedelta(days=4))
    assert client.get(unpublished[1]).status_code == 200
