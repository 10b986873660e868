"""Downloading attachments: safe headers, never before the parent is public, counted like views."""

from datetime import timedelta
from urllib.parse import quote

import pytest
from django.test import Client
from django.utils import timezone

from association.models import Document
from attachments.models import Attachment
from news.models import Article

from . import files

pytestmark = pytest.mark.django_db


def content(response):
    return b"".join(response.streaming_content)


def test_a_public_attachment_downloads_with_its_chinese_name_and_safe_headers(client, make_article, attach):
    attachment = attach(make_article("关于召开年会的通知"), "会议通知.pdf", files.pdf_bytes())

    response = client.get(attachment.get_absolute_url())

    assert response.status_code == 200
    assert content(response) == files.pdf_bytes()
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=UTF-8''{quote('会议通知.pdf')}" in disposition
    assert 'filename="____.pdf"' in disposition  # the ASCII fallback
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert "private" in response["Cache-Control"]


def test_an_html_file_can_never_be_stored_so_never_served_inline(make_article, attach):
    with pytest.raises(Exception):  # noqa: B017 - the model refuses it whatever the route
        attach(make_article(), "通知.pdf", files.HTML)
    assert not Attachment.objects.exists()


def test_the_file_is_stored_under_a_random_name_without_extension(make_article, attach):
    attachment = attach(make_article(), "会议通知.pdf")
    stored = attachment.file.name
    assert stored.startswith("attachments/")
    assert "会议" not in stored and "." not in stored.rsplit("/", 1)[1]
    assert attachment.original_name == "会议通知.pdf"
    assert attachment.kind == "pdf" and attachment.size == len(files.pdf_bytes())


@pytest.mark.parametrize(
    "state",
    [
        {"status": Article.Status.DRAFT},
        {"status": Article.Status.PUBLISHED, "days_ago": -3},  # scheduled
    ],
)
def test_attachments_of_drafts_and_scheduled_articles_are_404_for_the_public(client, make_article, attach, state):
    attachment = attach(make_article("草稿", **state))
    assert client.get(attachment.get_absolute_url()).status_code == 404


def test_after_unpublishing_the_download_is_404_even_after_a_public_download(client, page_cache, make_article, attach):
    article = make_article("撤回的通知")
    attachment = attach(article)
    assert client.get(attachment.get_absolute_url()).status_code == 200

    article.status = Article.Status.DRAFT
    article.save()

    assert client.get(attachment.get_absolute_url()).status_code == 404
    assert client.head(attachment.get_absolute_url()).status_code == 404


def test_a_scheduled_article_s_attachment_opens_when_its_time_comes(client, make_article, attach, time_machine):
    attachment = attach(make_article("定时", days_ago=-1))
    assert client.get(attachment.get_absolute_url()).status_code == 404
    time_machine.move_to(timezone.now() + timedelta(days=2))
    assert client.get(attachment.get_absolute_url()).status_code == 200


def test_staff_preview_can_download_a_draft_s_attachment(staff_client, make_article, attach):
    attachment = attach(make_article("草稿", status=Article.Status.DRAFT))
    assert staff_client.get(attachment.get_absolute_url()).status_code == 200


def test_staff_without_permission_on_articles_cannot_download_drafts(db, make_article, attach, django_user_model):
    attachment = attach(make_article("草稿", status=Article.Status.DRAFT))
    user = django_user_model.objects.create_user("editor", password="x", is_staff=True)
    client = Client()
    client.force_login(user)
    assert client.get(attachment.get_absolute_url()).status_code == 404


def test_attachments_of_a_document_follow_the_document(client, live_document, attach):
    attachment = attach(document=live_document, name="章程.pdf")
    assert client.get(attachment.get_absolute_url()).status_code == 200
    unpublished = Document.objects.create(slug="draft-doc", title="未发布")
    hidden = attach(document=unpublished, name="草案.pdf")
    assert client.get(hidden.get_absolute_url()).status_code == 404


