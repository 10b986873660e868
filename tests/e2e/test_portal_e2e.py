"""The portal in a real browser: the phone menu, the 关于协会 menu, the 焦点图, and the home page's look.

Screenshots (screenshots/home-*.png) are of a fresh install and of a site with three 栏目
of eight articles each, all with covers (drawn here with Pillow).
"""

from datetime import timedelta
from io import BytesIO

import pytest
from playwright.sync_api import expect

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
COLOURS = [(11, 79, 138), (179, 38, 30), (46, 125, 50), (120, 80, 160), (200, 120, 20)]


def no_horizontal_overflow(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def cover(number):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (640, 360), COLOURS[number % len(COLOURS)])
    draw = ImageDraw.Draw(image)
    draw.rectangle((40 + number * 8, 60, 300 + number * 8, 300), fill=(255, 255, 255))
    draw.ellipse((380, 80, 580, 280), outline=(255, 255, 255), width=12)
    data = BytesIO()
    image.save(data, "JPEG", quality=80)
    return SimpleUploadedFile(f"cover{number}.jpg", data.getvalue(), content_type="image/jpeg")


@pytest.fixture
def portal(seeded):
    """Three 栏目 of eight articles each, every article with a cover, the five newest as 焦点图; 友情链接."""
    from django.utils import timezone

    from hnda_site.models import FriendlyLink
    from news.models import Article, Category

    # The seed's 通知公告 (first here) and 政策法规 (last), with the seed's 园区快讯 between them.
    Category.objects.filter(slug="notices").update(order=0, home_position=0)
    Category.objects.filter(slug="policies").update(order=2, home_position=2)
    categories = [Category.objects.get(slug=slug) for slug in ("park-express", "notices", "policies")]
    now = timezone.now()
    number = 0
    for category in categories:
        for index in range(8):
            number += 1
            Article.objects.create(
                title=f"{category.name}：关于推进开发区高质量发展的第{index + 1}项工作安排",
                category=category,
                status=Article.Status.PUBLISHED,
                published_at=now - timedelta(hours=number),
                body=f"<p>{category.name}正文。</p>",
                cover=cover(number),
                featured=number <= 5,
            )
    FriendlyLink.objects.create(name="湖南省商务厅", url="https://swt.hunan.gov.cn/", order=1)
    FriendlyLink.objects.create(name="湖南省发展和改革委员会", url="https://fgw.hunan.gov.cn/", order=2)
    FriendlyLink.objects.create(name="中国开发区协会", url="https://www.example.org/", group="association")
    return categories


def test_phone_menu_opens_and_closes_with_the_keyboard(portal, new_context, screenshot):
    page = new_context(**PHONE).new_page()
    page.goto("/")
    toggle = page.locator(".site-nav__toggle")
    notices = page.locator(".site-nav__list").get_by_role("link", name="通知公告")
    expect(notices).to_be_hidden()
    no_horizontal_overflow(page)

    page.locator(".skip-link").focus()
    while not toggle.evaluate("element => element === document.activeElement"):
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(notices).to_be_visible()
    for name in ["首页", "园区快讯", "政策法规", "会员单位", "联系我们"]:
        expect(page.locator(".site-nav__list").get_by_role("link", name=name, exact=True)).to_be_visible()
    page.keyboard.press("Tab")
    expect(page.locator(".site-nav__list a").first).to_be_focused()
    no_horizontal_overflow(page)
    screenshot(page, "home-menu-open-390")

    page.keyboard.press("Escape")
    expect(notices).to_be_hidden()
    expect(toggle).to_be_focused()


def test_phone_menu_works_without_javascript(portal, new_context):
    page = new_context(**PHONE, java_script_enabled=False).new_page()
    page.goto("/")
    page.locator(".site-nav__toggle").click()
    page.locator(".site-nav__list").get_by_role("link", name="政策法规").click()
    expect(page.locator("h1")).to_have_text("政策法规")


def test_desktop_navigation_is_one_row_with_an_about_menu(portal, new_context, screenshot):
    page = new_context(**DESKTOP).new_page()
    page.goto("/news/notices/")
    expect(page.locator(".site-nav__toggle")).to_be_hidden()
    current = page.locator(".site-nav [aria-current='page']")
    expect(current).to_have_text("通知公告")
    tops = page.locator(".site-nav__list > li").evaluate_all("items => items.map(i => i.getBoundingClientRect().top)")
    assert len(set(tops)) == 1, tops

    about = page.locator(".site-nav__sub > summary")
    charter = page.locator(".site-nav__sublist").get_by_role("link", name="协会章程")
    expect(charter).to_be_hidden()
    about.focus()
    page.keyboard.press("Enter")
    expect(charter).to_be_visible()
    screenshot(page, "nav-about-menu-1280")
    page.keyboard.press("Tab")
    page.keyboard.press("Escape")
    expect(charter).to_be_hidden()
    expect(about).to_be_focused()
    about.click()
    charter.click()
    expect(page.locator("h1")).to_have_text("湖南省开发区协会章程")
    expect(page.locator(".site-nav__sublist [aria-current='page']")).to_have_count(1)


