"""Layout as a visitor sees it (issue 26): no sideways scrolling on phones in any mode, the 焦点图 shows
the slide that has the focus, the high-contrast mode keeps highlights, the article layout has no holes.
"""

import json
import time

import pytest
from playwright.sync_api import expect

from .test_a11y_e2e import MODES, public_pages
from .test_portal_e2e import portal  # noqa: F401 - the fixture, used by name below

NARROW = (320, 360, 390)


def english(url):
    return "/en" + url


def open_contexts(new_context, live_server, widths, modes=MODES, height=800):
    """One page per (width, mode), with that mode's cookies."""
    runs = []
    for width in widths:
        for mode, cookies in modes.items():
            context = new_context(width=width, height=height)
            context.add_cookies(
                [{"name": key, "value": value, "url": live_server.url} for key, value in cookies.items()]
            )
            runs.append((mode, width, context.new_page()))
    return runs


def test_no_page_scrolls_sideways_on_a_phone_in_any_mode(seeded, new_context, live_server):
    """Every public page type, in Chinese and in English, at 320, 360 and 390 px, in the default,
    large-text and high-contrast modes: the page is never wider than the screen."""
    pages = public_pages()
    urls = [*pages.values(), *(english(url) for url in pages.values())]
    problems = []
    for mode, width, page in open_contexts(new_context, live_server, NARROW):
        for url in urls:
            page.goto(url)
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            if overflow > 0:
                wide = page.evaluate(
                    """() => [...document.querySelectorAll('body *')]
                        .filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5
                                     && getComputedStyle(e).position !== 'fixed')
                        .slice(-3).map(e => e.tagName + '.' + e.className + ' ' +
                                       Math.round(e.getBoundingClientRect().right))"""
                )
                problems.append(f"{mode} {width}px {url}: {overflow}px too wide {wide}")
    assert not problems, json.dumps(problems, ensure_ascii=False, indent=1)


# --- 焦点图 and the keyboard (item 2) ---------------------------------------------------------------

SLIDE_SHOWN = """() => {
  const track = document.querySelector('.focus__track').getBoundingClientRect();
  const link = document.activeElement.getBoundingClientRect();
  return link.left >= track.left - 1 && link.right <= track.right + 1;
}"""


@pytest.mark.parametrize("width", [1024, 1280, 1366, 1440, 1920])
@pytest.mark.usefixtures("portal")
def test_a_focus_strip_slide_that_takes_the_focus_is_shown(new_context, width):
    page = new_context(width=width, height=900).new_page()
    page.goto("/")
    slides = page.locator(".focus__slide")
    expect(slides).to_have_count(5)
    page.locator(".focus__track").focus()
    for number in range(5):
        page.keyboard.press("Tab")
        expect(slides.nth(number).get_by_role("link")).to_be_focused()
        page.wait_for_function(SLIDE_SHOWN, timeout=3000)


# --- 高对比度 (item 3) ----------------------------------------------------------------------------

CONTRAST = """element => {
  const rgb = value => value.match(/[\\d.]+/g).slice(0, 3).map(Number);
  const luminance = ([r, g, b]) => {
    const [R, G, B] = [r, g, b].map(c => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * R + 0.7152 * G + 0.0722 * B;
  };
  const style = getComputedStyle(element);
  const [a, b] = [luminance(rgb(style.color)), luminance(rgb(style.backgroundColor))];
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}"""
HIGH_CONTRAST = {"high-contrast": MODES["high-contrast"]}


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.usefixtures("portal")
def test_high_contrast_keeps_search_highlights_and_the_current_section(new_context, live_server, screenshot, width):
    ((_mode, _width, page),) = open_contexts(new_context, live_server, [width], HIGH_CONTRAST)
    page.goto("/search/?q=开发区")
    marks = page.locator(".search-result a mark")
    expect(marks.first).to_be_visible()
    for index in range(min(marks.count(), 5)):
        assert marks.nth(index).evaluate(CONTRAST) >= 7
    screenshot(page, f"high-contrast-search-{width}")

    page.goto("/about/charter/")
    if width < 900:
        page.locator(".site-nav__toggle").click()
    about = page.locator(".site-nav__item--current > .site-nav__sub > summary")
    expect(about).to_have_css("background-color", "rgb(255, 255, 0)")
    assert about.evaluate(CONTRAST) >= 7
    page.goto("/news/notices/")
    if width < 900:
        page.locator(".site-nav__toggle").click()
    expect(page.locator(".site-nav a[aria-current='page']")).to_have_css("background-color", "rgb(255, 255, 0)")


