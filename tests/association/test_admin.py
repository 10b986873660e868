"""协会文件: the admin."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from association.models import Document, DocumentVersion, PublishedVersionError
from association.seed import load as load_association_seed

# --- Admin ----------------------------------------------------------------------------------------------


def test_document_list_shows_current_version_and_date_without_a_query_per_row(staff_client, db):
    load_association_seed()
    url = reverse("admin:association_document_changelist")
    staff_client.get(url)
    with CaptureQueriesContext(connection) as few:
        content = staff_client.get(url).content.decode()
    assert content.count("第 1 版") == 5
    assert "2017年9月29日" in content
    for document in Document.objects.all():
        DocumentVersion.objects.create(document=document, body="<p>新</p>", status="published")
        DocumentVersion.objects.create(document=document, body="<p>草稿</p>")
    with CaptureQueriesContext(connection) as more:
        content = staff_client.get(url).content.decode()
    assert content.count("第 2 版") == 5
    assert len(more) == len(few)


def test_new_version_form_starts_from_the_current_text(staff_client, charter_v2, charter):
    response = staff_client.get(reverse("admin:association_documentversion_add"), {"document": charter.pk})
    form = response.context["adminform"].form
    assert form.initial["body"] == DocumentVersion.objects.get(document=charter, number=2).body
    assert str(form.initial["document"]) == str(charter.pk)
    response = staff_client.get(reverse("admin:association_documentversion_add"), {"document": charter.pk, "from": "1"})
    assert "12万元" in response.context["adminform"].form.initial["body"]
    page = staff_client.get(reverse("admin:association_document_change", args=[charter.pk])).content.decode()
    assert f'href="/admin/association/documentversion/add/?document={charter.pk}">以现行文本新建版本</a>' in page


def post_version(client, document, publish=True, **data):
    data = {"document": document.pk, "body": "<p>第一条 新的文本。</p>", "effective_date": "", "change_note": ""} | data
    if publish:
        data["_publish"] = "保存并发布"
    else:
        data["_save"] = "保存"
    return client.post(reverse("admin:association_documentversion_add"), data)


def test_staff_publish_a_new_version_and_the_public_sees_it(staff_client, client, charter_v2, charter):
    response = post_version(
        staff_client,
        charter,
        body='<p onclick="x()">第一条 &nbsp;新的文本。</p><script>alert(1)</script>',
        effective_date="2024-06-01",
        change_note="经第四届会员大会审议通过",
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:association_document_change", args=[charter.pk])
    version = DocumentVersion.objects.get(document=charter, number=3)
    assert version.is_published and version.published_by.username == "admin" and version.created_by
    assert version.body == "<p>第一条 &nbsp;新的文本。</p>"
    content = client.get("/about/charter/").content.decode()
    assert "<dd>第 3 版（现行）</dd>" in content and "新的文本" in content
    assert "这不是现行版本" in client.get("/about/charter/v2/").content.decode()


def test_saving_without_publishing_keeps_a_draft(staff_client, client, charter_v2, charter):
    assert post_version(staff_client, charter, publish=False).status_code == 302
    draft = DocumentVersion.objects.get(document=charter, number=3)
    assert draft.status == DocumentVersion.Status.DRAFT
    assert "<dd>第 2 版（现行）</dd>" in client.get("/about/charter/").content.decode()


def test_publishing_the_charter_without_date_and_note_shows_chinese_errors(staff_client, charter_v2, charter):
    response = post_version(staff_client, charter)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["effective_date"] == ["发布协会章程必须填写生效日期。"]
    assert errors["change_note"] == ["发布协会章程必须填写修改说明（例如：经哪次会员大会审议通过）。"]
    assert not DocumentVersion.objects.filter(number=3).exists()


def test_other_documents_publish_without_date_or_note(staff_client, intro, make_version):
    make_version(intro, body="<p>旧简介</p>")
    assert post_version(staff_client, intro, body="<p>新简介</p>").status_code == 302
    assert DocumentVersion.objects.get(document=intro, number=2).is_published


def test_published_version_is_read_only_in_the_admin_but_for_its_english(staff_client, charter_v2):
    url = reverse("admin:association_documentversion_change", args=[charter_v2.pk])
    page = staff_client.get(url)
    content = page.content.decode()
    assert page.status_code == 200
    assert 'name="body"' not in content and 'name="_publish"' not in content
    assert 'name="change_note"' not in content and 'name="effective_date"' not in content
    assert 'name="body_en"' in content  # the English translation may be added to a published version
    assert "以此版本为底稿新建版本" in content
    assert "<p>第五条 本协会的注册资金为 50万元人民币。</p>" in content  # its text, not its HTML source
    assert "&lt;p&gt;" not in content
    english = '<p onclick="x()">Article 5 The registered capital is RMB 500,000.</p><script>alert(1)</script>'
    data = {"body": "<p>改写历史</p>", "effective_date": "", "change_note": "x", "body_en": english}
    response = staff_client.post(url, data | {"edit_version": charter_v2.edit_version, "_save": "保存"})
    assert response.status_code == 302
    stored = DocumentVersion.objects.get(pk=charter_v2.pk)
    assert (stored.body, stored.change_note, stored.effective_date, stored.number) == (
        charter_v2.body,
        charter_v2.change_note,
        charter_v2.effective_date,
        charter_v2.number,
    )
    assert stored.body_en == "<p>Article 5 The registered capital is RMB 500,000.</p>"  # sanitized like Chinese


def test_changing_a_published_versions_chinese_text_outside_the_admin_is_refused(charter_v2):
    charter_v2.body_en = "<p>Articles of Association</p>"
    charter_v2.save()  # the English translation: allowed
    charter_v2.body = "<p>改写历史</p>"
    with pytest.raises(PublishedVersionError):
        charter_v2.save()


def test_published_version_cannot_be_deleted_in_the_admin(staff_client, charter_v2):
    url = reverse("admin:association_documentversion_delete", args=[charter_v2.pk])
    assert staff_client.get(url).status_code == 403
    assert staff_client.post(url, {"post": "yes"}).status_code == 403
    changelist = reverse("admin:association_documentversion_changelist")
    selected = {"action": "delete_selected", "_selected_action": [charter_v2.pk]}
    confirmation = staff_client.post(changelist, selected).content.decode()
    assert "<title>无法删除 文件版本" in confirmation
    assert staff_client.post(changelist, {**selected, "post": "yes"}).status_code == 403
    assert DocumentVersion.objects.filter(pk=charter_v2.pk).exists()


def test_drafts_can_be_edited_and_deleted_in_the_admin(staff_client, charter_v2, charter, make_version):
    draft = make_version(charter, published=False, body="<p>第一条 草稿。</p>")
    url = reverse("admin:association_documentversion_change", args=[draft.pk])
    data = {"body": "<p>第一条 改过的草稿。</p>", "effective_date": "", "change_note": "", "_save": "保存"}
    assert staff_client.post(url, data).status_code == 302
    assert DocumentVersion.objects.get(pk=draft.pk).body == "<p>第一条 改过的草稿。</p>"
    delete_url = reverse("admin:association_documentversion_delete", args=[draft.pk])
    assert staff_client.post(delete_url, {"post": "yes"}).status_code == 302
    assert not DocumentVersion.objects.filter(pk=draft.pk).exists()


def test_publish_action_publishes_drafts_and_says_what_is_missing(staff_client, charter, intro, make_version):
    intro_draft = make_version(intro, body="<p>简介</p>", published=False)
    charter_draft = make_version(charter, published=False, change_note="")
    response = staff_client.post(
        reverse("admin:association_documentversion_changelist"),
        {"action": "publish", "_selected_action": [intro_draft.pk, charter_draft.pk]},
        follow=True,
    )
    content = response.content.decode()
    assert "已发布 1 个版本。" in content
    assert "“协会章程 第1版（草稿）”未发布：发布协会章程必须填写生效日期。" in content
    assert DocumentVersion.objects.get(pk=intro_draft.pk).is_published
    assert not DocumentVersion.objects.get(pk=charter_draft.pk).is_published
