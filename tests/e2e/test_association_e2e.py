"""协会 pages in a real browser: reading and navigating the charter, comparing versions, amending in the admin."""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

PHONE_WIDTH = 390
CHARTER_TITLE = "湖南省开发区协会章程"


def make_charter_version_2():
    """Version 2 of the charter, as an amendment would make it: 第五条 changed, 第八条 added."""
    from association.models import DocumentVersion

    v1 = DocumentVersion.objects.get(document__slug="charter", number=1)
    body = v1.body.replace("12万元", "50万元") + "<p>第八条 &nbsp;本章程经会员大会表决通过之日起生效。</p>"
    return DocumentVersion.objects.create(
        document=v1.document,
        body=body,
        effective_date=date(2021, 3, 1),
        change_note="经第三届会员大会审议通过（测试）",
        status=DocumentVersion.Status.PUBLISHED,
    )


def test_visitor_navigates_the_charter_and_compares_two_versions(seeded, page):
    page.goto("/")
    nav = page.get_by_role("navigation", name="主导航")
    nav.get_by_text("关于协会").click()
    nav.get_by_role("link", name="协会章程").click()
    expect(page).to_have_url(re.compile(r"/about/charter/$"))
    expect(page.locator("h1")).to_have_text(CHARTER_TITLE)
    expect(page.locator(".article__meta")).to_contain_text("2017年9月29日")

    # The outline beside the text jumps to 第五条, which gets into view.
    outline = page.get_by_role("complementary", name="目录")
    expect(outline).to_be_visible()
    outline.get_by_role("link", name=re.compile(r"^第五条")).click()
    expect(page).to_have_url(re.compile(r"/about/charter/#tiao-5$"))
    article = page.locator("#tiao-5")
    expect(article).to_be_in_viewport()
    expect(article).to_contain_text("本协会的注册资金为 12万元人民币")
    # 第七条 began inside 第六条's paragraph; it has its own anchor and link.
    expect(page.locator("#tiao-7")).to_have_text(re.compile(r"^第七条\s+协会的业务范围是"))
    # Its label is the link: it leads to it and copies the full address.
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.locator("#tiao-7 .clause-link").click()
    expect(page).to_have_url(re.compile(r"/about/charter/#tiao-7$"))
    expect(page.get_by_role("status")).to_contain_text("已复制本条链接")
    assert page.evaluate("navigator.clipboard.readText()") == page.url

    make_charter_version_2()
    page.get_by_role("link", name="历史版本").first.click()
    expect(page).to_have_url(re.compile(r"/about/charter/history/$"))
    expect(page.locator("h1")).to_have_text("协会章程 · 历史版本")
    expect(page.locator(".version-item__title")).to_have_text([re.compile("第 2 版"), re.compile("第 1 版")])

    page.locator("select[name=a]").select_option("1")
    page.locator("select[name=b]").select_option("2")
    page.get_by_role("button", name="比较").click()
    expect(page).to_have_url(re.compile(r"/about/charter/compare/1/2/$"))
    expect(page.locator(".compare-summary__articles")).to_have_text("修改了第五条；新增了第八条。")
    changed = page.locator(".diff__para--changed")
    expect(changed.locator("del")).to_have_text("12")
    expect(changed.locator("ins")).to_have_text("50")
    expect(page.locator(".diff__para--added ins")).to_contain_text("第八条")


def test_the_outline_folds_on_a_phone(seeded, new_context):
    page = new_context(width=PHONE_WIDTH, height=844).new_page()
    page.goto("/about/charter/")
    expect(page.get_by_role("complementary", name="目录")).to_be_hidden()
    fold = page.locator("details.doc-outline--fold")
    expect(fold.get_by_role("link", name=re.compile(r"^第五条"))).to_be_hidden()
    fold.locator("summary").click()
    fold.get_by_role("link", name=re.compile(r"^第五条")).click()
    expect(page).to_have_url(re.compile(r"#tiao-5$"))
    expect(page.locator("#tiao-5")).to_be_in_viewport()


def test_staff_amend_a_document_in_the_admin_and_the_public_sees_it(seeded, new_context, page, admin_login):
    admin_login(page)
    page.goto("/admin/association/document/")
    page.get_by_role("link", name="协会业务", exact=True).click()
    # Wait for the document's page: the list has "以现行文本新建版本" links too.
    expect(page).to_have_url(re.compile(r"/admin/association/document/\d+/change/$"))
    page.get_by_role("link", name="以现行文本新建版本").click()
    expect(page).to_have_url(re.compile(r"/admin/association/documentversion/add/\?document=\d+$"))

    # The editor starts from the current text, with the original's repeated (七) at the end.
    editable = page.locator(".field-body .ck-editor__editable")
    expect(editable.locator("p")).to_have_count(9)
    expect(editable.locator("p").last).to_have_text(re.compile(r"^\(七\)"))
    expect(page.locator("#content-main form[data-unsaved-guard]")).to_have_count(1)  # the guard is on
    editable.locator("p").last.click()
    page.keyboard.press("End")
    page.keyboard.press("Shift+Home")
    page.keyboard.press("Backspace")
    page.keyboard.press("Backspace")
    expect(editable.locator("p")).to_have_count(8)

    page.fill("#id_effective_date", "2024-06-01")
    page.fill("#id_change_note", "删除重复的第（七）项")
    page.get_by_role("button", name="保存并发布").click()
    expect(page.locator(".messagelist .success")).to_contain_text("已发布“协会业务 第2版”")

    public = new_context().new_page()
    public.goto("/about/business/")
    expect(public.locator(".article__meta")).to_contain_text("第 2 版（现行）")
    expect(public.locator(".article__meta")).to_contain_text("2024年6月1日")
    body = public.locator(".doc__body")
    expect(body.locator("p")).to_have_count(8)
    expect(body.locator("p").last).to_have_text("(八)组织承办各类会议。")

    public.goto("/about/business/v1/")
    expect(public.locator(".notice--old")).to_contain_text("这不是现行版本。")
    expect(public.locator(".doc__body p")).to_have_count(9)

    public.goto("/about/business/history/")
    expect(public.locator(".version-item").first).to_contain_text("删除重复的第（七）项")
    public.get_by_role("link", name="与第 1 版比较").click()
    expect(public.locator(".diff__para--removed del")).to_have_text(re.compile(r"^\(七\)收集发布"))


