"""Layout as a visitor sees it (issue 26): no sideways scrolling on phones in any mode, the 焦点图 shows
the slide that has the focus, the high-contrast mode keeps highlights, the article layout has no holes.
"""

import json

import pytest
from playwright.sync_api import expect

from .test_a11y_e2e import MODES, public_pages
from .test_portal_e2e import portal  # noqa: F401 - the fixture

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
def test_a_focus_strip_slide_that_takes_the_focus_is_shown(portal, new_context, width):
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
def test_high_contrast_keeps_search_highlights_and_the_current_section(
    portal, new_context, live_server, screenshot, width
):
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
def test_high_contrast_focus_strip_caption_stays_off_the_photo(portal, new_context, live_server, screenshot, width):
    ((_mode, _width, page),) = open_contexts(new_context, live_server, [width], HIGH_CONTRAST)
    page.goto("/")
    slide = page.locator(".focus__slide").first
    image = slide.locator(".focus__image").bounding_box()
    caption = slide.locator(".focus__caption").bounding_box()
    assert caption["y"] >= image["y"] + image["height"] - 1
    assert image["height"] >= image["width"] * 9 / 16 - 1
    screenshot(page, f"high-contrast-home-{width}")
