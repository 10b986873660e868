"""English pages in a real browser: the switch, the English home, an article and the charter at 390 and
1280 px (screenshots/en-*.png), axe-core on every English page type, and staff publishing an English
version in the admin.
"""

import json
import re

import pytest
from playwright.sync_api import expect

from .test_a11y_e2e import AXE_SCRIPT, AXE_VERSION

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
ENGLISH_BODY = (
    "<p>Changsha Economic and Technological Development Zone signed twelve new investment projects "
    "worth RMB 8.6 billion, in construction machinery, new energy vehicles and electronic information.</p>"
    "<p>The zone will provide one-stop services for the projects from registration to production.</p>"
)


@pytest.fixture
def english_site(seeded):
    """The seed content with an English article, the charter's English text and two English member names."""
    from association.models import Document
    from members.models import Member
    from news.models import Article

    article = Article.objects.published().first()
    article.title_en = "Changsha Zone Signs Twelve New Investment Projects"
    article.body_en = ENGLISH_BODY
    article.save()
    charter = Document.objects.get(slug="charter")
    charter.title_en = "Articles of Association"
    charter.full_title_en = "Articles of Association of the Hunan Development Zones Association"
    charter.save()
    version = charter.versions.published().order_by("-number").first()
    version.body_en = (
        "<h2>Chapter I General Provisions</h2>"
        "<p>Article 1 The name of this association is Hunan Development Zones Association (HNDZA).</p>"
        "<p>Article 2 The association is a non-profit social organization formed voluntarily by the "
        "development zones of Hunan Province.</p>"
    )
    version.save()
    for member, name in zip(Member.objects.active()[:2], ["Changsha High-tech Zone", "Liuyang EDZ"], strict=False):
        member.name_en = name
        member.save()
    return {"article": article, "charter": charter}


def no_horizontal_overflow(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["390", "1280"])
def test_english_home_article_and_charter(english_site, new_context, screenshot, size):
    page = new_context(**size).new_page()
    width = size["width"]
    article = english_site["article"]

    page.goto("/en/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("link", name="Changsha Zone Signs Twelve New Investment Projects").first).to_be_visible()
    no_horizontal_overflow(page)
    screenshot(page, f"en-home-{width}")

    page.goto(f"/en/news/{article.pk}/")
    expect(page.locator("h1")).to_have_text("Changsha Zone Signs Twelve New Investment Projects")
    expect(page.locator(".richtext")).to_contain_text("one-stop services")
    no_horizontal_overflow(page)
    screenshot(page, f"en-article-{width}")

    page.goto("/en/about/charter/")
    expect(page.locator("h1")).to_have_text("Articles of Association of the Hunan Development Zones Association")
    expect(page.locator(".richtext")).to_contain_text("Article 1 The name of this association")
    no_horizontal_overflow(page)
    screenshot(page, f"en-charter-{width}")


def test_the_switch_leads_to_the_same_page_or_the_other_home(english_site, page):
    article = english_site["article"]
    page.goto(article.get_absolute_url())
    page.locator(".language-switch").click()
    expect(page).to_have_url(re.compile(rf"/en/news/{article.pk}/$"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.locator(".language-switch").click()
    expect(page.locator("h1")).to_have_text(article.title)

    from news.models import Article

    chinese_only = Article.objects.create(
        title="只有中文的快讯", category=article.category, status=Article.Status.PUBLISHED, body="<p>中文。</p>"
    )
    page.goto(chinese_only.get_absolute_url())
    page.locator(".language-switch").click()
    assert page.url.endswith("/en/")


def english_pages(site):
    from members.models import Member

    article = site["article"]
    member = Member.objects.active().first()
    return {
        "home": "/en/",
        "news": "/en/news/",
        "category": "/en/news/park-express/",
        "article": f"/en/news/{article.pk}/",
        "charter": "/en/about/charter/",
        "intro-without-english": "/en/about/intro/",
        "history": "/en/about/charter/history/",
        "members": "/en/members/",
        "members-filtered": f"/en/members/?city={member.city}",
        "member": f"/en/members/{member.pk}/",
        "search": "/en/search/?q=investment",
        "contact": "/en/contact/",
        "not-found": "/en/no-such-page/",
    }


def test_axe_finds_no_violation_on_english_pages(english_site, new_context):
    axe = AXE_SCRIPT.read_text()
    assert f"axe v{AXE_VERSION}" in axe[:100]
    runs = []
    for size in (PHONE, DESKTOP):
        context = new_context(**size, bypass_csp=True)
        context.add_init_script(script=axe)
        runs.append((size["width"], context.new_page()))
    problems = []
    for url in english_pages(english_site).values():
        for _width, page in runs:
            page.goto(url)
            page.evaluate("() => { window.axeResults = axe.run(document, {resultTypes: ['violations']}); }")
        for width, page in runs:
            results = page.evaluate(
                "window.axeResults.then(r => ({violations: r.violations, passes: r.passes.length}))"
            )
            assert results["passes"] > 20, f"{width}px {url}: axe did not run"
            assert page.evaluate("document.documentElement.lang") == "en", url
            for violation in results["violations"]:
                targets = [node["target"] for node in violation["nodes"]][:5]
                problems.append(f"{width}px {url}: {violation['id']} ({violation['impact']}) {targets}")
            if width == PHONE["width"]:
                overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
                if overflow > 0:
                    problems.append(f"{width}px {url}: the page scrolls sideways by {overflow}px")
    assert not problems, json.dumps(problems, ensure_ascii=False, indent=1)


def test_staff_publish_an_english_version_in_the_admin(seeded, new_context, admin_login, screenshot):
    from news.models import Article

    article = Article.objects.published().first()
    page = new_context(**DESKTOP).new_page()
    admin_login(page)
    page.goto(f"/admin/news/article/{article.pk}/change/")
    page.fill("input[name=title_en]", "An English Version Written in the Admin")
    english_editor = page.locator(".field-body_en .ck-editor__editable")
    english_editor.click()
    page.keyboard.type("Written by the association's staff in the admin.")
    screenshot(page, "en-admin-article-english-fields")
    with page.expect_navigation():
        page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist")).to_contain_text("成功")

    page.goto("/en/news/")
    page.get_by_role("link", name="An English Version Written in the Admin").click()
    expect(page.locator(".richtext")).to_contain_text("Written by the association's staff in the admin.")