def test_staff_amend_the_charter_and_the_public_sees_what_changed(seeded, new_context, page, admin_login, screenshot):
    admin_login(page)
    page.goto("/admin/association/document/")
    expect(page.locator("#result_list")).to_contain_text("第 1 版")
    screenshot(page, "admin-documents-1280")
    page.get_by_role("link", name="协会章程", exact=True).click()
    expect(page).to_have_url(re.compile(r"/admin/association/document/\d+/change/$"))
    screenshot(page, "admin-document-charter-1280")
    page.get_by_role("link", name="以现行文本新建版本").first.click()
    expect(page).to_have_url(re.compile(r"/admin/association/documentversion/add/\?document=\d+$"))

    editable = page.locator(".field-body .ck-editor__editable")
    expect(editable).to_contain_text("第七条")
    expect(page.locator("#content-main form[data-unsaved-guard]")).to_have_count(1)  # the guard is on
    editable.click()
    page.keyboard.press("Control+End")
    page.keyboard.press("Enter")
    page.keyboard.type("第八条  本章程经会员大会表决通过之日起生效。")
    screenshot(page, "admin-version-add-1280")

    # The charter cannot be published without its 生效日期 and 修改说明.
    page.get_by_role("button", name="保存并发布").click()
    errors = page.locator(".errorlist")
    expect(errors.filter(has_text="发布协会章程必须填写生效日期。")).to_have_count(1)
    expect(errors.filter(has_text="发布协会章程必须填写修改说明")).to_have_count(1)
    expect(editable).to_contain_text("第八条")
    screenshot(page, "admin-version-errors-1280")

    page.fill("#id_effective_date", "2024-06-01")
    page.fill("#id_change_note", "经会员大会审议通过（测试）")
    page.get_by_role("button", name="保存并发布").click()
    expect(page.locator(".messagelist .success")).to_contain_text("已发布“协会章程 第2版”")

    # The published version is read-only from now on, but for its English translation.
    screenshot(page, "admin-document-published-1280")
    page.goto("/admin/association/documentversion/")
    page.get_by_role("link", name="协会章程 第2版", exact=True).click()
    expect(page).to_have_url(re.compile(r"/admin/association/documentversion/\d+/change/$"))
    expect(page.get_by_role("link", name="以此版本为底稿新建版本")).to_be_visible()
    expect(page.locator("input[name=_publish]")).to_have_count(0)
    expect(page.locator(".field-body .ck-editor__editable, #id_change_note, #id_effective_date")).to_have_count(0)
    expect(page.locator(".field-body_en .ck-editor__editable")).to_be_visible()
    expect(page.get_by_role("link", name="删除")).to_have_count(0)
    screenshot(page, "admin-version-published-1280")

    public = new_context().new_page()
    public.goto("/about/charter/history/")
    public.get_by_role("link", name="与第 1 版比较").click()
    expect(public.locator(".compare-summary__articles")).to_have_text("新增了第八条。")
    expect(public.locator(".diff__para--added ins")).to_contain_text("本章程经会员大会表决通过之日起生效。")
    public.goto("/about/charter/#tiao-8")
    expect(public.locator("#tiao-8")).to_be_in_viewport()


@pytest.mark.parametrize("width", [1280, PHONE_WIDTH])
def test_screenshots_and_no_horizontal_overflow_on_phones(seeded, new_context, screenshot, width):
    make_charter_version_2()
    page = new_context(width=width, height=900 if width > PHONE_WIDTH else 844).new_page()
    for name, path, heading in [
        ("about-charter", "/about/charter/", CHARTER_TITLE),
        ("about-charter-history", "/about/charter/history/?article=5", "协会章程 · 历史版本"),
        ("about-charter-compare", "/about/charter/compare/1/2/", "协会章程：第 1 版与第 2 版的比较"),
        ("about-charter-v1", "/about/charter/v1/", CHARTER_TITLE),
        ("about-intro", "/about/intro/", "协会简介"),
        ("about-business", "/about/business/", "协会业务"),
        ("about-charter-date", "/about/charter/?date=2016-01-01", CHARTER_TITLE),
        ("search-about", "/search/?q=注册资金", "搜索"),
        ("home-about", "/", "欢迎来到湖南省开发区协会中心网站!"),
    ]:
        page.goto(path)
        expect(page.locator("h1")).to_have_text(heading)
        screenshot(page, f"{name}-{width}")
        if width == PHONE_WIDTH:
            scroll_width = page.evaluate("document.documentElement.scrollWidth")
            assert scroll_width <= PHONE_WIDTH, f"{path} is {scroll_width}px wide on a {PHONE_WIDTH}px phone"
