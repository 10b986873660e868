"""园区快讯 in a real browser: reading the news, writing it in the admin, and phone layout."""

import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from ..conftest import BROWSER_USER_AGENT

SEED_TITLE = "长沙高新区入选全国13家国家高新区启动企业创新积分制试点"
SEED_BODY_TEXT = "企业创新积分制源于江苏省地方实践"
PHONE_WIDTH = 390


def views_of(page):
    return int(page.locator(".article__views").inner_text().strip())


def test_visitor_reads_the_seed_article_and_the_view_count_goes_up(seeded, new_context):
    # Headless Chromium says "HeadlessChrome", which is not counted: look like a visitor's browser.
    page = new_context(user_agent=BROWSER_USER_AGENT).new_page()
    page.goto("/")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="园区快讯").click()
    expect(page).to_have_url(re.compile(r"/news/park-express/$"))
    expect(page.locator("h1")).to_have_text("园区快讯")

    page.locator(".article-list").get_by_role("link", name=SEED_TITLE).click()
    expect(page.locator("h1")).to_have_text(SEED_TITLE)
    meta = page.locator(".article__meta")
    expect(meta).to_contain_text("发布时间")
    expect(meta).to_contain_text("2020年12月18日")
    expect(meta).to_contain_text("发布人")
    expect(meta).to_contain_text("科技部、湖南开发区网")
    expect(meta).to_contain_text("浏览")
    expect(page.locator(".richtext")).to_contain_text(SEED_BODY_TEXT)
    views = views_of(page)
    assert views >= 1

    page.reload()
    expect(page.locator("h1")).to_have_text(SEED_TITLE)
    assert views_of(page) == views + 1


def test_staff_write_an_article_in_the_editor_and_the_public_sees_it(seeded, new_context, page, admin_login):
    admin_login(page)
    page.get_by_role("link", name="文章", exact=True).first.click()
    expect(page).to_have_url(re.compile(r"/admin/news/article/$"))
    page.locator(".object-tools").get_by_role("link", name=re.compile(r"^增加")).click()
    expect(page).to_have_url(re.compile(r"/admin/news/article/add/$"))

    title = "浏览器测试：园区建设新进展"
    page.fill("#id_title", title)
    page.select_option("#id_category", label="园区快讯")

    editable = page.locator(".field-body .ck-editor__editable")
    expect(editable).to_be_visible()
    # The editor speaks Chinese.
    bold_button = page.locator(".field-body .ck-toolbar").get_by_role("button", name="加粗")
    expect(bold_button).to_be_visible()
    # 项目符号列表 is a split button: its main half applies the list, the arrow opens list styles.
    list_button = page.locator(".field-body .ck-toolbar .ck-splitbutton__action").filter(
        has_text=re.compile(r"项目(符号)?列表")
    )
    expect(list_button).to_be_visible()

    editable.click()
    page.keyboard.type("园区今年新增企业一百家，")
    bold_button.click()
    page.keyboard.type("产值同比增长两成")
    bold_button.click()
    page.keyboard.type("。")
    page.keyboard.press("Enter")
    list_button.click()
    page.keyboard.type("新建标准厂房")
    page.keyboard.press("Enter")
    page.keyboard.type("引进研发中心")
    expect(editable.locator("strong")).to_have_text("产值同比增长两成")
    expect(editable.locator("ul > li")).to_have_text(["新建标准厂房", "引进研发中心"])

    page.select_option("#id_status", "published")
    page.click("input[name=_save]")
    expect(page.locator(".messagelist")).to_contain_text(title)

    public = new_context().new_page()
    public.goto("/news/")
    public.get_by_role("link", name=title).click()
    expect(public.locator("h1")).to_have_text(title)
    body = public.locator(".richtext")
    expect(body.locator("strong")).to_have_text("产值同比增长两成")
    expect(body.locator("ul > li")).to_have_text(["新建标准厂房", "引进研发中心"])
    expect(body).to_contain_text("园区今年新增企业一百家")


@pytest.mark.parametrize("width", [1280, PHONE_WIDTH])
def test_screenshots_and_no_horizontal_overflow_on_phones(seeded, new_context, screenshot, width):
    from news.models import Article

    article = Article.objects.get(title=SEED_TITLE)
    page = new_context(width=width, height=900 if width > PHONE_WIDTH else 844).new_page()
    for name, path, heading in [
        ("home", "/", "欢迎来到湖南省开发区协会中心网站!"),
        ("news-list", "/news/", "新闻中心"),
        ("news-article", article.get_absolute_url(), SEED_TITLE),
    ]:
        page.goto(path)
        expect(page.locator("h1")).to_have_text(heading)
        if name != "news-article":
            expect(page.get_by_role("link", name=SEED_TITLE)).to_be_visible()
        screenshot(page, f"{name}-{width}")
        if width == PHONE_WIDTH:
            scroll_width = page.evaluate("document.documentElement.scrollWidth")
            assert scroll_width <= PHONE_WIDTH, f"{path} is {scroll_width}px wide on a {PHONE_WIDTH}px phone"


def test_editor_image_upload(seeded, new_context, page, admin_login, tmp_path, settings):
    png = tmp_path / "园区.png"
    Image.new("RGB", (40, 30), (200, 30, 30)).save(png)

    admin_login(page)
    page.goto("/admin/news/article/add/")
    editable = page.locator(".field-body .ck-editor__editable")
    expect(editable).to_be_visible()
    editable.click()
    page.locator(".field-body .ck-toolbar .ck-file-dialog-button input[type=file]").set_input_files(str(png))

    image = editable.locator("img[src*='/media/uploads/']")
    expect(image).to_have_count(1)
    src = image.get_attribute("src")
    assert re.search(r"/media/uploads/\d{4}/\d{2}/[^/]+\.png$", src), src
    stored = list((settings.MEDIA_ROOT / "uploads").rglob("*.png"))
    assert len(stored) == 1, stored

    # An anonymous visitor (with a valid CSRF token) may not upload.
    anonymous = new_context().new_page()
    anonymous.goto("/admin/login/")
    token = next(c["value"] for c in anonymous.context.cookies() if c["name"] == "csrftoken")
    response = anonymous.request.post(
        "/ckeditor5/image_upload/",
        headers={"X-CSRFToken": token},
        multipart={"upload": {"name": "x.png", "mimeType": "image/png", "buffer": png.read_bytes()}},
    )
    assert response.status == 403
    assert "error" in response.json()
    assert len(list((settings.MEDIA_ROOT / "uploads").rglob("*.png"))) == 1
