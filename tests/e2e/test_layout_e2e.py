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