def test_a_visitor_s_get_counts_once_head_bots_and_staff_do_not(client, staff_client, make_article, attach):
    attachment = attach(make_article())
    url = attachment.get_absolute_url()
    client.get(url)
    client.get(url)
    client.head(url)
    Client(HTTP_USER_AGENT="Baiduspider/2.0").get(url)
    Client(HTTP_USER_AGENT="curl/8.0").get(url)
    staff_client.get(url)
    attachment.refresh_from_db()
    assert attachment.download_count == 2


def test_counting_is_one_atomic_update(client, make_article, attach, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    attachment = attach(make_article())
    with CaptureQueriesContext(connection) as queries:
        client.get(attachment.get_absolute_url())
    updates = [q["sql"] for q in queries if q["sql"].startswith("UPDATE")]
    assert len(updates) == 1
    assert '"download_count" = ("attachments_attachment"."download_count" + 1)' in updates[0]


def test_a_huge_or_unknown_id_is_a_404(client):
    assert client.get("/files/999999999/").status_code == 404
    assert client.get("/files/99999999999999999999/").status_code == 404


def test_the_article_page_lists_attachments_with_type_and_size(client, make_article, attach):
    article = make_article("年会通知")
    attach(article, "会议通知.pdf", files.pdf_bytes() + b" " * 1_258_000, order=2)
    attach(article, "报名表.docx", files.docx_bytes(), order=1)

    page = client.get(article.get_absolute_url()).content.decode()

    assert "会议通知.pdf" in page and "报名表.docx" in page
    assert "PDF · 1.2 MB" in page
    assert page.index("报名表.docx") < page.index("会议通知.pdf")  # in 排序 order
    assert "/media/attachments/" not in page


def test_the_english_article_page_lists_attachments_in_english_format(client, make_article, attach):
    article = make_article("年会通知", title_en="Annual meeting", body_en="<p>Meeting.</p>")
    attach(article, "会议通知.pdf", files.pdf_bytes() + b" " * 1_258_000)
    page = client.get(f"/en/news/{article.pk}/").content.decode()
    assert "Attachments" in page
    assert "PDF · 1.2 MB" in page


def test_a_new_attachment_shows_on_the_cached_article_page_at_once(client, page_cache, make_article, attach):
    article = make_article("年会通知")
    client.get(article.get_absolute_url())
    assert client.get(article.get_absolute_url())["X-Page-Cache"] == "hit"
    attach(article, "会议通知.pdf")
    response = client.get(article.get_absolute_url())
    assert "会议通知.pdf" in response.content.decode()


def test_a_renamed_or_deleted_attachment_leaves_the_cached_page_at_once(client, page_cache, make_article, attach):
    article = make_article("年会通知")
    attachment = attach(article, "会议通知.pdf")
    assert "会议通知.pdf" in client.get(article.get_absolute_url()).content.decode()
    attachment.title = "年会议程"
    attachment.save()
    assert "年会议程.pdf" in client.get(article.get_absolute_url()).content.decode()
    attachment.delete()
    assert "年会议程.pdf" not in client.get(article.get_absolute_url()).content.decode()


def test_the_download_is_never_stored_by_the_page_cache(client, page_cache, make_article, attach):
    attachment = attach(make_article())
    client.get(attachment.get_absolute_url())
    response = client.get(attachment.get_absolute_url())
    assert "X-Page-Cache" not in response


def test_deleting_an_attachment_deletes_its_file(make_article, attach, django_capture_on_commit_callbacks):
    attachment = attach(make_article())
    storage, name = attachment.file.storage, attachment.file.name
    with django_capture_on_commit_callbacks(execute=True):
        attachment.delete()
    assert not storage.exists(name)


def test_an_attachment_needs_exactly_one_parent(make_article, live_document):
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        Attachment.objects.create(
            article=make_article(), document=live_document, file=files.upload("a.pdf", files.pdf_bytes())
        )


def test_history_records_attachment_changes_with_names(make_article, attach):
    from audit.models import ChangeRecord

    attachment = attach(make_article())
    attachment.title = "年会议程"
    attachment.save()
    records = ChangeRecord.objects.order_by("at", "id")
    reprs = [record.object_repr for record in records if record.content_type.model == "attachment"]
    assert reprs == ["会议通知.pdf", "年会议程.pdf"]
