"""协会文件: fixtures shared by the association tests."""

from datetime import date

import pytest

from association.models import Document, DocumentVersion

from .helpers import CHARTER_V1


@pytest.fixture
def charter(db):
    return Document.objects.create(
        slug="charter", title="协会章程", full_title="湖南省开发区协会章程", order=5, publish_requires_details=True
    )


@pytest.fixture
def intro(db):
    return Document.objects.create(slug="intro", title="协会简介", order=1)


@pytest.fixture
def make_version():
    def make(document, body=CHARTER_V1, published=True, **fields):
        fields.setdefault("change_note", "测试")
        if published:
            fields.setdefault("status", DocumentVersion.Status.PUBLISHED)
        return DocumentVersion.objects.create(document=document, body=body, **fields)

    return make


@pytest.fixture
def charter_v2(charter, make_version):
    """The charter in two versions: 第五条 changed, 第八条 added."""
    make_version(charter, effective_date=date(2017, 9, 29), change_note="网站初始内容")
    body = CHARTER_V1.replace("12万元", "50万元") + "<p>第八条 &nbsp;本章程经会员大会表决通过之日起生效。</p>"
    return make_version(charter, body=body, effective_date=date(2021, 3, 1), change_note="经第三届会员大会审议通过")
