"""Staff never lose what they typed: an unsaved admin form is offered back after a failed save."""

import re

from playwright.sync_api import expect

from news.models import Article


def test_text_typed_before_session_expired_is_offered_back(seeded, page, admin_login):
    admin_login(page)
    page.goto("/admin/news/article/add/")
    page.fill("#id_title", "会话过期前写的文章")
    page.locator(".ck-editor__editable").click()
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
    expect(page.locator(".ck-editor__editable")).to_contain_text("一段很长的正文，不能丢。")

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
    expect(page.locator(".ck-editor__editable")).to_be_visible()
    page.wait_for_timeout(300)  # the guard starts once the editor is ready
    page.fill("#id_title", "还没保存")
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))
    page.get_by_role("link", name="园区快讯").first.click()
    page.wait_for_timeout(500)
    assert dialogs == ["beforeunload"]
    expect(page).to_have_url(re.compile(r"/admin/news/article/add/$"))
