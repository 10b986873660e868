"""Attachments and the image library in a real browser: staff attach, visitors download, the editor inserts."""

import json
import re

import pytest
from playwright.sync_api import expect

from tests.attachments import files
from tests.conftest import BROWSER_USER_AGENT
from tests.e2e.test_a11y_e2e import AXE_SCRIPT, DESKTOP, MODES, PHONE


def notice(seeded):
    from news.models import Article

    return Article.objects.published().first()


def test_staff_attach_two_files_to_a_notice_and_a_visitor_downloads_one(
    seeded, new_context, page, admin_login, screenshot
):
    article = notice(seeded)
    admin_login(page)
    page.goto(f"/admin/news/article/{article.pk}/change/")
    page.set_input_files(
        "#id_new_attachments",
        [
            {"name": "会议通知.pdf", "mimeType": "application/pdf", "buffer": files.pdf_bytes()},
            {"name": "报名表.docx", "mimeType": "application/octet-stream", "buffer": files.docx_bytes()},
        ],
    )
    page.click("input[name=_continue]")
    expect(page.locator(".messagelist")).to_be_visible()
    expect(page.locator(".field-type_and_size")).to_contain_text(["PDF ·", "DOCX ·"])
    screenshot(page, "admin-article-attachments")

    visitor = new_context(user_agent=BROWSER_USER_AGENT).new_page()  # headless browsers count as bots
    visitor.goto(article.get_absolute_url())
    section = visitor.locator(".attachments")
    expect(section.get_by_role("link")).to_have_text(["会议通知.pdf", "报名表.docx"])
    expect(section).to_contain_text("PDF · ")
    with visitor.expect_download() as download_info:
        section.get_by_role("link", name="会议通知.pdf").click()
    download = download_info.value
    assert download.suggested_filename == "会议通知.pdf"
    with open(download.path(), "rb") as saved:
        assert saved.read() == files.pdf_bytes()

    from attachments.models import Attachment

    assert Attachment.objects.get(title="会议通知").download_count == 1


def test_staff_insert_a_library_image_with_its_description(seeded, new_context, page, admin_login, screenshot):
    from imagelibrary.models import LibraryImage

    image = LibraryImage.objects.create(
        title="年会合影", alt="协会会长在年会上致辞", image=files.upload("photo.png", files.image_bytes("PNG"))
    )
    article = notice(seeded)
    admin_login(page)
    page.goto(f"/admin/news/article/{article.pk}/change/")
    editable = page.locator(".field-body .ck-editor__editable")
    expect(editable).to_be_visible()
    editable.click()
    page.keyboard.press("Control+End")

    with page.expect_popup() as popup_info:
        page.locator(".field-body").get_by_role("button", name="从图片库插入").click()
    chooser = popup_info.value
    expect(chooser.get_by_text("替代文字：协会会长在年会上致辞")).to_be_visible()
    screenshot(chooser, "admin-library-chooser")
    with chooser.expect_event("close"):
        chooser.get_by_role("button", name="插入“年会合影”").click()

    inserted = editable.locator(f'img[src="{image.image.url}"]')
    expect(inserted).to_have_attribute("alt", "协会会长在年会上致辞")
    page.click("input[name=_save]")
    expect(page.locator(".messagelist")).to_be_visible()

    visitor = new_context().new_page()
    visitor.goto(article.get_absolute_url())
    expect(visitor.locator(f'.richtext img[src="{image.image.url}"]')).to_have_attribute("alt", "协会会长在年会上致辞")


@pytest.mark.parametrize("width", [PHONE, DESKTOP])
def test_download_centre_and_attachment_list_pass_axe_in_every_mode(
    seeded, new_context, screenshot, live_server, width
):
    from attachments.models import Attachment

    article = notice(seeded)
    Attachment.objects.create(article=article, file=files.upload("关于召开2026年会员大会的通知.pdf", files.pdf_bytes()))
    Attachment.objects.create(article=article, file=files.upload("报名表.xlsx", files.xlsx_bytes()))
    axe = AXE_SCRIPT.read_text()
    problems = []
    for mode, cookies in MODES.items():
        context = new_context(width=width, height=844 if width == PHONE else 900, bypass_csp=True)
        context.add_init_script(script=axe)
        context.add_cookies([{"name": k, "value": v, "url": live_server.url} for k, v in cookies.items()])
        page = context.new_page()
        for name, url in {
            "downloads": "/downloads/",
            "downloads-en": "/en/downloads/",
            "article": article.get_absolute_url(),
        }.items():
            page.goto(url)
            results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
            for violation in results["violations"]:
                problems.append(f"{mode} {width} {url}: {violation['id']} {[n['target'] for n in violation['nodes']]}")
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            if overflow > 0:
                problems.append(f"{mode} {width} {url}: scrolls sideways by {overflow}px")
            if mode != "large-text":
                screenshot(page, f"attachments-{name}-{mode}-{width}")
    assert not problems, json.dumps(problems, ensure_ascii=False, indent=1)
    assert re.match(r"^/", article.get_absolute_url())
