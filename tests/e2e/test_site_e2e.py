"""Site-wide behaviour in a real browser: printing, search, errors, category pages."""

import pytest
from playwright.sync_api import expect


def test_printing_the_charter_prints_the_text_only(seeded, page):
    """Members print the charter: navigation, outline and search are left off the paper."""
    page.goto("/about/charter/")
    page.emulate_media(media="print")
    for chrome in [".site-nav", ".site-search", ".breadcrumbs", ".about-nav", ".doc-outline"]:
        expect(page.locator(chrome).first).to_be_hidden()
    expect(page.locator("#tiao-5")).to_be_visible()


@pytest.mark.parametrize("width", [390, 1280])
def test_visitor_searches_the_whole_site_from_the_header(seeded, new_context, screenshot, width):
    """The header's search box finds news, 协会文件 and members in one page, words marked, on a phone too."""
    page = new_context(width=width, height=900).new_page()
    page.goto("/")
    page.get_by_role("searchbox", name="搜索全站").fill("长沙 高新区")
    page.get_by_role("search").get_by_role("button", name="搜索").click()
    expect(page.locator("h1")).to_have_text("搜索")
    expect(page.get_by_role("heading", name="园区快讯（1 条）")).to_be_visible()
    expect(page.get_by_role("heading", name="会员单位（1 家）")).to_be_visible()
    expect(page.locator(".search-result mark").first).to_be_visible()
    expect(page.get_by_role("link", name="协会文件（0）")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(page, f"search-{width}")
    page.get_by_role("link", name="会员单位（1）").click()
    expect(page.get_by_role("link", name="会员单位（1）")).to_have_attribute("aria-current", "page")
    expect(page.locator("#search-news")).to_have_count(0)


def test_unknown_address_shows_the_chinese_404_page(seeded, page, screenshot):
    response = page.goto("/news/no-such-category/")
    assert response.status == 404
    expect(page.locator("h1")).to_have_text("页面不存在")
    expect(page.locator(".site-nav")).to_be_visible()
    page.get_by_role("link", name="返回首页").click()
    expect(page.locator("h1")).to_have_text("欢迎来到湖南省开发区协会中心网站!")


def test_category_page_lists_its_articles(seeded, page):
    page.goto("/news/park-express/")
    expect(page.locator("h1")).to_have_text("园区快讯")
    expect(page.locator(".breadcrumbs")).to_contain_text("园区快讯")
    page.get_by_role("link", name="长沙高新区入选全国13家国家高新区启动企业创新积分制试点").click()
    expect(page.locator(".breadcrumbs a").last).to_have_attribute("href", "/news/park-express/")