@pytest.mark.parametrize("width", [320, 390, 1280])
@pytest.mark.usefixtures("portal")
def test_high_contrast_focus_strip_caption_stays_off_the_photo(new_context, live_server, screenshot, width):
    ((_mode, _width, page),) = open_contexts(new_context, live_server, [width], HIGH_CONTRAST)
    page.goto("/")
    slide = page.locator(".focus__slide").first
    image = slide.locator(".focus__image").bounding_box()
    caption = slide.locator(".focus__caption").bounding_box()
    assert caption["y"] >= image["y"] + image["height"] - 1
    assert image["height"] >= image["width"] * 9 / 16 - 1
    screenshot(page, f"high-contrast-home-{width}")


# --- Article layout (item 5) ----------------------------------------------------------------------

LAYOUT_SHIFT = """() => new Promise(resolve => {
  let total = 0;
  new PerformanceObserver(list => { for (const entry of list.getEntries()) total += entry.value; })
    .observe({type: 'layout-shift', buffered: true});
  setTimeout(() => resolve(total), 500);
})"""


def box(locator):
    found = locator.bounding_box()
    return found["x"], found["y"], found["x"] + found["width"], found["y"] + found["height"]


def overlap(a, b):
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@pytest.mark.usefixtures("portal")
def test_article_cover_takes_its_space_at_once_and_the_share_box_sits_below_it(new_context, screenshot):
    from news.models import Article

    article = Article.objects.exclude(cover="").first()
    assert (article.cover_width, article.cover_height) == (640, 360)
    desktop = new_context(width=1280, height=900).new_page()
    desktop.goto(article.get_absolute_url())
    cover = desktop.locator(".article__cover")
    expect(cover).to_have_attribute("width", "640")
    expect(cover).to_have_attribute("height", "360")
    assert box(desktop.locator(".share-box"))[1] >= box(cover)[3] - 1  # no blank column beside the cover
    screenshot(desktop, "article-cover-1280")

    phone = new_context(width=390, height=844).new_page()

    def slowly(route):
        time.sleep(0.4)
        route.continue_()

    phone.route("**/media/covers/**", slowly)
    phone.goto(article.get_absolute_url(), wait_until="commit")
    expect(phone.locator(".article__cover")).to_have_js_property("complete", True)
    assert phone.evaluate(LAYOUT_SHIFT) < 0.01
    screenshot(phone, "article-cover-390")


def test_the_share_box_keeps_clear_of_the_old_version_notice_and_inside_its_card(seeded, new_context, screenshot):
    public_pages()  # a second version of the charter: version 1 is an old one
    page = new_context(width=1280, height=900).new_page()
    page.goto("/about/charter/v1/")
    assert not overlap(box(page.locator(".notice--old")), box(page.locator(".share-box")))
    screenshot(page, "charter-old-version-1280")
    for url in ("/en/about/charter/", "/en/about/charter/v1/", "/en/about/intro/"):
        page.goto(url)
        assert box(page.locator(".share-box"))[3] <= box(page.locator("article.article"))[3], url
        for notice in page.locator("article.article .notice").all():
            assert not overlap(box(notice), box(page.locator(".share-box"))), url
    screenshot(page, "en-intro-1280")


# --- Print (item 9) -------------------------------------------------------------------------------

A4_POINTS = (595, 842)


