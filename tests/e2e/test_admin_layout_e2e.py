"""The admin at laptop width (issue 26, item 12): a readable 标题 column, the whole editor toolbar in
sight inside its column, the content first on the index, the editor counting characters."""

import pytest
from playwright.sync_api import expect


@pytest.mark.parametrize("width", [1280, 1366])
def test_the_article_list_and_editor_fit_a_laptop(seeded, new_context, admin_login, screenshot, width):
    page = new_context(width=width, height=800).new_page()
    admin_login(page)

    page.goto("/admin/news/article/")
    title = page.locator("#result_list th.column-title")
    screenshot(page, f"admin-article-list-{width}")
    assert title.evaluate("th => th.getBoundingClientRect().width") >= 220  # about 15 characters a line

    page.goto("/admin/news/article/add/")
    editor = page.locator(".field-body .ck-editor")
    expect(editor).to_be_visible()
    row = page.locator(".field-body").evaluate("row => row.getBoundingClientRect().right")
    assert editor.evaluate("e => e.getBoundingClientRect().right") <= row + 1
    for name in ("撤销", "重做"):
        button = page.locator(".field-body .ck-toolbar").get_by_role("button", name=name, exact=False).first
        expect(button).to_be_visible()
        assert button.evaluate("b => b.getBoundingClientRect().right") <= row + 1
    counter = page.locator(".field-body .word-count")
    expect(counter).to_contain_text("字符")
    expect(counter).not_to_contain_text("单词")
    screenshot(page, f"admin-article-editor-{width}")


def test_the_admin_index_lists_the_content_before_the_security_sections(seeded, page, admin_login):
    admin_login(page)
    page.goto("/admin/")
    names = page.locator("#content-main .module caption").all_inner_texts()
    assert names.index("园区快讯") < names.index("两步验证")
    assert names[:3] == ["园区快讯", "协会文件", "会员单位"]
