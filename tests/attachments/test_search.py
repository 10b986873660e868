"""Search reads attachments: their text is extracted, bounded, off the request, and indexed with the article."""

import pytest
from django.core.management import call_command

from attachments.extraction import extract_bytes
from attachments.models import Attachment
from news.models import Article

from . import files

pytestmark = pytest.mark.django_db


def search(client, words):
    return client.get("/search/", {"q": words}).content.decode()


def test_uploading_marks_extractable_files_pending_and_others_not(make_article, attach):
    article = make_article()
    assert attach(article, "通知.pdf").text_status == Attachment.TextStatus.PENDING
    assert attach(article, "图.png", files.image_bytes()).text_status == Attachment.TextStatus.NONE


def test_the_command_extracts_docx_text_and_the_article_is_found_by_it(client, make_article, attach):
    article = make_article("关于召开年会的通知", body="<p>详见附件。</p>")
    attach(article, "会议通知.docx", files.docx_bytes("报名截止日期为十二月一日，请各会员单位按时报送回执。"))
    assert "关于召开年会的通知" not in search(client, "报送回执")

    call_command("extract_attachment_text")

    page = search(client, "报送回执")
    assert "关于召开年会的通知" in page
    assert "附件：会议通知.docx" in page
    assert "<mark>报送回执</mark>" in page


def test_pdf_and_xlsx_text_is_extracted(make_article, attach):
    article = make_article()
    pdf = attach(article, "会议通知.pdf", files.pdf_bytes("Registration deadline HNDZA2041"))
    xlsx = attach(article, "名单.xlsx", files.xlsx_bytes([("单位", "联系人"), ("浏阳经开区", "李四")]))
    call_command("extract_attachment_text")
    pdf.refresh_from_db()
    xlsx.refresh_from_db()
    assert "HNDZA2041" in pdf.text and pdf.text_status == Attachment.TextStatus.DONE
    assert "浏阳经开区" in xlsx.text
    assert Article.objects.search("浏阳经开区").filter(pk=article.pk).exists()
    assert Article.objects.search("hndza2041").filter(pk=article.pk).exists()


def test_an_attachment_s_name_is_searchable_at_once(make_article, attach):
    article = make_article("年会", body="<p>正文</p>")
    attach(article, "会员大会议程.pdf")
    assert Article.objects.search("会员大会议程").filter(pk=article.pk).exists()


@pytest.mark.parametrize(
    ("make", "status"),
    [
        (files.encrypted_pdf_bytes, Attachment.TextStatus.ENCRYPTED),
        (files.broken_pdf_bytes, Attachment.TextStatus.BROKEN),
    ],
)
def test_an_encrypted_or_broken_pdf_is_stored_flagged_and_not_indexed(make_article, attach, make, status):
    article = make_article("预算", body="<p>正文</p>")
    attachment = attach(article, "预算.pdf", make())
    call_command("extract_attachment_text")
    attachment.refresh_from_db()
    assert attachment.text_status == status
    assert attachment.text == ""
    assert attachment.file.size > 0  # still stored and downloadable
    assert not Article.objects.search("secret").filter(pk=article.pk).exists()


def test_extraction_is_bounded_in_time(settings):
    settings.ATTACHMENT_EXTRACT_TIMEOUT = 0.001
    status, text, _ = extract_bytes("pdf", files.pdf_bytes())
    assert status == Attachment.TextStatus.TIMEOUT and text == ""


def test_extraction_is_bounded_in_memory(settings):
    """A worker that needs more memory than allowed fails instead of taking the server's memory."""
    settings.ATTACHMENT_EXTRACT_MEMORY_MB = 30  # too little even to load the parser
    status, text, _ = extract_bytes("docx", files.docx_bytes())
    assert status != Attachment.TextStatus.DONE and text == ""


def test_extracted_text_is_bounded_in_length(settings):
    settings.ATTACHMENT_EXTRACT_MAX_CHARS = 10
    status, text, _ = extract_bytes("docx", files.docx_bytes("一" * 500))
    assert status == Attachment.TextStatus.DONE and len(text) == 10


def test_a_draft_s_attachment_text_is_not_found_by_the_public(client, make_article, attach):
    article = make_article("草稿通知", status=Article.Status.DRAFT)
    attach(article, "会议通知.docx", files.docx_bytes("机密的报送回执"))
    call_command("extract_attachment_text")
    assert "草稿通知" not in search(client, "报送回执")


def test_a_document_s_attachments_are_searched_with_its_current_version(client, live_document, attach):
    attach(document=live_document, name="章程释义.docx", data=files.docx_bytes("会费标准按会员大会决议执行。"))
    call_command("extract_attachment_text")
    page = search(client, "会费标准")
    assert "协会章程" in page
    assert "附件：章程释义.docx" in page and "<mark>会费标准</mark>" in page
