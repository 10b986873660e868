"""The review: steps in order, approve and publish, return with a comment and resubmit, edits restart."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from association.models import DocumentVersion
from news.models import Article
from workflow import services
from workflow.models import Decision, Review

from .conftest import login

pytestmark = pytest.mark.django_db


def item_url(item):
    return reverse("admin:workflow_review_item", args=[ContentType.objects.get_for_model(item).pk, item.pk])


def actions(review):
    return [(d.action, d.step_number, d.user.username if d.user else None) for d in review.decisions.all()]


def test_submit_waits_for_the_first_step(workflow, draft, writer):
    review = services.submit(draft, writer)
    assert review.state_label == "待审（第 1 步：初审）"
    assert review.writer == writer
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_steps_go_in_order_and_each_is_done_by_its_group(workflow, draft, writer, head, leader):
    review = services.submit(draft, writer)
    with pytest.raises(services.WorkflowError, match="由“部门负责人”审核"):
        services.decide(review.pk, leader, approve=True)
    review = services.decide(review.pk, head, approve=True, comment="同意")
    assert review.state_label == "待审（第 2 步：签发）"
    draft.refresh_from_db()
    assert draft.status == "draft"  # not public before 签发
    with pytest.raises(services.WorkflowError, match="由“分管领导”审核"):
        services.decide(review.pk, head, approve=True)
    review = services.decide(review.pk, leader, approve=True)
    draft.refresh_from_db()
    assert draft.status == "published" and draft.is_public
    assert (review.status, review.published_by) == (Review.Status.APPROVED, leader)
    assert actions(review) == [
        ("submitted", None, "writer"),
        ("approved", 1, "head"),
        ("approved", 2, "leader"),
        ("published", None, "leader"),
    ]


def test_return_needs_a_comment_and_goes_back_to_the_writer(workflow, draft, writer, head):
    review = services.submit(draft, writer)
    with pytest.raises(services.WorkflowError, match="须填写意见"):
        services.decide(review.pk, head, approve=False, comment="  ")
    review = services.decide(review.pk, head, approve=False, comment="第二段数字有误")
    assert review.state_label == "退回修改"
    assert review.decisions.last().comment == "第二段数字有误"


def test_resubmitting_after_a_return_starts_again_at_the_first_step(workflow, draft, writer, head, leader):
    review = services.submit(draft, writer)
    review = services.decide(review.pk, head, approve=True)
    services.decide(review.pk, leader, approve=False, comment="标题再斟酌")
    draft.title = "园区新闻（修改稿）"
    draft.save()
    again = services.submit(draft, writer)
    assert again.pk == review.pk and again.state_label == "待审（第 1 步：初审）"
    assert again.title == "园区新闻（修改稿）"


def test_an_edit_by_the_writer_during_review_restarts_it(workflow, draft, writer, head, client):
    review = services.submit(draft, writer)
    services.decide(review.pk, head, approve=True)
    from tests.admin_forms import form_data

    browser = login(writer)
    url = reverse("admin:news_article_change", args=[draft.pk])
    browser.post(url, form_data(browser.get(url), body="<p>改过的正文。</p>"))
    review.refresh_from_db()
    assert review.state_label == "待审（第 1 步：初审）"
    assert review.decisions.last().action == Decision.Action.RESTARTED


def test_an_edit_by_the_current_reviewer_is_recorded_as_theirs_and_does_not_restart(workflow, draft, writer, head):
    from tests.admin_forms import form_data

    review = services.submit(draft, writer)
    browser = login(head)
    url = reverse("admin:news_article_change", args=[draft.pk])
    browser.post(url, form_data(browser.get(url), body="<p>审核人改了一个字。</p>"))
    review.refresh_from_db()
    assert review.state_label == "待审（第 1 步：初审）"
    last = review.decisions.last()
    assert (last.action, last.user) == (Decision.Action.REVIEWER_EDIT, head)


def test_approval_first_then_the_scheduled_time(workflow, news, writer, head, leader):
    later = timezone.now() + timedelta(days=2)
    article = Article.objects.create(title="定时稿", category=news, body="<p>x</p>", published_at=later)
    review = services.submit(article, writer)
    services.decide(services.decide(review.pk, head, approve=True).pk, leader, approve=True)
    article.refresh_from_db()
    assert article.status == "published" and not article.is_public
    assert not Article.objects.published().filter(pk=article.pk).exists()
    with time_machine.travel(later + timedelta(minutes=1)):
        assert Article.objects.published().filter(pk=article.pk).exists()


def test_a_charter_amendment_goes_through_its_workflow_and_is_published_by_approval(
    workflow, charter, writer, head, leader
):
    version = DocumentVersion.objects.create(
        document=charter, body="<p>第一条 新文本。</p>", effective_date="2024-06-01", change_note="大会通过"
    )
    review = services.submit(version, writer)
    assert review.section == "协会章程"
    services.decide(services.decide(review.pk, head, approve=True).pk, leader, approve=True)
    version.refresh_from_db()
    assert version.status == "published" and version.published_by == leader


def test_a_version_that_may_not_be_published_keeps_the_last_step_open(workflow, charter, writer, head, leader):
    version = DocumentVersion.objects.create(document=charter, body="<p>第一条 新文本。</p>")  # no 生效日期
    review = services.submit(version, writer)
    services.decide(review.pk, head, approve=True)
    with pytest.raises(services.WorkflowError, match="必须填写生效日期"):
        services.decide(review.pk, leader, approve=True)
    review.refresh_from_db()
    assert review.state_label == "待审（第 2 步：签发）"


def test_a_decision_on_a_step_already_decided_is_refused_and_says_by_whom(workflow, draft, writer, head, make_staff):
    from django.contrib.auth.models import Group

    other = make_staff("head2")
    other.groups.add(Group.objects.get(name="部门负责人"))
    review = services.submit(draft, writer)
    first_step = review.current_step_id
    services.decide(review.pk, head, approve=True, step_id=first_step)
    with pytest.raises(services.AlreadyDecided, match=r"已由head于.*通过"):
        services.decide(review.pk, other, approve=False, comment="不同意", step_id=first_step)


# -- Emails -----------------------------------------------------------------------------------------


def test_emails_go_to_the_next_steps_group_and_back_to_the_writer(
    workflow, draft, writer, head, leader, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        review = services.submit(draft, writer)
    assert [(m.subject, m.to) for m in mail.outbox] == [("【待审核】园区新闻", ["head@example.org"])]
    assert item_url(draft) in mail.outbox[0].body
    with django_capture_on_commit_callbacks(execute=True):
        services.decide(review.pk, head, approve=True)
    assert mail.outbox[-1].to == ["leader@example.org"]
    with django_capture_on_commit_callbacks(execute=True):
        services.decide(review.pk, leader, approve=False, comment="请补充来源")
    assert mail.outbox[-1].to == ["writer@example.org"] and "意见：请补充来源" in mail.outbox[-1].body


def test_the_flow_works_without_email(workflow, draft, writer, head, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens there
    head.email = ""
    head.save()
    with django_capture_on_commit_callbacks(execute=True):
        review = services.submit(draft, writer)
        services.decide(review.pk, head, approve=False, comment="改")
    review.refresh_from_db()
    assert review.status == Review.Status.RETURNED


# -- Pages ------------------------------------------------------------------------------------------


def test_admin_index_lists_what_waits_for_me_with_counts_in_constant_queries(
    workflow, news, writer, head, leader, django_assert_max_num_queries
):
    for number in range(3):
        services.submit(Article.objects.create(title=f"稿件{number}", category=news, body="<p>x</p>"), writer)
    client = login(head)
    client.get(reverse("admin:index"))
    with django_assert_max_num_queries(40) as few:
        page = client.get(reverse("admin:index")).content.decode()
    assert "待我审核（3）" in page and "稿件2" in page
    for number in range(3, 15):
        services.submit(Article.objects.create(title=f"稿件{number}", category=news, body="<p>x</p>"), writer)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("admin:index")).content.decode()
    assert "待我审核（15）" in page
    assert "没有等待您审核的内容" in login(leader).get(reverse("admin:index")).content.decode()


def test_reviewer_page_approves_with_the_step_seen(workflow, draft, writer, head):
    review = services.submit(draft, writer)
    client = login(head)
    page = client.get(item_url(draft)).content.decode()
    assert "待审（第 1 步：初审）" in page and draft.get_absolute_url() in page
    client.post(item_url(draft), {"action": "approve", "step": review.current_step_id, "comment": "可以"})
    review.refresh_from_db()
    assert review.step_number == 2
    # The same form posted again (a second tab, a double click) does not approve step 2.
    client.post(item_url(draft), {"action": "approve", "step": workflow.steps.first().pk})
    review.refresh_from_db()
    assert review.step_number == 2


def test_reviewer_page_shows_what_changed_since_the_published_text(workflow, news, writer, head):
    article = Article.objects.create(title="旧闻", category=news, body="<p>原来的句子。</p>", status="published")
    article.status, article.body = "draft", "<p>修改后的句子。</p>"
    article.save()
    services.submit(article, writer)
    page = login(head).get(item_url(article)).content.decode()
    assert "与已发布的“旧闻”相比" in page
    assert "<del>" in page and "<ins>" in page


def test_writer_submits_from_the_item_page_and_the_list(workflow, news, writer):
    first = Article.objects.create(title="甲", category=news, body="<p>x</p>")
    second = Article.objects.create(title="乙", category=news, body="<p>x</p>")
    client = login(writer)
    client.post(item_url(first), {"action": "submit"})
    client.post(
        reverse("admin:news_article_changelist"), {"action": "submit_for_review", "_selected_action": [second.pk]}
    )
    assert Review.objects.filter(status="in_review").count() == 2
    listing = client.get(reverse("admin:news_article_changelist")).content.decode()
    assert listing.count("待审（第 1 步：初审）") == 2


def test_several_at_once_from_the_list_with_a_confirmation_page_for_the_comment(workflow, news, writer, head):
    reviews = [
        services.submit(Article.objects.create(title=f"稿{n}", category=news, body="<p>x</p>"), writer)
        for n in range(3)
    ]
    client = login(head)
    url = reverse("admin:workflow_review_changelist")
    selected = [review.pk for review in reviews]
    confirm = client.post(url, {"action": "return_selected", "_selected_action": selected})
    assert "退回修改所选内容" in confirm.content.decode()
    assert Review.objects.filter(status="returned").count() == 0
    seen = [f"{review.pk}:{review.current_step_id}" for review in reviews]
    data = {"action": "return_selected", "_selected_action": selected, "seen_step": seen, "confirm": "1"}
    empty = client.post(url, {**data, "comment": ""}, follow=True)
    assert "须填写意见" in empty.content.decode()
    client.post(url, {**data, "comment": "统一退回"})
    assert Review.objects.filter(status="returned").count() == 3
    assert set(Decision.objects.filter(action="returned").values_list("comment", flat=True)) == {"统一退回"}


def test_review_sheet_lists_each_step_and_who_published(workflow, draft, writer, head, leader):
    review = services.submit(draft, writer)
    services.decide(review.pk, head, approve=True, comment="初审同意")
    services.decide(review.pk, leader, approve=True, comment="同意发布")
    page = login(head).get(reverse("admin:workflow_review_sheet", args=[review.pk])).content.decode()
    assert "信息发布审核单" in page
    for text in ("园区新闻", "园区快讯", "writer", "初审同意", "同意发布", "第 2 步：签发"):
        assert text in page
    assert page.count("leader") >= 2  # 签发 and 发布人


def test_decisions_are_kept_in_the_change_records(workflow, draft, writer, head):
    from audit.models import ChangeRecord

    review = services.submit(draft, writer)
    services.decide(review.pk, head, approve=False, comment="退回")
    records = ChangeRecord.objects.filter(content_type=ContentType.objects.get_for_model(Decision))
    assert {record.user for record in records} == {writer, head}


def test_export_of_a_period_escapes_formulas(workflow, news, writer, head):
    article = Article.objects.create(title="=HYPERLINK(1)", category=news, body="<p>x</p>")
    review = services.submit(article, writer)
    services.decide(review.pk, head, approve=False, comment="+不行")
    day = timezone.localdate()
    url = reverse("admin:workflow_review_export")
    csv_text = login(writer).get(url, {"from": day, "to": day, "format": "csv"}).content.decode()
    assert "'=HYPERLINK(1)" in csv_text and "退回修改" in csv_text
    assert "=HYPERLINK" not in csv_text.replace("'=HYPERLINK", "")
    earlier = day - timedelta(days=3)
    assert "HYPERLINK" not in login(writer).get(url, {"to": earlier, "format": "csv"}).content.decode()
    xlsx = login(writer).get(url, {"from": day})
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_page_cache_shows_an_article_the_moment_its_last_step_approves(
    workflow, draft, writer, head, leader, settings, client
):
    """Approval publishes by writing the article's row: the cache (watching content tables) moves on."""
    from hnda_site.models import SiteSettings

    settings.PAGE_CACHE_ENABLED = True
    SiteSettings.load()
    review = services.submit(draft, writer)
    services.decide(review.pk, head, approve=True)
    assert "园区新闻" not in client.get("/news/").content.decode()
    assert client.get("/news/")["X-Page-Cache"] == "hit"
    services.decide(review.pk, leader, approve=True)
    response = client.get("/news/")
    assert "园区新闻" in response.content.decode() and response["X-Page-Cache"] != "hit"


