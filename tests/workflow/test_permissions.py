"""Who may publish: every path that publishes (form, list action, import, forged POST, code in a request)
obeys the same rule, and where a workflow is enabled nobody publishes without approval."""

import pytest
from django.test import RequestFactory
from django.urls import reverse
from simple_history.models import HistoricalRecords

from association.models import DocumentVersion
from news.models import Article
from tests.admin_forms import form_data
from workflow import services
from workflow.models import Review, Workflow

from .conftest import login

pytestmark = pytest.mark.django_db


def change_url(article):
    return reverse("admin:news_article_change", args=[article.pk])


def post_form(client, article, **changes):
    page = client.get(change_url(article))
    return client.post(change_url(article), form_data(page, **changes))


def test_the_seeded_workflow_is_off_and_writers_groups_keep_publishing():
    from django.contrib.auth.models import Group

    from workflow.seed import create_workflow

    create_workflow()
    flow = Workflow.objects.get()
    assert not flow.enabled
    assert [(step.name, step.group.name) for step in flow.steps.all()] == [("初审", "部门负责人"), ("签发", "分管领导")]
    editors = Group.objects.get(name="编辑").permissions.values_list("codename", flat=True)
    assert "publish_article" in editors
    leaders = Group.objects.get(name="分管领导").permissions.values_list("codename", flat=True)
    assert {"publish_article", "publish_documentversion", "change_article"} <= set(leaders)


def test_writer_without_publish_permission_gets_a_form_error(draft, writer):
    response = post_form(login(writer), draft, status="published")
    assert response.status_code == 200
    assert "您没有发布权限" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_writer_cannot_create_an_article_already_published(news, writer):
    client = login(writer)
    page = client.get(reverse("admin:news_article_add"))
    data = form_data(page, title="新文章", category=news.pk, status="published", body="<p>x</p>")
    response = client.post(reverse("admin:news_article_add"), data)
    assert "您没有发布权限" in response.content.decode()
    assert not Article.objects.filter(title="新文章").exists()


def test_writer_list_action_publish_is_refused(draft, writer):
    response = login(writer).post(
        reverse("admin:news_article_changelist"), {"action": "publish", "_selected_action": [draft.pk]}, follow=True
    )
    assert "操作未完成：您没有发布权限" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_forged_posts_to_the_review_page_are_refused(workflow, draft, writer, make_staff):
    """A writer posting 通过 for their own item, or staff without the change permission posting 送审."""
    from django.contrib.contenttypes.models import ContentType

    url = reverse("admin:workflow_review_item", args=[ContentType.objects.get_for_model(draft).pk, draft.pk])
    reader = make_staff("reader", "workflow.view_review")
    login(reader).post(url, {"action": "submit"})
    assert not Review.objects.exists()
    review = services.submit(draft, writer)
    response = login(writer).post(url, {"action": "approve", "step": review.current_step_id}, follow=True)
    assert "您不在该组" in response.content.decode()
    review.refresh_from_db()
    draft.refresh_from_db()
    assert (review.step_number, draft.status) == (1, "draft")


def test_a_save_inside_a_request_by_a_writer_is_refused_by_the_model(draft, writer):
    """What an import (or any other code run by a request) does: save the row. The model refuses."""
    request = RequestFactory().post("/admin/")
    request.user = writer
    HistoricalRecords.context.request = request
    try:
        draft.status = "published"
        with pytest.raises(services.PublishingRefused):
            draft.save()
    finally:
        del HistoricalRecords.context.request
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_publisher_publishes_directly_without_workflow_and_gets_a_review_sheet(draft, publisher):
    response = post_form(login(publisher), draft, status="published")
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == "published"
    review = Review.objects.for_item(draft).get()
    assert (review.status, review.published_by) == (Review.Status.DIRECT, publisher)


def test_with_a_workflow_even_a_publisher_must_submit(workflow, draft, publisher):
    response = post_form(login(publisher), draft, status="published")
    assert "已启用审核流程“三审”" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_a_disabled_workflow_means_direct_publishing(workflow, draft, publisher):
    Workflow.objects.update(enabled=False)
    assert post_form(login(publisher), draft, status="published").status_code == 302
    draft.refresh_from_db()
    assert draft.status == "published"


def test_writer_cannot_change_published_text(news, writer):
    article = Article.objects.create(title="已发布", category=news, body="<p>原文</p>", status="published")
    response = post_form(login(writer), article, body="<p>改了</p>")
    assert "修改已发布的内容需要发布权限" in response.content.decode()
    article.refresh_from_db()
    assert article.body == "<p>原文</p>"


def test_writer_cannot_save_and_publish_a_document_version(charter, writer):
    version = DocumentVersion.objects.create(
        document=charter, body="<p>第一条 文本。</p>", effective_date="2024-06-01", change_note="大会通过"
    )
    url = reverse("admin:association_documentversion_change", args=[version.pk])
    client = login(writer)
    data = form_data(client.get(url), _publish="1")
    response = client.post(url, data)
    assert "您没有发布权限" in response.content.decode()
    version.refresh_from_db()
    assert version.status == "draft"


def test_writer_document_version_list_action_is_refused(charter, writer):
    version = DocumentVersion.objects.create(
        document=charter, body="<p>第一条 文本。</p>", effective_date="2024-06-01", change_note="大会通过"
    )
    response = login(writer).post(
        reverse("admin:association_documentversion_changelist"),
        {"action": "publish", "_selected_action": [version.pk]},
        follow=True,
    )
    assert "您没有发布权限" in response.content.decode()
    version.refresh_from_db()
    assert version.status == "draft"


def test_scripts_and_the_seed_loader_are_never_refused(workflow, draft):
    draft.status = "published"
    draft.save()
    draft.refresh_from_db()
    assert draft.status == "published"


def test_with_a_workflow_only_the_last_steps_reviewer_corrects_published_text(workflow, news, publisher, head, leader):
    article = Article.objects.create(title="已发布", category=news, body="<p>原文</p>", status="published")
    for user in (publisher, head):
        response = post_form(login(user), article, body="<p>擅自修改</p>")
        assert "只有最后一步（签发）的审核人能直接更正" in response.content.decode()
    assert post_form(login(leader), article, body="<p>签发人更正</p>").status_code == 302
    article.refresh_from_db()
    assert article.body == "<p>签发人更正</p>"
