"""Attachments and library images in the site's other capabilities: page cache, backups, link check."""

import tarfile
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from attachments.models import Attachment
from editorial.links import check_links
from imagelibrary.models import LibraryImage
from news.models import Article
from pagecache import cache as pagecache

from . import files


def test_the_page_cache_watches_the_attachment_and_library_tables(db):
    tables = pagecache.content_tables()
    assert Attachment._meta.db_table in tables
    assert LibraryImage._meta.db_table in tables
    assert Attachment.history.model._meta.db_table in tables


def test_a_bulk_update_of_attachments_invalidates_the_page_cache(db):
    epoch = pagecache._local["epoch"]
    Attachment.objects.filter(pk=0).update(order=1)
    assert pagecache._local["epoch"] != epoch


def test_a_counted_download_does_not_invalidate_the_page_cache(client, make_article, attach):
    attachment = attach(make_article())
    epoch = pagecache._local["epoch"]
    client.get(attachment.get_absolute_url())
    assert pagecache._local["epoch"] == epoch


@pytest.mark.django_db(transaction=True)
def test_backups_include_attachment_files_and_library_images(make_article, attach, tmp_path):
    attachment = attach(make_article(), "会议通知.pdf")
    image = LibraryImage.objects.create(title="合影", alt="合影", image=files.upload("a.png", files.image_bytes()))
    out = StringIO()
    call_command("backup", output=str(tmp_path / "backups"), stdout=out)
    folder = Path(out.getvalue().split("Backup written to ")[1].strip())
    with tarfile.open(folder / "media.tar.gz") as archive:
        names = {name.lstrip("./") for name in archive.getnames()}
    assert any(name.endswith(attachment.file.name) for name in names)
    assert any(name.endswith(image.image.name) for name in names)


@pytest.mark.django_db
def test_the_link_check_finds_links_to_attachments_of_unpublished_articles(make_article, attach):
    draft = make_article("草稿", status=Article.Status.DRAFT)
    hidden = attach(draft, "草稿附件.pdf")
    shown = attach(make_article("公开"), "公开附件.pdf")
    make_article(
        "引用", body=f'<p><a href="{hidden.get_absolute_url()}">a</a> <a href="{shown.get_absolute_url()}">b</a></p>'
    )
    run = check_links()
    hrefs = [link.href for link in run.broken_links.all()]
    assert hidden.get_absolute_url() in hrefs
    assert shown.get_absolute_url() not in hrefs


@pytest.mark.django_db
def test_the_link_check_finds_a_public_attachment_whose_file_is_gone(make_article, attach):
    attachment = attach(make_article("通知"), "会议通知.pdf")
    attachment.file.storage.delete(attachment.file.name)
    run = check_links()
    assert [link.href for link in run.broken_links.all()] == [attachment.get_absolute_url()]
    assert "会议通知.pdf" in run.broken_links.get().source_title