def test_staff_who_neither_review_nor_read_review_sheets_see_no_panel(make_staff):
    members_only = make_staff("members", "members.view_member")
    page = login(members_only).get(reverse("admin:index")).content.decode()
    assert "待我审核" not in page


def test_the_review_page_is_refused_to_staff_who_may_not_see_the_item(workflow, draft, make_staff):
    outsider = make_staff("outsider", "members.view_member")
    assert login(outsider).get(item_url(draft)).status_code == 403


def test_an_unknown_item_or_a_model_that_is_not_reviewed_is_a_404(workflow, draft, head):
    client = login(head)
    article_type = ContentType.objects.get_for_model(draft).pk
    assert client.get(reverse("admin:workflow_review_item", args=[article_type, 999999])).status_code == 404
    user_type = ContentType.objects.get(app_label="auth", model="user").pk
    assert client.get(reverse("admin:workflow_review_item", args=[user_type, head.pk])).status_code == 404


def test_the_reviewer_preview_shows_the_draft_as_the_public_will_see_it(workflow, draft, writer, head):
    services.submit(draft, writer)
    response = login(head).get(draft.get_absolute_url())
    assert response.status_code == 200 and "正文第一段。" in response.content.decode()


def test_the_review_sheet_outlives_the_article(workflow, draft, writer, head, make_staff):
    review = services.submit(draft, writer)
    services.decide(review.pk, head, approve=False, comment="不发了")
    draft.delete()
    reader = make_staff("reader", "workflow.view_review")
    page = login(reader).get(reverse("admin:workflow_review_sheet", args=[review.pk])).content.decode()
    assert "园区新闻" in page and "不发了" in page


