"""Staff attach several files at once in the admin, order and rename them; refused files say why."""

import pytest

from attachments.models import Attachment
from tests.admin_forms import form_data

from . import files

pytestmark = pytest.mark.django_db


def with_inlines(response, **changes):
    """The change form's data including every inline formset, as a browser submits it unchanged."""
    data = form_data(response)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for name in formset.management_form.fields:
            data[formset.management_form.add_prefix(name)] = formset.management_form[name].value()
        for form in formset.forms:
            for name in form.fields:
                value = form[name].value()
                if value is not None and not hasattr(value, "url") and name != "file":
                    data[form.add_prefix(name)] = value
    data.update(changes)
    return data


def change_url(article):
    return f"/admin/news/article/{article.pk}/change/"


def test_staff_attach_two_files_at_once(staff_client, make_article):
    article = make_article("关于召开年会的通知")
    response = staff_client.get(change_url(article))
    assert "multiple" in response.content.decode()  # <input type=file multiple>
    data = with_inlines(response)
    data["new_attachments"] = [
        files.upload("会议通知.pdf", files.pdf_bytes()),
        files.upload("报名表.docx", files.docx_bytes()),
    ]

    saved = staff_client.post(change_url(article), data)

    assert saved.status_code == 302, saved.context["adminform"].form.errors if saved.context else saved
    attachments = list(article.attachments.all())
    assert [a.display_name for a in attachments] == ["会议通知.pdf", "报名表.docx"]
    assert [a.kind for a in attachments] == ["pdf", "docx"]
    assert attachments[0].order < attachments[1].order


def test_a_disguised_file_is_refused_with_its_name_and_nothing_is_saved(staff_client, make_article):
    article = make_article("通知")
    data = with_inlines(staff_client.get(change_url(article)))
    data["new_attachments"] = [
        files.upload("会议通知.pdf", files.HTML),
        files.upload("报名表.docx", files.docx_bytes()),
    ]

    response = staff_client.post(change_url(article), data)

    assert response.status_code == 200
    errors = " ".join(response.context["adminform"].form.errors["new_attachments"])
    assert "会议通知.pdf" in errors and "网页 HTML" in errors
    assert not Attachment.objects.exists()


def test_staff_rename_and_reorder_attachments_in_the_inline(staff_client, make_article, attach):
    article = make_article("通知")
    first = attach(article, "会议通知.pdf", order=1)
    second = attach(article, "报名表.docx", files.docx_bytes(), order=2)
    response = staff_client.get(change_url(article))
    prefix = response.context["inline_admin_formsets"][0].formset.prefix
    data = with_inlines(response, **{f"{prefix}-0-order": "5", f"{prefix}-0-title": "年会议程"})

    saved = staff_client.post(change_url(article), data)

    assert saved.status_code == 302
    assert [a.pk for a in article.attachments.all()] == [second.pk, first.pk]
    first.refresh_from_db()
    assert first.display_name == "年会议程.pdf"


def test_the_inline_flags_an_encrypted_file(staff_client, make_article, attach):
    attachment = attach(make_article("通知"), "预算.pdf", files.encrypted_pdf_bytes())
    from attachments.extraction import extract

    extract(attachment)
    page = staff_client.get(change_url(attachment.article)).content.decode()
    assert "已加密，未编入搜索" in page


def test_documents_take_attachments_in_the_admin_too(staff_client, live_document):
    url = f"/admin/association/document/{live_document.pk}/change/"
    data = with_inlines(staff_client.get(url))
    data["new_attachments"] = [files.upload("章程.pdf", files.pdf_bytes())]
    assert staff_client.post(url, data).status_code == 302
    assert live_document.attachments.get().display_name == "章程.pdf"


def test_the_editor_group_may_attach_files(make_article, django_user_model):
    from django.contrib.auth.models import Group
    from django.test import Client

    user = django_user_model.objects.create_user("bianji", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name="编辑"))
    client = Client()
    client.force_login(user)
    article = make_article("通知")
    data = with_inlines(client.get(change_url(article)))
    data["new_attachments"] = [files.upload("会议通知.pdf", files.pdf_bytes())]
    assert client.post(change_url(article), data).status_code == 302
    assert article.attachments.count() == 1
    assert user.has_perm("imagelibrary.add_libraryimage")


def test_staff_without_the_attachment_permission_see_no_upload_field(make_article, django_user_model):
    from django.contrib.auth.models import Permission
    from django.test import Client

    user = django_user_model.objects.create_user("limited", password="x", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=["change_article", "view_article"]))
    client = Client()
    client.force_login(user)
    article = make_article("通知")
    assert "new_attachments" not in client.get(change_url(article)).content.decode()
