"""Login throttling (django-axes): 5 failures lock out the user name and the address for 15 minutes."""

import logging
from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt, AccessFailureLog
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

PASSWORD = "correct-Horse-battery-9"
LOGIN_URL = "/admin/login/?next=/admin/"

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(db):
    return User.objects.create_user("editor", "editor@example.com", PASSWORD, is_staff=True)


@pytest.fixture
def other(db):
    return User.objects.create_user("other", "other@example.com", PASSWORD, is_staff=True)


def login(username, password, ip="203.0.113.5", **headers):
    return Client(REMOTE_ADDR=ip, **headers).post(LOGIN_URL, {"username": username, "password": password})


def fail_five_times(username="editor", ip="203.0.113.5", **headers):
    statuses = [login(username, "wrong-password", ip, **headers).status_code for _ in range(5)]
    # The login form again, with its error, then the fifth failure locks out.
    assert statuses == [200, 200, 200, 200, 429]


def test_five_wrong_passwords_then_the_right_one_is_refused_with_a_chinese_page(editor):
    fail_five_times()
    response = login("editor", PASSWORD)
    assert response.status_code == 429
    content = response.content.decode()
    assert "登录已暂停" in content and "15 分钟" in content
    assert "sessionid" not in response.cookies


def test_four_wrong_passwords_do_not_lock_out(editor):
    for _ in range(4):
        login("editor", "wrong-password")
    assert login("editor", PASSWORD).status_code == 302


def test_locked_user_name_is_refused_from_any_address(editor):
    """A botnet cannot spread its guesses at one account over many addresses."""
    fail_five_times(ip="203.0.113.5")
    assert login("editor", PASSWORD, ip="198.51.100.7").status_code == 429


def test_locked_address_is_refused_for_any_user_name(editor, other):
    """One machine cannot spray a password over many user names."""
    for number in range(5):
        login(f"guess{number}", "wrong-password", ip="203.0.113.5")
    assert login("other", PASSWORD, ip="203.0.113.5").status_code == 429


def test_another_user_from_another_address_is_unaffected(editor, other):
    fail_five_times(ip="203.0.113.5")
    assert login("other", PASSWORD, ip="198.51.100.7").status_code == 302


def test_lockout_ends_after_the_cool_off_time(editor):
    fail_five_times()
    assert login("editor", PASSWORD).status_code == 429
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        assert login("editor", PASSWORD).status_code == 302


def test_lockout_still_holds_before_the_cool_off_time(editor):
    fail_five_times()
    with time_machine.travel(timezone.now() + timedelta(minutes=14)):
        assert login("editor", PASSWORD).status_code == 429


def test_superuser_unlocks_in_the_admin(editor, admin_client):
    fail_five_times()
    attempt = AccessAttempt.objects.get(username="editor")
    response = admin_client.post(
        "/admin/axes/accessattempt/",
        {"action": "delete_selected", "_selected_action": [attempt.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()
    assert login("editor", PASSWORD).status_code == 302


def test_failures_are_logged_with_user_name_and_address(editor, caplog):
    with caplog.at_level(logging.INFO, logger="axes"):
        login("editor", "wrong-password", ip="203.0.113.5")
    assert any("editor" in message and "203.0.113.5" in message for message in caplog.messages)
    assert AccessFailureLog.objects.filter(username="editor", ip_address="203.0.113.5").exists()


def test_forwarded_for_header_is_ignored_unless_behind_a_proxy(editor):
    """Without BEHIND_PROXY, a client cannot pick a fresh address per guess with X-Forwarded-For."""
    for number in range(5):
        login("nobody", "wrong-password", ip="203.0.113.5", HTTP_X_FORWARDED_FOR=f"192.0.2.{number}")
    assert login("editor", PASSWORD, ip="203.0.113.5", HTTP_X_FORWARDED_FOR="192.0.2.99").status_code == 429


def test_behind_a_proxy_the_address_it_appended_counts(editor, settings):
    """The proxy appends the address it saw; what the client put before it is ignored."""
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
    settings.AXES_IPWARE_PROXY_COUNT = 0
    settings.IPWARE_STRICT = False
    proxy = "10.0.0.2"
    for number in range(5):
        login("nobody", "wrong-password", ip=proxy, HTTP_X_FORWARDED_FOR=f"192.0.2.{number}, 203.0.113.5")
    assert AccessAttempt.objects.filter(ip_address="203.0.113.5").exists()
    assert login("editor", PASSWORD, ip=proxy, HTTP_X_FORWARDED_FOR="203.0.113.5").status_code == 429
    assert login("editor", PASSWORD, ip=proxy, HTTP_X_FORWARDED_FOR="198.51.100.7").status_code == 302
