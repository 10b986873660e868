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
