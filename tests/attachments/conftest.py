import pytest

from association.models import Document, DocumentVersion
from attachments.models import Attachment
from tests.richtext.test_storage_s3 import s3_server, s3_storage  # noqa: F401 - fixtures for test_storage_s3.py

from . import files


@pytest.fixture
def attach():
    """Attach a file to an article (or ``document=``): ``attach(article, "会议通知.pdf", data)``."""

    def make(parent=None, name="会议通知.pdf", data=None, document=None, **fields):
        data = files.pdf_bytes() if data is None else data
        parent_field = {"document": document} if document is not None else {"article": parent}
        return Attachment.objects.create(**parent_field, file=files.upload(name, data), **fields)

    return make


@pytest.fixture
def live_document(db):
    document = Document.objects.create(slug="charter", title="协会章程", title_en="Charter")
    DocumentVersion.objects.create(document=document, body="<p>第一条</p>", status=DocumentVersion.Status.PUBLISHED)
    return document


@pytest.fixture
def page_cache(settings, db):
    """The page cache on (tests run without it), with the site settings record already written."""
    from hnda_site.models import SiteSettings

    settings.PAGE_CACHE_ENABLED = True
    SiteSettings.load()
