"""敏感词与规范表述: found however typed, shown in context; forbidden ones block submitting and publishing."""

import pytest
from django.urls import reverse

from workflow import services
from workflow.expressions import check_expressions, find, normalize
from workflow.models import Expression

from .conftest import login


def expression(term, kind=Expression.Kind.FORBIDDEN, suggestion=""):
    return Expression(term=term, kind=kind, suggestion=suggestion)


def test_normalize_drops_width_case_spaces_and_punctuation_and_maps_back():
    text, origins = normalize("Ａ b，c")
    assert text == "abc"
    assert origins == [0, 2, 4]


def test_a_term_is_found_with_full_width_letters_spaces_and_punctuation_inside():
    hits = find([expression("湖南省ABC")], "正文", "前文：湖 南·省ＡＢｃ，后文")
    assert [hit.found for hit in hits] == ["湖 南·省ＡＢｃ"]
    assert (hits[0].before, hits[0].after) == ("前文：", "，后文")


def test_every_occurrence_is_found_in_text_order_with_its_label():
    hits = find([expression("乙"), expression("甲")], "标题", "甲乙甲")
    assert [(hit.found, hit.label) for hit in hits] == [("甲", "标题"), ("乙", "标题"), ("甲", "标题")]


def test_context_is_bounded_on_each_side():
    hits = find([expression("错字")], "正文", "啊" * 50 + "错字" + "哦" * 50)
    assert hits[0].before == "啊" * 20 and hits[0].after == "哦" * 20


def test_standard_form_is_a_warning_with_the_suggestion_not_a_block():
    hits = find([expression("开发区协会", Expression.Kind.STANDARD, "湖南省开发区协会")], "正文", "开发区协会成立")
    assert hits[0].suggestion == "湖南省开发区协会" and not hits[0].forbidden


@pytest.mark.django_db
def test_check_expressions_uses_only_active_expressions_and_accepts_plain_strings():
    Expression.objects.create(term="禁词")
    Expression.objects.create(term="停用", active=False)
    hits = check_expressions(["有禁词也有停用", ("附件", "禁 词.pdf")])
    assert [(hit.label, hit.found) for hit in hits] == [("", "禁词"), ("附件", "禁 词")]


@pytest.mark.django_db
def test_a_forbidden_expression_blocks_submitting(workflow, draft, writer):
    Expression.objects.create(term="错误地名")
    draft.body = "<p>来到错 误 地 名参观。</p>"
    draft.save()
    with pytest.raises(services.WorkflowError, match="含有禁用词语"):
        services.submit(draft, writer)


@pytest.mark.django_db
def test_a_forbidden_expression_blocks_direct_publishing(draft, publisher):
    Expression.objects.create(term="禁用词")
    draft.title = "含禁用词的标题"
    draft.status = "published"
    assert "含有禁用词语：“禁用词”（标题）" in services.publish_refusal(draft, publisher)


@pytest.mark.django_db
def test_reviewers_see_hits_in_context_with_the_suggestion(workflow, draft, writer, head):
    Expression.objects.create(term="开发区协会", kind=Expression.Kind.STANDARD, suggestion="湖南省开发区协会")
    draft.body = "<p>本届开发区协会年会召开。</p>"
    draft.save()
    services.submit(draft, writer)
    page = login(head).get(reverse("admin:workflow_review_item", args=[_ct(draft), draft.pk])).content.decode()
    assert "本届<mark>开发区协会</mark>年会召开。" in page
    assert "建议改为“湖南省开发区协会”" in page


def _ct(item):
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(item).pk


@pytest.mark.django_db
def test_bulk_check_lists_published_content_with_hits(news, make_staff):
    from news.models import Article

    Article.objects.create(title="好文章", category=news, body="<p>干净。</p>", status="published")
    Article.objects.create(title="坏文章", category=news, body="<p>有禁 词。</p>", status="published")
    Article.objects.create(title="草稿", category=news, body="<p>禁词。</p>")
    Expression.objects.create(term="禁词")
    staff = make_staff("checker", "workflow.view_expression")
    page = login(staff).get(reverse("admin:workflow_expression_check"), {"run": "1"}).content.decode()
    assert "已检查 2 项已发布内容，1 项有命中。" in page
    assert "坏文章" in page and "草稿" not in page.split("已检查")[1]


@pytest.mark.django_db
def test_the_writer_sees_hits_in_context_on_the_edit_form(draft, writer):
    Expression.objects.create(term="开发区协会", kind=Expression.Kind.STANDARD, suggestion="湖南省开发区协会")
    draft.body = "<p>本届开发区协会年会召开。</p>"
    draft.save()
    page = login(writer).get(reverse("admin:news_article_change", args=[draft.pk])).content.decode()
    assert "本届<mark>开发区协会</mark>年会召开。" in page


@pytest.mark.django_db
def test_the_expression_list_links_to_the_check_of_published_content(make_staff):
    staff = make_staff("keeper", "workflow.view_expression", "workflow.change_expression")
    page = login(staff).get(reverse("admin:workflow_expression_changelist")).content.decode()
    assert reverse("admin:workflow_expression_check") + "?run=1" in page


def test_find_with_a_limit_keeps_the_first_hits_and_count_counts_them_all():
    pairs = [(expression("错"), "错")]
    text = "错" * 30
    from workflow.expressions import count

    assert len(find(pairs, "正文", text, limit=10)) == 10
    assert count(pairs, text) == 30


@pytest.mark.django_db
def test_a_forbidden_expression_in_an_attachment_name_blocks_submitting(workflow, draft, writer):
    from django.core.files.base import ContentFile

    from attachments.models import Attachment

    Expression.objects.create(term="错误地名")
    Attachment.objects.create(
        article=draft, title="错误·地名参观报名表", file=ContentFile(b"%PDF-1.4\n%%EOF\n", name="a.pdf"),
        original_name="报名表.pdf", kind="pdf", size=16,
    )  # fmt: skip
    with pytest.raises(services.WorkflowError, match="附件名称"):
        services.submit(draft, writer)
