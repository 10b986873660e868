"""The site and its editor work under the strict Content-Security-Policy, with no violation.

conftest.py fails any browser test on a violation; these tests visit every kind of page
and use the editor on purpose, and check that the policy is enforced, not report-only.
"""

import re

from playwright.sync_api import expect


def violations_of(page):
    found = []
    page.on("console", lambda message: found.append(message.text) if "CSP violation" in message.text else None)
    return found


def test_editor_types_and_saves_under_the_policy(seeded, page, admin_login):
    found = violations_of(page)
    admin_login(page)
    response = page.goto("/admin/news/article/add/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.fill("#id_title", "内容安全策略下的编辑器")
    page.select_option("#id_category", label="园区快讯")
    editable = page.locator(".field-body .ck-editor__editable")
    expect(editable).to_be_visible()
    editable.click()
    page.keyboard.type("编辑器在严格的内容安全策略下正常工作。")
    page.locator(".field-body .ck-toolbar").get_by_role("button", name="加粗").click()
    page.keyboard.type("加粗文字")
    expect(editable.locator("strong")).to_contain_text("加粗文字")
    page.click("input[name=_save]")
    expect(page.locator(".messagelist")).to_contain_text("内容安全策略下的编辑器")
    assert found == []


def test_public_pages_and_the_admin_show_no_violation(seeded, new_context, admin_login):
    from members.models import Member
    from news.models import Article

    visitor = new_context().new_page()
    found = violations_of(visitor)
    article = Article.objects.published().first()
    member = Member.objects.active().first()
    for url in [
        "/",
        "/news/",
        article.get_absolute_url(),
        "/about/charter/",
        "/about/charter/history/",
        "/about/charter/compare/1/1/",
        "/members/",
        member.get_absolute_url(),
        "/search/?q=高新区",
        "/no-such-page/",
    ]:
        response = visitor.goto(url)
        assert "content-security-policy-report-only" not in response.headers, url
        expect(visitor.locator("h1")).to_have_count(1)

    staff = new_context().new_page()
    found_in_admin = violations_of(staff)
    admin_login(staff)
    for url in ["/admin/", "/admin/news/article/", "/admin/members/member/", "/admin/association/document/"]:
        staff.goto(url)
        expect(staff.locator("#content")).to_be_visible()
    staff.locator("#changelist-search input[type=text]").fill("园区")
    with staff.expect_navigation(url=re.compile(r"q=")):
        staff.keyboard.press("Enter")
    assert found == [] and found_in_admin == []
