"""The public forms in a real browser, as a visitor fills them: a wrong CAPTCHA first, then right; a
registration sent twice with the same phone; axe-core on every form page in every display mode."""

import json
from datetime import timedelta
from pathlib import Path

from django.utils import timezone
from playwright.sync_api import expect

from .test_a11y_e2e import AXE_SCRIPT, DESKTOP, MODES, PHONE

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def answer(page):
    from captcha.models import CaptchaStore

    key = page.locator("input[name=captcha_0]").input_value()
    return CaptchaStore.objects.get(hashkey=key).response


def confirm(page, right=True):
    page.locator("input[name=captcha_1]").fill(answer(page) if right else "999")
    page.get_by_label("我已阅读").check()


def test_a_zone_applies_after_a_wrong_captcha(page, screenshot, tmp_path, transactional_db):
    form_file = Path(tmp_path) / "入会申请表.pdf"
    form_file.write_bytes(PDF)
    page.goto("/join/")
    page.get_by_label("单位名称").fill("湖南测试高新技术产业开发区")
    page.get_by_label("类型").select_option(label="高新技术产业开发区")
    page.get_by_label("级别").select_option(label="省级")
    page.get_by_label("市州").select_option(label="益阳市")
    page.get_by_label("联系人").fill("刘芳")
    page.get_by_label("手机").fill("13700001111")
    page.get_by_label("电子邮箱").fill("liu@example.org")
    page.get_by_label("申请表").set_input_files(str(form_file))
    confirm(page, right=False)
    page.get_by_role("button", name="提交申请").click()
    expect(page.locator(".errorlist")).to_contain_text("验证码不正确")
    screenshot(page, "webforms-apply-error-390" if page.viewport_size["width"] < 500 else "webforms-apply-error-1280")
    page.get_by_label("申请表").set_input_files(str(form_file))  # a browser never keeps a file after a reload
    confirm(page)
    page.get_by_role("button", name="提交申请").click()
    expect(page.locator("h1")).to_have_text("入会申请进度")
    expect(page.locator(".webform__facts")).to_contain_text("待审核")


def test_a_visitor_leaves_a_message(page, transactional_db):
    page.goto("/ask/")
    page.get_by_label("联系方式").fill("zhang@example.org")
    page.get_by_label("主题").fill("如何入会")
    page.get_by_label("留言内容").fill("请问入会需要什么材料？")
    confirm(page)
    page.get_by_role("button", name="提交留言").click()
    expect(page.get_by_role("status")).to_contain_text("感谢您的留言")


def test_a_unit_registers_twice_with_the_same_phone(page, transactional_db):
    from news.models import Article, Category
    from webforms.models import Registration, RegistrationForm

    category = Category.objects.create(name="通知公告", slug="notices")
    notice = Article.objects.create(
        title="关于召开会员大会的通知",
        category=category,
        status="published",
        published_at=timezone.now() - timedelta(hours=1),
        body="<p>请填写回执。</p>",
    )
    RegistrationForm.objects.create(
        article=notice,
        title="会员大会回执",
        fields=["unit", "name", "phone", "headcount"],
        deadline=timezone.now() + timedelta(days=5),
        capacity=20,
    )
    page.goto(notice.get_absolute_url())
    page.get_by_role("link", name="在线报名").click()
    for people in ("2", "3"):
        page.get_by_label("单位").first.fill("长沙高新区")
        page.get_by_label("姓名").fill("王明")
        page.get_by_label("手机").fill("13800000001")
        page.get_by_label("人数").fill(people)
        confirm(page)
        page.get_by_role("button", name="提交").click()
        expect(page.locator("h1")).to_have_text("报名成功" if people == "2" else "报名信息已更新")
        page.go_back()
        page.reload()
    assert list(Registration.objects.values_list("headcount", flat=True)) == [3]


def test_axe_finds_no_violation_on_the_form_pages(new_context, live_server, screenshot, transactional_db):
    axe = AXE_SCRIPT.read_text()
    problems = []
    for width in (PHONE, DESKTOP):
        for mode, cookies in MODES.items():
            context = new_context(width=width, height=844 if width == PHONE else 900, bypass_csp=True)
            context.add_init_script(script=axe)
            context.add_cookies([{"name": k, "value": v, "url": live_server.url} for k, v in cookies.items()])
            page = context.new_page()
            for url in ("/join/", "/ask/", "/faq/", "/privacy/", "/en/join/"):
                page.goto(url)
                if url in ("/join/", "/ask/", "/en/join/"):  # sent empty: every field shows its error
                    with page.expect_navigation():
                        page.locator(".webform button[type=submit]").click()
                results = page.evaluate("options => axe.run(document, options)", {"resultTypes": ["violations"]})
                for violation in results["violations"]:
                    targets = [node["target"] for node in violation["nodes"]][:5]
                    problems.append(f"{mode} {width}px {url}: {violation['id']} ({violation['impact']}) {targets}")
                if width == PHONE and page.evaluate("document.documentElement.scrollWidth > window.innerWidth"):
                    problems.append(f"{mode} {width}px {url}: scrolls sideways")
                if mode != "large-text" and url in ("/join/", "/ask/"):
                    screenshot(page, f"webforms-{mode}-{width}-{url.strip('/')}-errors")
    assert not problems, json.dumps(problems, ensure_ascii=False, indent=1)
