"""Site-wide behaviour in a real browser: navigation on a phone."""

from playwright.sync_api import expect


def test_current_section_stays_visible_in_the_phone_navigation(seeded, new_context):
    """The nav row scrolls sideways on a phone; the current entry is scrolled into view."""
    page = new_context(width=390, height=844).new_page()
    page.goto("/members/")
    current = page.locator(".site-nav [aria-current='page']")
    expect(current).to_have_text("会员单位")
    box = current.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390, box
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_printing_the_charter_prints_the_text_only(seeded, page):
    """Members print the charter: navigation, outline and search are left off the paper."""
    page.goto("/about/charter/")
    page.emulate_media(media="print")
    for chrome in [".site-nav", ".site-search", ".breadcrumbs", ".about-nav", ".doc-outline"]:
        expect(page.locator(chrome).first).to_be_hidden()
    expect(page.locator("#tiao-5")).to_be_visible()
