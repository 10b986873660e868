"""会员专区 in a real browser: a member logs in, reads a members-only report and proposes an edit that staff
approve; axe-core finds nothing on the area's pages, in every display mode, at phone and desktop widths."""

import json
import re

from django.utils import timezone
from playwright.sync_api import expect

from .test_a11y_e2e import AXE_SCRIPT, DESKTOP, MODES, PHONE

PASSWORD = "Member-pass-2026"


def make_member_site():
    from django.contrib.auth import get_user_model

    from attachments.models import Attachment
    from memberarea.models import MemberContact, MemberPost, MemberSection, Membership
    from members.models import Member
    from tests.attachments import files

    unit = Member.objects.create(name="长沙高新技术产业开发区", city="changsha", kind="high_tech", level="national")
    Membership.objects.create(member=unit, fee_years="2025, 2026")
    user = get_user_model().objects.create_user("13800000001", email="wang@example.org", password=PASSWORD)
    MemberContact.objects.create(user=user, member=unit, name="王明", phone="13800000001", email=user.email)
    section = MemberSection.objects.create(name="财务审计报告", slug="audit-e2e", titles_public=True)
    post = MemberPost.objects.create(
        section=section,
        title="2026年度财务审计报告",
        body="<p>审计结论：收支平衡，账目清楚。</p>",
        status=MemberPost.Status.PUBLISHED,
        published_at=timezone.now() - timezone.timedelta(hours=1),
    )
    Attachment.objects.create(
        member_post=post, title="审计报告全文", file=files.upload("audit.pdf", files.pdf_bytes("HNDZA audit"))
    )
    return unit, post


def member_login(page):
    page.goto("/member-area/login/")
    page.get_by_label("手机号").fill("13800000001")
    page.get_by_label("密码").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="登录").click()


def test_a_member_reads_a_report_and_proposes_an_edit_that_staff_approve(
    new_context, admin_login, screenshot, transactional_db
):
    unit, post = make_member_site()
    visitor = new_context(width=PHONE, height=844).new_page()
    visitor.goto(post.get_absolute_url())
    expect(visitor.locator("h1")).to_have_text("财务审计报告")
    expect(visitor.get_by_text("2026年度财务审计报告")).to_be_visible()  # staff chose to show titles
    expect(visitor.get_by_text("审计结论")).to_have_count(0)
    screenshot(visitor, "memberarea-prompt-390")

    member = new_context().new_page()
    member_login(member)
    expect(member.locator("h1")).to_have_text("会员专区")
    member.get_by_role("link", name="2026年度财务审计报告").first.click()
    expect(member.locator(".richtext")).to_contain_text("审计结论：收支平衡")
    screenshot(member, "memberarea-post-1280")
    with member.expect_download() as download:
        member.get_by_role("link", name="审计报告全文.pdf").click()
    assert download.value.suggested_filename == "审计报告全文.pdf"
    visitor.goto(member.url.replace(post.get_absolute_url(), "/downloads/"))
    expect(visitor.get_by_text("审计报告全文")).to_have_count(0)  # never in the public 下载中心

    member.get_by_role("link", name="本单位信息").click()
    member.get_by_label("网址").fill("https://www.cshtz.gov.cn/")
    member.get_by_role("button", name="提交审核").click()
    expect(member.locator("p.notice")).to_contain_text("正在审核中")

    staff = new_context().new_page()
    admin_login(staff)
    staff.goto("/admin/memberarea/changerequest/")
    staff.get_by_role("link", name="长沙高新技术产业开发区").click()
    expect(staff.locator("td ins")).to_have_text("https://www.cshtz.gov.cn/")
    screenshot(staff, "memberarea-admin-proposal-1280")
    staff.get_by_role("button", name="通过并发布").click()
    expect(staff.locator(".messagelist")).to_contain_text("已通过")

    visitor.goto(unit.get_absolute_url())
    expect(visitor.locator(".member__website")).to_contain_text("https://www.cshtz.gov.cn/")


def test_axe_finds_no_violation_in_the_member_area(new_context, live_server, screenshot, transactional_db):
    unit, post = make_member_site()
    axe = AXE_SCRIPT.read_text()
    anonymous_pages = [
        "/member-area/",
        post.get_absolute_url(),
        "/member-area/login/",
        "/member-area/privacy/",
        unit.membership.get_verification_url(),
        "/en/member-area/login/",
    ]
    member_pages = [
        "/member-area/",
        post.get_absolute_url(),
        "/member-area/roster/",
        "/member-area/entry/",
        "/member-area/certificate/",
        "/member-area/security/",
        "/en/member-area/",
    ]
    problems = []
    for width in (PHONE, DESKTOP):
        for mode, cookies in MODES.items():
            context = new_context(width=width, height=844 if width == PHONE else 900, bypass_csp=True)
            context.add_init_script(script=axe)
            context.add_cookies([{"name": k, "value": v, "url": live_server.url} for k, v in cookies.items()])
            page = context.new_page()
            options = {"resultTypes": ["violations"]}
            if mode == "high-contrast":
                options["rules"] = {"color-contrast-enhanced": {"enabled": True}}
            for stage, urls in (("anonymous", anonymous_pages), ("member", member_pages)):
                if stage == "member":
                    member_login(page)
                for url in urls:
                    page.goto(url)
                    results = page.evaluate("options => axe.run(document, options)", options)
                    where = f"{mode} {width}px {url}"
                    for violation in results["violations"]:
                        targets = [node["target"] for node in violation["nodes"]][:5]
                        problems.append(f"{where}: {violation['id']} ({violation['impact']}) {targets}")
                    if width == PHONE:
                        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
                        if overflow > 0:
                            problems.append(f"{where}: the page scrolls sideways by {overflow}px")
                    if mode in ("default", "high-contrast") and re.search(r"/(roster|certificate)/$|/posts/", url):
                        screenshot(page, f"memberarea-{mode}-{width}-{url.strip('/').replace('/', '-')}")
    assert not problems, json.dumps(problems, ensure_ascii=False, indent=1)