@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["390", "1280"])
def test_focus_strip_moves_on_request_and_pauses(portal, new_context, screenshot, size):
    page = new_context(**size).new_page()
    page.goto("/")
    strip = page.locator("[data-focus]")
    status = strip.locator("[data-focus-status]")
    expect(strip.locator(".focus__slide")).to_have_count(5)
    expect(status).to_have_text("1 / 5")
    first = strip.locator(".focus__image").first
    expect(first).to_have_js_property("complete", True)
    assert first.evaluate("img => img.naturalWidth") == 640
    no_horizontal_overflow(page)
    screenshot(page, f"home-portal-{size['width']}")

    strip.get_by_role("button", name="下一张").click()
    expect(status).to_have_text("2 / 5")
    expect(strip).to_have_attribute("data-focus-state", "paused")  # focus is inside: no automatic turn
    strip.get_by_role("button", name="上一张").click()
    strip.get_by_role("button", name="上一张").click()
    expect(status).to_have_text("5 / 5")

    page.mouse.move(0, 0)
    page.locator("h1").click()
    expect(strip).to_have_attribute("data-focus-state", "playing")
    strip.hover()
    expect(strip).to_have_attribute("data-focus-state", "paused")
    page.mouse.move(0, 0)
    pause = strip.get_by_role("button", name="暂停")
    pause.click()
    expect(strip.get_by_role("button", name="播放")).to_have_attribute("aria-pressed", "true")
    page.locator("h1").click()
    expect(strip).to_have_attribute("data-focus-state", "paused")


def test_focus_strip_never_turns_by_itself_for_reduced_motion(portal, new_context):
    page = new_context(**DESKTOP, reduced_motion="reduce").new_page()
    page.goto("/")
    strip = page.locator("[data-focus]")
    expect(strip).to_have_attribute("data-focus-state", "paused")
    expect(strip.get_by_role("button", name="播放")).to_be_visible()


def test_focus_strip_scrolls_without_javascript(portal, new_context):
    page = new_context(**PHONE, java_script_enabled=False).new_page()
    page.goto("/")
    expect(page.locator("[data-focus-controls]")).to_be_hidden()
    track = page.locator(".focus__track")
    track.evaluate("track => track.scrollBy({left: track.clientWidth, behavior: 'instant'})")
    second = page.locator(".focus__slide").nth(1)
    expect(second).to_be_in_viewport()
    second.get_by_role("link").click()
    expect(page.locator("h1")).to_contain_text("第2项工作安排")


@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["390", "1280"])
def test_fresh_install_home_page_has_no_empty_boxes(seeded, new_context, screenshot, size):
    page = new_context(**size).new_page()
    page.goto("/")
    expect(page.locator("[data-focus]")).to_have_count(0)
    expect(page.locator(".friends")).to_have_count(0)
    expect(page.locator(".home-column")).to_have_count(1)
    expect(page.locator(".empty")).to_have_count(0)
    no_horizontal_overflow(page)
    screenshot(page, f"home-fresh-{size['width']}")


def test_wide_table_scrolls_in_its_own_box_on_a_phone(seeded, new_context, screenshot):
    from news.models import Article

    article = Article.objects.published().first()
    cells = "".join(f"<td>第{n}列的数据内容</td>" for n in range(10))
    article.body = (
        "<p>https://www.example.org/a/very/long/address/that/would/otherwise/overflow/the/page/on/a/phone</p>"
        f"<table><tbody><tr>{cells}</tr></tbody></table>"
    )
    article.save()
    page = new_context(**PHONE).new_page()
    page.goto(article.get_absolute_url())
    box = page.locator(".table-scroll")
    expect(box.locator("table")).to_be_visible()
    assert box.evaluate("box => box.scrollWidth > box.clientWidth")
    cell_width = box.locator("td").first.evaluate("td => td.getBoundingClientRect().width")
    assert cell_width > 60, cell_width  # not squeezed into one-character columns
    no_horizontal_overflow(page)
    screenshot(page, "article-table-390")


def test_contact_page_and_footer_records_on_a_phone(seeded, new_context, screenshot):
    from hnda_site.models import SiteSettings

    settings = SiteSettings.load()
    settings.phone = "0731-84567890"
    settings.email = "hndza@example.org"
    settings.office_hours = "周一至周五 上午 9:00–12:00，下午 14:00–17:30"
    settings.icp_number = "湘ICP备00000000号-1"
    settings.police_number = "湘公网安备 43010202000000号"
    settings.save()
    page = new_context(**PHONE).new_page()
    page.goto("/")
    page.locator(".site-nav__toggle").click()
    page.locator(".site-nav__list").get_by_role("link", name="联系我们").click()
    expect(page.locator("h1")).to_have_text("联系我们")
    expect(page.locator(".site-nav [aria-current='page']")).to_have_text("联系我们")
    expect(page.locator(".contact__list")).to_contain_text("湖南省长沙市五一大道492号粮贸大厦14楼")
    badge = page.locator(".site-footer__police img")
    expect(badge).to_be_visible()
    assert badge.evaluate("img => img.naturalWidth") > 0
    no_horizontal_overflow(page)
    screenshot(page, "contact-390")
