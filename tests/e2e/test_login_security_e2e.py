"""Logging in as staff in a real browser: enrolling two-factor login, and the lockout page."""

import base64
import re

from django_otp.oath import TOTP
from playwright.sync_api import expect

from .conftest import ADMIN_USERNAME


def test_superuser_enrols_an_authenticator_app_when_it_is_required(page, admin_login, settings, screenshot):
    settings.REQUIRE_2FA = True
    admin_login(page)
    expect(page).to_have_url(re.compile(r"/admin/2fa/setup/"))
    expect(page.locator(".errornote")).to_contain_text("要求超级管理员使用两步验证")
    qr = page.get_by_role("img", name=re.compile("两步验证二维码"))
    expect(qr).to_be_visible()
    assert page.evaluate("(img) => img.naturalWidth", qr.element_handle()) > 0
    screenshot(page, "admin-two-factor-setup")

    # What a phone app does with the key typed in by hand.
    secret = page.locator(".two-factor-secret").inner_text().replace(" ", "")
    token = TOTP(base64.b32decode(secret)).token()
    page.get_by_label("验证码").fill(f"{token:06d}")
    page.get_by_role("button", name="启用").click()
    expect(page.locator(".messagelist")).to_contain_text("两步验证已启用")
    expect(page.locator("#site-name")).to_contain_text("湖南省开发区协会 网站管理")


def test_lockout_page_after_five_wrong_passwords(page, staff_user, screenshot):
    for _ in range(5):
        page.goto("/admin/login/")
        page.fill("input[name=username]", ADMIN_USERNAME)
        page.fill("input[name=password]", "wrong-password")
        page.click("input[type=submit]")
    expect(page.locator("h1")).to_have_text("登录已暂停")
    expect(page.locator(".error-page")).to_contain_text("15 分钟")
    screenshot(page, "admin-lockout")