def test_paper_is_a4_with_the_address_and_date_on_every_page_and_the_qr_code(seeded, new_context):
    from io import BytesIO

    from pypdf import PdfReader

    from news.models import Article

    paragraphs = "".join(f"<p>第{number}段：开发区高质量发展的工作安排与措施。</p>" for number in range(100, 220))
    article = Article.objects.published().first()
    Article.objects.filter(pk=article.pk).update(body=paragraphs)
    page = new_context().new_page()
    page.clock.set_fixed_time("2026-06-05T10:00:00+08:00")
    page.goto(article.get_absolute_url())
    page.emulate_media(media="print")
    expect(page.locator(".print-footer__date")).to_have_text("打印日期：2026年6月5日")
    expect(page.get_by_role("img", name="本页网址的二维码")).to_be_visible()
    expect(page.get_by_role("button", name="打印本页")).to_be_hidden()

    pdf = PdfReader(BytesIO(page.pdf(prefer_css_page_size=True, print_background=True)))
    assert len(pdf.pages) >= 3
    for number, sheet in enumerate(pdf.pages, start=1):
        size = (round(float(sheet.mediabox.width)), round(float(sheet.mediabox.height)))
        assert size == A4_POINTS, number
        lines = []
        text = sheet.extract_text(
            visitor_text=lambda text, cm, tm, *_, out=lines: out.append((tm[4] * cm[1] + tm[5] * cm[3] + cm[5], text))
        )
        assert f"/news/{article.pk}/" in text, f"page {number} has no address"
        assert "2026" in text, f"page {number} has no print date"
        footer_top = max(y for y, text in lines if "http" in text)
        body = [y for y, text in lines if text.strip().isdigit() and 100 <= int(text) < 220]
        assert not body or min(body) > footer_top + 5, f"page {number}: the text runs into the footer"


# --- Details (item 10) ----------------------------------------------------------------------------


@pytest.mark.parametrize("width", [320, 390])
def test_the_welcome_heading_never_breaks_inside_the_name_on_a_phone(seeded, new_context, live_server, width):
    for mode, _width, page in open_contexts(new_context, live_server, [width]):
        page.goto("/")
        name = page.locator(".welcome h1 .keep-together")
        assert name.evaluate("span => span.getClientRects().length") == 1, mode
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), mode


def test_a_table_caption_stays_in_view_while_the_table_scrolls(seeded, new_context, screenshot):
    from news.models import Article

    article = Article.objects.published().first()
    cells = "".join(f"<td>第{n}列的数据内容</td>" for n in range(10))
    article.body = (
        f"<table><caption>2025年各开发区主要经济指标（单位：亿元）</caption><tbody><tr>{cells}</tr></tbody></table>"
    )
    article.save()
    page = new_context(width=390, height=844).new_page()
    page.goto(article.get_absolute_url())
    scroller = page.locator(".table-scroll")
    scroller.evaluate("box => box.scrollTo({left: box.scrollWidth})")
    page.wait_for_function("document.querySelector('.table-scroll').scrollLeft > 100")
    outer, caption = box(scroller), box(scroller.locator("caption"))
    assert outer[0] - 1 <= caption[0] and caption[2] <= outer[2] + 1
    screenshot(page, "table-caption-scrolled-390")


def test_print_this_page_fits_on_one_line(seeded, new_context):
    from news.models import Article

    page = new_context(width=1280, height=900).new_page()
    article = Article.objects.published().first()
    Article.objects.filter(pk=article.pk).update(title_en="In English", body_en="<p>Text.</p>")
    page.goto(f"/en/news/{article.pk}/")
    button = page.get_by_role("button", name="Print this page")
    assert button.evaluate(
        "b => b.getClientRects().length === 1 && b.scrollHeight < 2 * parseFloat(getComputedStyle(b).lineHeight) + 20"
    )


# --- Out of the box (item 11) ---------------------------------------------------------------------

HOLES = """() => {
  const grid = document.querySelector('.home-grid').getBoundingClientRect();
  const panels = [...document.querySelectorAll('.home-grid .panel')].map(p => p.getBoundingClientRect());
  return panels.filter(p => !panels.some(q => q !== p && q.top >= p.bottom - 1 && q.left < p.right && p.left < q.right))
    .map(p => Math.round(grid.bottom - p.bottom)).filter(gap => gap > 2);
}"""


@pytest.mark.parametrize("width", [390, 1024, 1280])
def test_a_fresh_home_page_has_no_holes(seeded, new_context, screenshot, width):
    """With one short 栏目 and the seed's empty 通知公告 and 政策法规, every panel reaches the bottom of the
    home page's grid or has another panel under it."""
    page = new_context(width=width, height=900).new_page()
    page.goto("/")
    expect(page.locator(".home-column")).to_have_count(1)
    assert page.evaluate(HOLES) == []
    screenshot(page, f"home-fresh-layout-{width}")
