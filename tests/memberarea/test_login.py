"""会员登录: contacts log in on the public page with their phone number, optionally a code; never staff."""

from datetime import timedelta

import django_otp.oath
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from .conftest import PASSWORD


def login(client, phone, password=PASSWORD, **extra):
    return client.post(reverse("memberarea:login"), {"username": phone, "password": password, **extra})


def test_a_contact_logs_in_with_phone_and_password(client, contact):
    response = login(client, contact.phone)
    assert response.status_code == 302 and response["Location"] == reverse("memberarea:home")
    assert "王明" in client.get(reverse("memberarea:home")).content.decode()


def test_a_wrong_password_is_a_form_error_in_chinese(client, contact):
    content = login(client, contact.phone, "wrong").content.decode()
    assert "手机号或密码不正确" in content


def test_staff_accounts_are_sent_to_the_admin(client, admin_user):
    admin_user.set_password(PASSWORD)
    admin_user.save()
    content = login(client, admin_user.username).content.decode()
    assert "不是会员联系人账号" in content
    assert "_auth_user_id" not in client.session


def test_repeated_failures_lock_the_login_out(client, contact, settings):
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        login(client, contact.phone, "wrong")
    response = login(client, contact.phone)
    assert response.status_code in (403, 429)
    assert "_auth_user_id" not in client.session


def test_the_login_page_is_never_cached(client, settings, db):
    settings.PAGE_CACHE_ENABLED = True
    first = client.get(reverse("memberarea:login"))
    second = client.get(reverse("memberarea:login"))
    assert "X-Page-Cache" not in second
    assert "no-store" in first["Cache-Control"]


def test_with_an_authenticator_the_code_is_asked_after_the_password(client, contact):
    device = TOTPDevice.objects.create(user=contact.user, name="app", confirmed=True)
    response = login(client, contact.phone)
    assert response["Location"] == reverse("memberarea:login_code")
    assert "_auth_user_id" not in client.session
    content = client.post(reverse("memberarea:login_code"), {"token": "000000"}).content.decode()
    assert "验证码不正确" in content
    with time_machine.travel(timezone.now() + timedelta(seconds=5)):  # django-otp slows down after a failure
        token = django_otp.oath.totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
        response = client.post(reverse("memberarea:login_code"), {"token": f"{token:06d}"})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(contact.user.pk)


def test_the_code_page_without_a_password_first_goes_back_to_login(client):
    assert client.get(reverse("memberarea:login_code"))["Location"] == reverse("memberarea:login")


def test_a_contact_enrols_an_authenticator(member_client, contact):
    page = member_client.get(reverse("memberarea:security")).content.decode()
    assert "data:image/svg+xml" in page
    device = TOTPDevice.objects.get(user=contact.user, confirmed=False)
    token = django_otp.oath.totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    member_client.post(reverse("memberarea:security"), {"token": f"{token:06d}"})
    assert TOTPDevice.objects.get(user=contact.user).confirmed


def test_password_reset_mails_contacts_only(client, contact, admin_user):
    admin_user.email = "admin@example.org"
    admin_user.save()
    client.post(reverse("memberarea:password_reset"), {"email": "admin@example.org"})
    assert mail.outbox == []
    client.post(reverse("memberarea:password_reset"), {"email": contact.email})
    assert len(mail.outbox) == 1
    link = next(line for line in mail.outbox[0].body.splitlines() if "/member-area/password/" in line)
    path = link.split("testserver", 1)[1]
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200
    client.post(
        form_page.redirect_chain[-1][0], {"new_password1": "Another-pass-2027", "new_password2": "Another-pass-2027"}
    )
    assert login(client, contact.phone, "Another-pass-2027").status_code == 302


def test_logging_out_takes_a_post(member_client):
    assert member_client.get(reverse("memberarea:logout")).status_code == 405
    member_client.post(reverse("memberarea:logout"))
    assert "_auth_user_id" not in member_client.session
