"""Two-factor login (TOTP, django-otp): optional for staff, required for superusers with REQUIRE_2FA."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

PASSWORD = "correct-Horse-battery-9"

pytestmark = pytest.mark.django_db


def code(device, offset=0):
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = timezone.now().timestamp() + offset
    return f"{totp.token():06d}"


def logged_in(user):
    """A browser that has passed the password step (through the real login form)."""
    client = Client()
    response = client.post("/admin/login/?next=/admin/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return client


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("chief", "chief@example.com", PASSWORD)


@pytest.fixture
def staff(db):
    return User.objects.create_user("editor", "editor@example.com", PASSWORD, is_staff=True)


@pytest.fixture
def require_2fa(settings):
    settings.REQUIRE_2FA = True


def enrolled(user):
    return TOTPDevice.objects.create(user=user, name="手机", confirmed=True)


@pytest.mark.parametrize("url", ["/admin/", "/admin/news/article/", "/admin/auth/user/"])
def test_required_superuser_without_a_device_only_gets_the_enrolment_page(require_2fa, superuser, url):
    response = logged_in(superuser).get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/2fa/setup/?next=")


def test_required_superuser_cannot_upload_to_the_editor_before_enrolling(require_2fa, superuser):
    response = logged_in(superuser).post("/ckeditor5/image_upload/")
    assert response.status_code == 302 and "/admin/2fa/setup/" in response["Location"]


def test_enrolment_page_shows_a_qr_code_and_the_secret(require_2fa, superuser):
    content = logged_in(superuser).get("/admin/2fa/setup/").content.decode()
    device = TOTPDevice.objects.get(user=superuser, confirmed=False)
    assert 'src="data:image/svg+xml' in content
    secret = device.config_url.split("secret=")[1].split("&")[0]
    assert " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)) in content
    assert "启用两步验证" in content and "要求超级管理员使用两步验证" in content


def test_enrolling_with_a_valid_code_opens_the_admin(require_2fa, superuser):
    client = logged_in(superuser)
    client.get("/admin/2fa/setup/")
    device = TOTPDevice.objects.get(user=superuser)
    response = client.post("/admin/2fa/setup/", {"token": code(device), "next": "/admin/news/article/"})
    assert response.status_code == 302 and response["Location"] == "/admin/news/article/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/admin/news/article/").status_code == 200


def test_enrolling_with_a_wrong_code_is_refused(require_2fa, superuser):
    client = logged_in(superuser)
    client.get("/admin/2fa/setup/")
    device = TOTPDevice.objects.get(user=superuser)
    wrong = "000000" if code(device) != "000000" else "111111"
    response = client.post("/admin/2fa/setup/", {"token": wrong})
    assert response.status_code == 200
    assert "验证码不正确或已过期" in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    assert client.get("/admin/").status_code == 302


def test_staff_with_a_device_give_the_code_after_the_password(staff):
    device = enrolled(staff)
    client = logged_in(staff)
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/2fa/?next=")
    page = client.get(response["Location"]).content.decode()
    assert "两步验证" in page and "验证码" in page
    response = client.post("/admin/2fa/", {"token": code(device), "next": "/admin/"})
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_a_wrong_code_is_refused(staff):
    device = enrolled(staff)
    client = logged_in(staff)
    wrong = code(device, offset=300)  # a real code, but of five minutes from now
    response = client.post("/admin/2fa/", {"token": wrong})
    assert response.status_code == 200
    assert "验证码不正确或已过期" in response.content.decode()
    assert client.get("/admin/").status_code == 302


def test_wrong_codes_slow_down_guessing(staff):
    device = enrolled(staff)
    client = logged_in(staff)
    for _ in range(3):
        client.post("/admin/2fa/", {"token": code(device, offset=300)})
    # Now even the right code waits out the throttle (2**(3-1) = 4 seconds)...
    assert client.post("/admin/2fa/", {"token": code(device)}).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(seconds=5)):
        # ...and works after it.
        assert client.post("/admin/2fa/", {"token": code(device)})["Location"] == "/admin/"


def test_two_factor_is_optional_for_staff_and_without_require_2fa(staff, superuser):
    assert logged_in(staff).get("/admin/").status_code == 200
    assert logged_in(superuser).get("/admin/").status_code == 200


def test_staff_can_turn_it_off_unless_required(staff, superuser, settings):
    client = logged_in(staff)
    client.get("/admin/2fa/setup/")
    device = TOTPDevice.objects.get(user=staff)
    client.post("/admin/2fa/setup/", {"token": code(device)})
    assert "已启用两步验证" in client.get("/admin/2fa/setup/").content.decode()
    client.post("/admin/2fa/setup/")
    assert not TOTPDevice.objects.filter(user=staff).exists()

    settings.REQUIRE_2FA = True
    device = enrolled(superuser)
    chief = logged_in(superuser)
    chief.post("/admin/2fa/", {"token": code(device)})
    chief.post("/admin/2fa/setup/")
    assert TOTPDevice.objects.filter(user=superuser).exists()


def test_admin_links_to_two_factor_settings(staff):
    assert 'href="/admin/2fa/setup/"' in logged_in(staff).get("/admin/").content.decode()


def test_next_cannot_lead_to_another_site(staff):
    device = enrolled(staff)
    client = logged_in(staff)
    response = client.post("/admin/2fa/", {"token": code(device), "next": "https://evil.example/"})
    assert response["Location"] == "/admin/"
