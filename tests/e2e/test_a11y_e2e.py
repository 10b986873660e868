"""适老化 in a real browser: text size and high contrast by keyboard, with and without JavaScript;
focus rings; the charter's outline by keyboard; printing; and axe-core on every page type.
"""

import json
import re
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

AXE_VERSION = "4.14.1"
AXE_SCRIPT = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
PHONE, DESKTOP = 390, 1280
MODES = {
    "default": {},
    "large-text": {"fontsize": "large"},
    "high-contrast": {"contrast": "high"},
}
TOOLBAR_ORDER = ["字号大", "字号中", "字号小", "高对比度", "默认字号和颜色"]


def html_classes(page):
    return page.evaluate("document.documentElement.className").split()


def tab_to(page, name, limit=15):
    """Press Tab until the link or button called ``name`` has the focus (as a keyboard user would)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.replace(/\\s+/g, '')") == name:
            return
    raise AssertionError(f"{name} cannot be reached with the Tab key")


def test_toolbar_comes_first_after_the_skip_link_in_tab_order(seeded, page):
    page.goto("/news/")
    names = []
    for _ in range(1 + len(TOOLBAR_ORDER)):
        page.keyboard.press("Tab")
        names.append(page.evaluate("document.activeElement.textContent.replace(/\\s+/g, '')"))
    assert names == ["跳到正文", *TOOLBAR_ORDER]


def test_keyboard_switches_size_and_contrast_at_once_and_it_persists(seeded, new_context, screenshot):
    context = new_context()
    page = context.new_page()
    page.goto("/news/")
    base_size = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")

    tab_to(page, "字号大")
    page.keyboard.press("Enter")
    expect(page.locator("html")).to_have_class("a11y-text-large")
    assert page.url.endswith("/news/")  # no round trip: JavaScript switched it in place
    assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") == pytest.approx(base_size * 1.25)
    expect(page.locator("[data-a11y-fontsize=large]")).to_have_attribute("aria-current", "true")
    tab_to(page, "高对比度")
    page.keyboard.press("Enter")
    expect(page.locator("html")).to_have_class("a11y-text-large a11y-contrast-high")
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(0, 0, 0)"
    cookies = {cookie["name"]: cookie for cookie in context.cookies()}
    assert cookies["fontsize"]["value"] == "large" and cookies["contrast"]["value"] == "high"
    assert cookies["fontsize"]["expires"] > time.time() + 300 * 24 * 3600  # kept for a year

    # Another page, rendered by the server, is the same.
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="会员单位").click()
    expect(page).to_have_url(re.compile(r"/members/$"))
    assert set(html_classes(page)) == {"a11y-text-large", "a11y-contrast-high"}
    screenshot(page, "a11y-keyboard-large-high-contrast")

    # A new visit (a new browser session with the saved cookies) too.
    later = new_context(storage_state=context.storage_state()).new_page()
    later.goto("/about/charter/")
    assert set(html_classes(later)) == {"a11y-text-large", "a11y-contrast-high"}
    tab_to(later, "默认字号和颜色")
    later.keyboard.press("Enter")
    expect(later.locator("html")).not_to_have_class(re.compile("a11y"))
    later.reload()
    assert html_classes(later) == []


def test_toolbar_works_without_javascript_and_persists(seeded, new_context):
    context = new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto("/news/?page=1")
    tab_to(page, "字号大")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/news/\?page=1$"))  # back on the same page
    assert html_classes(page) == ["a11y-text-large"]
    tab_to(page, "高对比度")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert html_classes(page) == ["a11y-text-large", "a11y-contrast-high"]
    expect(page.locator("[data-a11y-contrast]")).to_have_attribute("aria-current", "true")
    page.goto("/members/")
    assert html_classes(page) == ["a11y-text-large", "a11y-contrast-high"]

    later = new_context(java_script_enabled=False, storage_state=context.storage_state()).new_page()
    later.goto("/")
    assert html_classes(later) == ["a11y-text-large", "a11y-contrast-high"]
    tab_to(later, "字号小")
    with later.expect_navigation():
        later.keyboard.press("Enter")
    assert html_classes(later) == ["a11y-text-small", "a11y-contrast-high"]
    # Without JavaScript there is no print button to press (the browser's own print still works).
    later.goto("/about/charter/")
    expect(later.get_by_role("button", name="打印本页")).to_be_hidden()


@pytest.mark.parametrize("width", [PHONE, DESKTOP])
def test_main_navigation_focus_ring_is_not_clipped(seeded, new_context, width):
    page = new_context(width=width, height=844).new_page()
    page.goto("/members/")  # its nav item is current: the ring must show on blue as well
    nav = page.get_by_role("navigation", name="主导航")
    if width == PHONE:  # the links are behind the 菜单 button there
        nav.locator("summary", has_text="菜单").focus()
        page.keyboard.press("Enter")
    for name in ["首页", "会员单位"]:
        nav.get_by_role("link", name=name, exact=True).focus()
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Tab")  # focused from the keyboard, so :focus-visible applies
        ring = page.evaluate(
            """() => {
                const link = document.activeElement, list = link.closest('ul');
                const style = getComputedStyle(link), box = link.getBoundingClientRect();
                const clip = list.getBoundingClientRect();
                const reach = Math.max(0, parseFloat(style.outlineOffset) + parseFloat(style.outlineWidth));
                return {style: style.outlineStyle, width: parseFloat(style.outlineWidth),
                        top: box.top - reach, bottom: box.bottom + reach, clipTop: clip.top, clipBottom: clip.bottom};
            }"""
        )
        assert ring["style"] == "solid" and ring["width"] >= 3, name
        assert ring["top"] >= ring["clipTop"] and ring["bottom"] <= ring["clipBottom"], (name, ring)


def test_charter_outline_is_usable_by_keyboard(seeded, new_context):
    page = new_context().new_page()
    page.goto("/about/charter/")
    outline = page.get_by_role("complementary", name="目录")
    outline.get_by_role("link").first.focus()
    for _ in range(5):
        page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused.startswith("第") and outline.get_by_role("link", name=focused).count() == 1
    page.keyboard.press("Enter")
    target = page.evaluate("location.hash")
    assert re.fullmatch(r"#(tiao|zhang)-\d+", target)
    expect(page.locator(target)).to_be_in_viewport()

    phone = new_context(width=PHONE, height=844).new_page()
    phone.goto("/about/charter/")
    phone.locator("details.doc-outline--fold summary").focus()
    phone.keyboard.press("Enter")
    expect(phone.locator("details.doc-outline--fold")).to_have_attribute("open", "")
    phone.keyboard.press("Tab")
    phone.keyboard.press("Enter")
    assert re.fullmatch(r"#(tiao|zhang)-\d+", phone.evaluate("location.hash"))


def first_article_url():
    from news.models import Article

    return Article.objects.published().first().get_absolute_url()


def test_print_button_prints_and_paper_shows_the_address_and_date(seeded, new_context):
    context = new_context()
    context.add_init_script("window.print = () => { window.printed = (window.printed || 0) + 1; };")
    page = context.new_page()
    url = first_article_url()
    page.goto(url)
    box = page.locator(".share-box")
    expect(box.get_by_role("img", name="本页网址的二维码")).to_be_visible()
    box.get_by_role("button", name="打印本页").click()
    assert page.evaluate("window.printed") == 1

    page.emulate_media(media="print")
    footer = page.locator(".print-footer")
    expect(footer).to_be_visible()
    expect(footer).to_contain_text(f"本页网址：http://testserver{url}")
    expect(footer).to_contain_text(re.compile(r"打印日期：\d{4}年\d{1,2}月\d{1,2}日"))
    expect(page.locator(".a11y-toolbar")).to_be_hidden()
    expect(box.get_by_role("button", name="打印本页")).to_be_hidden()
    expect(box.get_by_role("img", name="本页网址的二维码")).to_be_visible()  # a reader of the paper scans it
    code = box.get_by_role("img", name="本页网址的二维码")
    expect(code).to_have_js_property("complete", True)
    assert code.evaluate("image => image.naturalWidth") > 0  # the image was drawn (seo.views.page_qr)

    phone = new_context(width=PHONE, height=844).new_page()
    asked = []
    phone.on("request", lambda request: asked.append(request.url) if "/qr.svg" in request.url else None)
    phone.goto(url)
    expect(phone.get_by_role("button", name="打印本页")).to_be_visible()
    expect(phone.get_by_role("img", name="本页网址的二维码")).to_be_hidden()
    assert asked == []  # hidden on a phone: not even loaded
    phone.emulate_media(media="print")  # printed from a phone: the paper has the code
    on_paper = phone.get_by_role("img", name="本页网址的二维码")
    expect(on_paper).to_be_visible()
    loaded = on_paper.evaluate(  # a function, not a string to evaluate: the Content-Security-Policy has no eval
        """image => new Promise(done => {
            if (image.complete && image.naturalWidth) { done(image.naturalWidth); return; }
            image.addEventListener("load", () => done(image.naturalWidth));
            setTimeout(() => done(0), 5000);
        })"""
    )
    assert loaded > 0


def test_reduced_motion_and_more_contrast_are_respected(seeded, new_context):
    page = new_context(reduced_motion="reduce").new_page()
    page.emulate_media(contrast="more")
    page.goto("/")
    muted = page.evaluate("getComputedStyle(document.documentElement).getPropertyValue('--muted').trim()")
    assert muted == "#24292f"
    # Every transition is cut to (next to) nothing.
    assert page.evaluate("getComputedStyle(document.querySelector('a')).transitionDuration") == "1e-05s"


# --- axe-core on every page type, in every mode, at both widths ---------------------------


def public_pages():
    """One URL of each public page type, on the seed content plus a second charter version."""
    from association.models import Document, DocumentVersion
    from members.models import Member
    from news.models import Article, Category

    charter = Document.objects.get(slug="charter")
    v1 = DocumentVersion.objects.get(document=charter, number=1)
    DocumentVersion.objects.create(
        document=charter,
        body=v1.body.replace("12万元", "50万元"),
        change_note="测试修订",
        status=DocumentVersion.Status.PUBLISHED,
    )
    article = Article.objects.published().first()
    member = Member.objects.active().first()
    category = Category.objects.first()
    pages = {
        "home": "/",
        "news-list": "/news/",
        "category": category.get_absolute_url(),
        "article": article.get_absolute_url(),
        "history": "/about/charter/history/",
        "old-version": "/about/charter/v1/",
        "compare": "/about/charter/compare/1/2/",
        "member-list-filtered": f"/members/?city={member.city}",
        "member-list": "/members/",
        "member": member.get_absolute_url(),
        "search": "/search/?q=高新区",
        "contact": "/contact/",
        "not-found": "/no-such-page/",
    }
    for document in Document.objects.live():
        pages[f"document-{document.slug}"] = document.get_absolute_url()
    return pages


def test_axe_finds_no_violation_on_any_page_in_any_mode(seeded, new_context, screenshot, live_server):
    """axe-core (vendored, pinned) on every public page type at 390 and 1280 px in the default,
    large-text and high-contrast modes; large text must not make a phone page scroll sideways.

    One browser context per width and mode, each reusing one page. The six run side by side:
    each page starts axe and the next page loads meanwhile, then the results are collected.
    """
    pages = public_pages()
    assert {"document-charter", "document-intro"} <= set(pages)
    axe = AXE_SCRIPT.read_text()
    assert f"axe v{AXE_VERSION}" in axe[:100]
    runs = []
    for width in (PHONE, DESKTOP):
        for mode, cookies in MODES.items():
            context = new_context(width=width, height=844 if width == PHONE else 900, bypass_csp=True)
            context.add_init_script(script=axe)
            context.add_cookies(
                [{"name": key, "value": value, "url": live_server.url} for key, value in cookies.items()]
            )
            options = {"resultTypes": ["violations"]}
            if mode == "high-contrast":
                # The high-contrast mode promises 7:1 for text (WCAG AAA).
                options["rules"] = {"color-contrast-enhanced": {"enabled": True}}
            runs.append((mode, width, context.new_page(), options))
    problems = []
    for name, url in pages.items():
        for _mode, _width, page, options in runs:
            page.goto(url)
            page.evaluate("options => { window.axeResults = axe.run(document, options); }", options)
        for mode, width, page, _options in runs:
            where = f"{mode} {width}px {url}"
            results = page.evaluate(
                "window.axeResults.then(r => ({violations: r.violations, passes: r.passes.length}))"
            )
            assert results["passes"] > 20, f"{where}: axe did not run"
            for violation in results["violations"]:
                targets = [node["target"] for node in violation["nodes"]][:5]
                problems.append(f"{where}: {violation['id']} ({violation['impact']}) {targets}")
            if width == PHONE:
                overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
                if overflow > 0:
                    problems.append(f"{where}: the page scrolls sideways by {overflow}px")
            if name in {"article", "document-charter"}:
                screenshot(page, f"a11y-{mode}-{width}-{name}")
    assert not problems, json.dumps(problems, ensure_ascii=False, indent=1)
