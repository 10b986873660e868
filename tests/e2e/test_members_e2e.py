"""会员单位 in a real browser: a visitor filters the directory and reads a member's news; staff import a spreadsheet."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

REPO = Path(__file__).resolve().parent.parent.parent
SAMPLE_CSV = REPO / "docs" / "members-sample.csv"
SEED_TITLE = "长沙高新区入选全国13家国家高新区启动企业创新积分制试点"
PHONE_WIDTH = 390


def no_horizontal_overflow(page):
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= PHONE_WIDTH, f"{page.url} is {scroll_width}px wide on a {PHONE_WIDTH}px phone"


def facet_option(page, label):
    return page.locator(".filters").get_by_role("link", name=re.compile(rf"^{label} "))


def test_visitor_filters_by_city_and_level_then_reads_a_member_and_its_news(seeded, page, screenshot):
    page.goto("/")
    panel = page.locator("section[aria-labelledby=home-members]")
    expect(panel).to_contain_text("本网站已收录会员单位 3 家，分布在 2 个市州")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="会员单位").click()
    expect(page).to_have_url(re.compile(r"/members/$"))
    expect(page.locator("h1")).to_have_text("会员单位")
    expect(page.locator(".member-card")).to_have_count(3)
    expect(page.locator(".filter-toggle summary")).to_be_hidden()  # a wide screen shows the filters as they are
    screenshot(page, "members-directory-1280")

    facet_option(page, "长沙市").click()
    expect(page).to_have_url(re.compile(r"\?city=changsha$"))
    expect(page.locator(".member-card")).to_have_count(2)
    facet_option(page, "国家级").click()
    expect(page).to_have_url(re.compile(r"\?city=changsha&level=national$"))
    expect(page.locator(".chip")).to_have_text([re.compile("市州：长沙市"), re.compile("级别：国家级")])
    expect(page.locator(".directory__summary")).to_have_text("符合条件的会员单位 2 家")
    cards = page.locator(".member-card__name")
    expect(cards).to_have_count(2)
    assert sorted(cards.all_inner_texts()) == sorted(["长沙高新技术产业开发区", "长沙经济技术开发区"])
    # 湘西 is 0 within 国家级: shown, but not a link.
    expect(page.locator(".facet__option--empty", has_text="湘西土家族苗族自治州")).to_have_count(1)
    screenshot(page, "members-directory-filtered-1280")

    page.get_by_role("link", name="长沙高新技术产业开发区").click()
    expect(page.locator("h1")).to_have_text("长沙高新技术产业开发区")
    expect(page.locator(".member__short")).to_have_text("简称：长沙高新区")
    facts = page.locator(".member__facts")
    expect(facts).to_contain_text("长沙市")
    expect(facts).to_contain_text("国家级")
    expect(facts).to_contain_text("高新技术产业开发区")
    expect(facts).to_contain_text("会员单位")
    expect(page.locator(".member-logo--placeholder")).to_have_text("长")
    news = page.locator("section[aria-labelledby=member-news] .article-list")
    expect(news.get_by_role("link", name=SEED_TITLE)).to_be_visible()
    screenshot(page, "members-detail-1280")

    news.get_by_role("link", name=SEED_TITLE).click()
    expect(page.locator("h1")).to_have_text(SEED_TITLE)


def test_directory_and_member_page_on_a_phone(seeded, new_context, screenshot):
    page = new_context(width=PHONE_WIDTH, height=844).new_page()
    page.goto("/members/")
    expect(page.locator("h1")).to_have_text("会员单位")
    # The filters fold away under a summary, so the list comes first.
    expect(page.locator(".filters")).to_be_hidden()
    expect(page.locator(".member-card")).to_have_count(3)
    no_horizontal_overflow(page)
    screenshot(page, "members-directory-390")

    page.locator(".filter-toggle summary").click()
    expect(page.locator(".filters")).to_be_visible()
    facet_option(page, "长沙市").click()
    expect(page).to_have_url(re.compile(r"\?city=changsha$"))
    expect(page.locator(".filter-toggle summary")).to_have_text("按条件筛选（已选 1 项）")
    page.locator(".filter-toggle summary").click()
    facet_option(page, "国家级").click()
    expect(page.locator(".member-card")).to_have_count(2)
    expect(page.locator(".chip")).to_have_count(2)
    no_horizontal_overflow(page)
    screenshot(page, "members-directory-filtered-390")

    # Removing a chip removes that filter only.
    page.locator(".chip", has_text="市州：长沙市").click()
    expect(page).to_have_url(re.compile(r"\?level=national$"))
    expect(page.locator(".member-card")).to_have_count(2)

    page.get_by_role("link", name="长沙高新技术产业开发区").click()
    expect(page.locator("h1")).to_have_text("长沙高新技术产业开发区")
    expect(page.get_by_role("link", name=SEED_TITLE)).to_be_visible()
    no_horizontal_overflow(page)
    screenshot(page, "members-detail-390")


def test_member_page_with_logo_and_website_opens_the_website_safely(seeded, page, screenshot, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from members.models import Member

    logo = tmp_path / "logo.png"
    Image.new("RGB", (900, 300), (179, 38, 30)).save(logo)
    member = Member.objects.get(short_name="长沙经开区")
    member.logo = SimpleUploadedFile("logo.png", logo.read_bytes(), content_type="image/png")
    member.website = "https://www.example.gov.cn/"
    member.address = "长沙市经开区"
    member.introduction = "<p>长沙经济技术开发区简介。</p>"
    member.save()

    page.goto(member.get_absolute_url())
    image = page.locator("img.member-logo--large")
    expect(image).to_be_visible()
    assert image.evaluate("img => [img.naturalWidth, img.naturalHeight]") == [600, 200]
    website = page.locator(".member__website")
    expect(website).to_have_attribute("target", "_blank")
    expect(website).to_have_attribute("rel", "noopener noreferrer")
    expect(page.locator(".member__intro .richtext")).to_have_text("长沙经济技术开发区简介。")
    screenshot(page, "members-detail-logo-1280")


@pytest.mark.parametrize("width", [1280, PHONE_WIDTH])
def test_staff_import_the_sample_file_in_the_admin(new_context, admin_login, screenshot, tmp_path, width):
    page = new_context(width=width, height=900 if width > PHONE_WIDTH else 844).new_page()
    admin_login(page)
    page.goto("/admin/members/member/")
    page.get_by_role("link", name="导入").click()
    expect(page).to_have_url(re.compile(r"/admin/members/member/import/$"))
    expect(page.get_by_role("link", name=re.compile("Excel 模板"))).to_be_visible()

    # A file with a mistake: every error is listed, and there is nothing to confirm.
    bad = tmp_path / "有错误.csv"
    bad.write_text(
        "名称,简称,市州,级别,类型\n长沙高新技术产业开发区,长沙高新区,火星市,国家级,高新技术产业开发区\n",
        encoding="utf-8",
    )
    page.set_input_files("#id_import_file", str(bad))
    page.select_option("#id_format", label="csv")
    page.get_by_role("button", name="提交").click()
    expect(page.locator("h2", has_text="整个文件都没有导入")).to_be_visible()
    expect(page.locator(".member-import-invalid")).to_contain_text("“火星市”不是有效的市州")
    expect(page.get_by_role("button", name="确认导入")).to_have_count(0)
    screenshot(page, f"members-admin-import-errors-{width}")

    # The sample file: a preview first, then the import on confirmation.
    page.set_input_files("#id_import_file", str(SAMPLE_CSV))
    page.select_option("#id_format", label="csv")
    page.get_by_role("button", name="提交").click()
    expect(page.locator(".member-import-summary")).to_contain_text("将新增 3 个")
    expect(page.locator(".import-preview td.import-type")).to_have_text(["新增", "新增", "新增"])
    expect(page.locator(".import-preview")).to_contain_text("湘西土家族苗族自治州")
    screenshot(page, f"members-admin-import-preview-{width}")

    page.get_by_role("button", name="确认导入").click()
    expect(page).to_have_url(re.compile(r"/admin/members/member/$"))
    expect(page.locator(".messagelist")).to_contain_text("新增3条记录")
    expect(page.locator("#result_list tbody tr")).to_have_count(3)
    expect(page.locator("#result_list input[name$='-order']")).to_have_count(3)  # 排序 is edited in the list
    screenshot(page, f"members-admin-list-{width}")

    # The member form: the introduction uses the rich-text editor.
    page.get_by_role("link", name="长沙高新技术产业开发区").click()
    expect(page.locator(".field-introduction .ck-editor__editable")).to_be_visible()
    expect(page.locator(".field-logo_preview")).to_contain_text("尚未上传标志")
    screenshot(page, f"members-admin-change-{width}")

    public = new_context().new_page()
    public.goto("/members/")
    expect(public.locator(".member-card")).to_have_count(3)
    # In pinyin order: chang sha gao…, chang sha jing…, xiang xi…
    expect(public.locator(".member-card__short")).to_have_text(["长沙高新区", "长沙经开区", "湘西高新区"])