def test_xlsx_export_writes_formula_like_text_as_text(workflow, news, writer):
    import io

    import openpyxl

    services.submit(Article.objects.create(title="=1+1", category=news, body="<p>x</p>"), writer)
    response = login(writer).get(reverse("admin:workflow_review_export"))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    cell = sheet["A2"]
    assert (cell.value, cell.data_type, cell.quotePrefix) == ("=1+1", "s", True)


def test_the_article_list_says_approved_then_scheduled(workflow, news, writer, head, leader):
    later = timezone.now() + timedelta(days=1)
    article = Article.objects.create(title="定时稿", category=news, body="<p>x</p>", published_at=later)
    review = services.submit(article, writer)
    services.decide(services.decide(review.pk, head, approve=True).pk, leader, approve=True)
    listing = login(writer).get(reverse("admin:news_article_changelist")).content.decode()
    assert "已通过" in listing and "定时发布（" in listing


def test_deleting_an_item_under_review_cancels_the_review(workflow, draft, writer, head):
    review = services.submit(draft, writer)
    draft.delete()
    review.refresh_from_db()
    assert review.status == Review.Status.CANCELLED
    assert not Review.objects.waiting_for(head).exists()


def test_the_review_list_filters_what_waits_for_me(workflow, news, writer, head, leader):
    first = services.submit(Article.objects.create(title="甲稿", category=news, body="<p>x</p>"), writer)
    services.submit(Article.objects.create(title="乙稿", category=news, body="<p>x</p>"), writer)
    services.decide(first.pk, head, approve=True)
    url = reverse("admin:workflow_review_changelist")
    mine = login(leader).get(url, {"mine": "1"}).content.decode()
    assert "甲稿" in mine and "乙稿" not in mine


def test_save_and_submit_from_the_edit_form(workflow, draft, writer):
    from tests.admin_forms import form_data

    client = login(writer)
    url = reverse("admin:news_article_change", args=[draft.pk])
    response = client.post(url, form_data(client.get(url), title="改后送审", submit_for_review="on"), follow=True)
    assert "已保存并送审" in response.content.decode()
    review = Review.objects.for_item(draft).get()
    assert (review.title, review.state_label) == ("改后送审", "待审（第 1 步：初审）")


def test_save_and_submit_without_a_workflow_saves_and_says_why_not(draft, writer):
    from tests.admin_forms import form_data

    client = login(writer)
    url = reverse("admin:news_article_change", args=[draft.pk])
    response = client.post(url, form_data(client.get(url), title="只保存", submit_for_review="on"), follow=True)
    assert "已保存，但未送审：“园区快讯”没有启用审核流程" in response.content.decode()
    draft.refresh_from_db()
    assert draft.title == "只保存"
