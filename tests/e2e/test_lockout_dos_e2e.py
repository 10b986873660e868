"""The lockout page in a real browser: a user name locked by guesses from elsewhere, and the way in with a code."""

import re

from axes.models import AccessAttempt
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from .conftest import ADMIN_PASSWORD, ADMIN_USERNAME
from .test_a11y_e2e import AXE_SCRIPT, DESKTOP, PHONE


def locked_by_a_botnet(username):
    """Five failures for ``username``, each from another address (none of them the browser's)."""
    for number in range(5):
        AccessAttempt.objects.create(
            username=username,
            ip_address=f"192.0.2.{number + 1}",
            user_agent="bot",
            get_data="",
            post_data="",
            http_accept="*/*",
            path_info="/admin/login/",
            failures_since_start=1,
            attempt_time=timezone.now(),
        )


def try_to_log_in(page):
    page.goto("/admin/login/?next=/admin/")
    page.fill("input[name=username]", ADMIN_USERNAME)
    page.fill("input[name=password]", ADMIN_PASSWORD)
    page.click("input[type=submit]")


def test_a_locked_user_name_logs_in_with_the_code_on_the_lockout_page(page, staff_user, screenshot):
    device = TOTPDevice.objects.create(user=staff_user, name="手机", confirmed=True)
    locked_by_a_botnet(ADMIN_USERNAME)
    try_to_log_in(page)
    expect(page.locator("h1")).to_have_text("登录已暂停")
    form = page.locator("form.lockout-code")
    expect(form.get_by_label("用户名")).to_have_value(ADMIN_USERNAME)
    screenshot(page, "lockout-with-code")

    form.get_by_label("密码").fill(ADMIN_PASSWORD)
    form.get_by_label("验证码").fill(f"{TOTP(device.bin_key).token():06d}")
    form.get_by_role("button", name="登录").click()
    # Straight into the admin: the code was the second step.
    expect(page).to_have_url(re.compile(r"/admin/$"))
    expect(page.locator("#site-name")).to_contain_text("网站管理")


def test_the_lockout_page_passes_axe_at_both_widths_and_in_high_contrast(
    new_context, staff_user, live_server, screenshot
):
    locked_by_a_botnet(ADMIN_USERNAME)
    axe = AXE_SCRIPT.read_text()
    problems = []
    for width in (PHONE, DESKTOP):
        for contrast in ("", "high"):
            context = new_context(width=width, height=844 if width == PHONE else 900, bypass_csp=True)
            context.add_init_script(script=axe)
            if contrast:
                context.add_cookies([{"name": "contrast", "value": contrast, "url": live_server.url}])
            page = context.new_page()
            try_to_log_in(page)
            expect(page.locator("h1")).to_have_text("登录已暂停")
            page.wait_for_load_state("load")  # stylesheets and a11y.js in place before axe looks
            options = {"resultTypes": ["violations"]}
            if contrast:
                options["rules"] = {"color-contrast-enhanced": {"enabled": True}}
            results = page.evaluate("options => axe.run(document, options)", options)
            problems += [
                f"{width} {contrast}: {v['id']} {[n['target'] for n in v['nodes']]}" for v in results["violations"]
            ]
            if width == PHONE:
                assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
            screenshot(page, f"lockout-{width}-{contrast or 'default'}")
    assert not problems, problems
