"""Lockout without denial of service (security/lockout.py): a stranger cannot keep the real staff out."""

from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

PASSWORD = "correct-Horse-battery-9"
LOGIN_URL = "/admin/login/?next=/admin/"
USUAL = "198.51.100.7"
ATTACKER = "203.0.113.5"

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(db):
    return User.objects.create_superuser("admin", "admin@example.com", PASSWORD)


def login(username, password, ip, **data):
    client = Client(REMOTE_ADDR=ip)
    response = client.post(LOGIN_URL, {"username": username, "password": password, **data})
    response.client = client
    return response


def has_logged_in_from(ip):
    assert login("admin", PASSWORD, ip).status_code == 302


def botnet_attack(username="admin", addresses=12):
    """One wrong password from each of many addresses."""
    for number in range(addresses):
        login(username, "wrong-password", f"192.0.2.{number + 1}")


def current_code(device):
    return f"{TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token():06d}"


@pytest.fixture
def device(admin):
    return TOTPDevice.objects.create(user=admin, name="手机", confirmed=True)


def test_an_attacker_from_many_addresses_cannot_lock_the_admin_out_of_his_usual_address(admin):
    has_logged_in_from(USUAL)
    botnet_attack()
    assert login("admin", PASSWORD, USUAL).status_code == 302


def test_the_user_name_stays_locked_for_addresses_it_never_logged_in_from(admin):
    """Botnet protection is kept: the guesses spread over many addresses still stop at five."""
    has_logged_in_from(USUAL)
    botnet_attack()
    assert login("admin", PASSWORD, "198.51.100.200").status_code == 429


def test_the_attackers_address_is_locked_for_every_user_name(admin):
    for number in range(5):
        login(f"guess{number}", "wrong-password", ATTACKER)
    assert login("admin", PASSWORD, ATTACKER).status_code == 429


def test_a_pair_is_locked_even_at_the_users_usual_address(admin):
    """Someone guessing from the admin's own network (an office's shared address) is still stopped."""
    has_logged_in_from(USUAL)
    statuses = [login("admin", "wrong-password", USUAL).status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 200, 429]
    assert login("admin", PASSWORD, USUAL).status_code == 429


def test_a_colleague_guessing_on_the_same_network_does_not_lock_the_others_out(admin):
    has_logged_in_from(USUAL)
    for number in range(5):
        login(f"guess{number}", "wrong-password", USUAL)
    assert login("guess0", "anything", USUAL).status_code == 429
    assert login("admin", PASSWORD, USUAL).status_code == 302


def test_an_address_counts_as_known_for_ninety_days(admin):

    has_logged_in_from(USUAL)
    with time_machine.travel(timezone.now() + timedelta(days=91)):
        botnet_attack()
        assert login("admin", PASSWORD, USUAL).status_code == 429


def test_a_successful_login_clears_only_its_own_pair(admin):
    """An attacker with an account of his own cannot wipe his failures against the admin by logging in."""
    User.objects.create_user("mallory", password=PASSWORD, is_staff=True)
    for _ in range(4):
        login("admin", "wrong-password", ATTACKER)
    assert login("mallory", PASSWORD, ATTACKER).status_code == 302
    assert login("admin", "wrong-password", ATTACKER).status_code == 429
    assert AccessAttempt.objects.filter(username="admin", ip_address=ATTACKER).exists()


def test_a_valid_authenticator_code_lets_the_admin_in_from_anywhere_and_counts_as_the_second_step(admin, device):
    botnet_attack()
    assert login("admin", PASSWORD, "198.51.100.200").status_code == 429
    response = login("admin", PASSWORD, "198.51.100.200", otp_token=current_code(device))
    assert response.status_code == 302
    # No second request for the code: the admin opens.
    assert response.client.get("/admin/").status_code == 200


def test_a_code_is_no_key_without_the_right_password(admin, device):
    botnet_attack()
    response = login("admin", "wrong-password", "198.51.100.200", otp_token=current_code(device))
    assert response.status_code == 429


def test_a_wrong_code_does_not_open_the_lock_nor_slow_down_the_real_users_codes(admin, device):
    botnet_attack()
    for guess in ["000000", "123456", "999999"]:
        assert login("admin", PASSWORD, "198.51.100.200", otp_token=guess).status_code == 429
    device.refresh_from_db()
    assert device.throttling_failure_count == 0
    assert login("admin", PASSWORD, "198.51.100.200", otp_token=current_code(device)).status_code == 302


def test_a_used_code_cannot_be_replayed(admin, device):
    botnet_attack()
    code = current_code(device)
    assert login("admin", PASSWORD, "198.51.100.200", otp_token=code).status_code == 302
    assert login("admin", PASSWORD, "198.51.100.201", otp_token=code).status_code == 429


def test_the_lockout_page_is_chinese_and_offers_the_code(admin):
    botnet_attack()
    response = login("admin", PASSWORD, "198.51.100.200")
    assert response.status_code == 429
    content = response.content.decode()
    assert "<h1>登录已暂停</h1>" in content and "15 分钟" in content
    assert "已启用两步验证的工作人员" in content
    assert 'name="otp_token"' in content and 'value="admin"' in content
    assert 'name="next" value="/admin/"' in content
    assert "sessionid" not in response.cookies
