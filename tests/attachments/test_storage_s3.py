"""Attachments on S3-compatible storage: stored under random names, served through the download view."""

import pytest

from . import files

pytest.importorskip("moto", reason="moto (requirements-dev.txt) runs the local S3 server")
pytestmark = [pytest.mark.s3, pytest.mark.real_clock, pytest.mark.django_db]


def test_an_attachment_is_stored_in_the_bucket_and_downloaded_through_the_view(
    s3_storage, client, make_article, attach
):
    attachment = attach(make_article(), "会议通知.pdf", files.pdf_bytes())
    assert attachment.file.name in s3_storage()
    assert attachment.file.name.startswith("attachments/") and "." not in attachment.file.name

    response = client.get(attachment.get_absolute_url())

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == files.pdf_bytes()
    assert "filename*=UTF-8''" in response["Content-Disposition"]
