"""Staff never lose what they typed: an unsaved admin form is offered back after a failed save."""

import re

from playwright.sync_api import expect

from news.models import Article


def test_text_typed_before_session_expired_is_offered_back(seeded, page, admin_login):
    admin_login(page)
    page.goto("/admin/news/article/add/")
    page.fill("#id_title", "会话过期前写的文章")
    page.locator(".field-body .ck-editor__editable").click()
    page.keyboard.type("一段很长的正文，不能丢。")

    # The session ends while the article is being written; saving lands on the login page.
    page.context.clear_cookies(name="sessionid")
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page).to_have_url(re.compile(r"/admin/login/"))
    assert not Article.objects.filter(title="会话过期前写的文章").exists()

    admin_login(page)
    page.goto("/admin/news/article/add/")
    banner = page.locator(".hnda-unsaved-banner")
    expect(banner).to_contain_text("未保存成功的内容")
    banner.get_by_role("button", name="恢复未保存的内容").click()
    expect(page.locator("#id_title")).to_have_value("会话过期前写的文章")
    expect(page.locator(".field-body .ck-editor__editable")).to_contain_text("一段很长的正文，不能丢。")

    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.locator(".messagelist .success")).to_be_visible()
    page.wait_for_load_state()
    assert Article.objects.filter(title="会话过期前写的文章").exists()
    # Once saved, the copy is gone: a new form starts empty, with no offer.
    page.goto("/admin/news/article/add/")
    expect(page.locator("#id_title")).to_have_value("")
    expect(page.locator(".hnda-unsaved-banner")).to_have_count(0)


def test_leaving_a_changed_form_asks_first(seeded, page, admin_login):
    admin_login(page)
    page.goto("/admin/news/article/add/")
    expect(page.locator(".field-body .ck-editor__editable")).to_be_visible()
    expect(page.locator("#content-main form[data-unsaved-guard]")).to_have_count(1)  # the guard is on
    page.fill("#id_title", "还没保存")
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))
    with page.expect_event("dialog"):
        page.get_by_role("link", name="园区快讯").first.click(no_wait_after=True)
    assert dialogs == ["beforeunload"]
    expect(page).to_have_url(re.compile(r"/admin/news/article/add/$"))


DRAFT_KEYS = "() => Object.keys(localStorage).filter((key) => key.startsWith('hnda:draft:'))"


def log_in(page, username, password):
    page.goto("/admin/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click("input[type=submit]")
    assert "/admin/login/" not in page.url, "admin login failed"


def wait_for_a_draft(page):
    """The copy is taken every few seconds while typing: wait until it is in localStorage.

    A promise polled inside the page, not ``wait_for_function`` with a string: that one is an
    ``eval``, which the admin's Content-Security-Policy blocks (and the fixtures fail on).
    """
    page.evaluate(
        f"""() => new Promise((resolve) => {{
            const poll = () => (({DRAFT_KEYS})().length > 0 ? resolve(true) : setTimeout(poll, 50));
            poll();
        }})"""
    )


def test_another_account_on_the_same_browser_is_not_offered_the_draft(seeded, page, admin_login, django_user_model):
    django_user_model.objects.create_superuser("second", "second@example.com", "second-Secret-pass-42")
    first = admin_login(page)
    page.goto("/admin/news/article/add/")
    expect(page.locator(".field-body .ck-editor__editable")).to_be_visible()
    page.fill("#id_title", "第一位同事的草稿")
    wait_for_a_draft(page)
    assert page.evaluate(DRAFT_KEYS) == [f"hnda:draft:{first.pk}:/admin/news/article/add/"]

    # The first one's session ends without logging out; the second one logs in on this browser.
    page.context.clear_cookies(name="sessionid")
    log_in(page, "second", "second-Secret-pass-42")
    page.goto("/admin/news/article/add/")
    expect(page.locator("#id_title")).to_have_value("")
    expect(page.locator(".field-body .ck-editor__editable")).to_be_visible()
    expect(page.locator(".hnda-unsaved-banner")).to_have_count(0)

    # The first one comes back: the copy is still there for him.
    page.context.clear_cookies(name="sessionid")
    admin_login(page)
    page.goto("/admin/news/article/add/")
    expect(page.locator(".hnda-unsaved-banner")).to_contain_text("未保存成功的内容")


def test_logging_out_removes_the_accounts_drafts(seeded, page, admin_login):
    admin_login(page)
    page.goto("/admin/news/article/add/")
    expect(page.locator(".field-body .ck-editor__editable")).to_be_visible()
    page.fill("#id_title", "退出前的草稿")
    wait_for_a_draft(page)
    page.on("dialog", lambda dialog: dialog.accept())  # "leave this page?" for the unsaved form
    with page.expect_navigation():
        page.locator("#logout-form button").click()
    assert page.evaluate(DRAFT_KEYS) == []


def test_passwords_are_never_kept_in_the_browser(seeded, page, admin_login):
    admin_login(page)
    page.goto("/admin/auth/user/add/")
    page.fill("#id_username", "newcomer")
    page.locator("input[name=usable_password][value=true]").check()
    page.fill("#id_password1", "Very-Secret-Passw0rd-77")
    page.fill("#id_password2", "Very-Secret-Passw0rd-77")
    wait_for_a_draft(page)
    stored = page.evaluate("() => JSON.stringify(Object.assign({}, localStorage))")
    assert "newcomer" in stored
    assert "Very-Secret-Passw0rd-77" not in stored
