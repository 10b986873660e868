"""The reviewer's pages in the admin: an item's review, the 审核单, its export, the expression check."""

from datetime import datetime, time

import tablib
from django.contrib import admin, messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.views.generic import TemplateView, View

from association.models import DocumentVersion
from editorial.changes import chinese_date
from news.models import Article
from richtext.text import html_to_text
from spreadsheets.formats import CSV, XLSX

from . import services
from .content import ADAPTERS, adapter_for, changes_since_published
from .expressions import check_expressions, count, find, normalized
from .models import Decision, Expression, Review


class AdminPageMixin:
    title = ""

    def get_context_data(self, **kwargs):
        return super().get_context_data(**admin.site.each_context(self.request), title=self.title, **kwargs)


def _may_see(user, item):
    adapter = adapter_for(item)
    if user.has_perm(adapter.change_perm) or user.has_perm("workflow.view_review"):
        return True
    return Review.objects.for_item(item).waiting_for(user).exists()


class ItemReviewView(AdminPageMixin, TemplateView):
    """One item: its state, the preview, the changes since the published text, expression hits,
    its decisions; 送审 for the writer, 通过 / 退回修改 for the current step's reviewer."""

    template_name = "admin/workflow/review_item.html"
    title = "发布审核"

    def dispatch(self, request, content_type_id, object_id):
        content_type = get_object_or_404(ContentType, pk=content_type_id)
        model = content_type.model_class()
        if model not in ADAPTERS:
            raise Http404("这类内容不需要审核。")
        self.item = get_object_or_404(model, pk=object_id)
        if not _may_see(request.user, self.item):
            raise PermissionDenied
        self.adapter = adapter_for(self.item)
        self.review = (
            Review.objects.for_item(self.item).select_related("current_step__group", "writer", "published_by").first()
        )
        return super().dispatch(request)

    def get_context_data(self, **kwargs):
        user, item, review = self.request.user, self.item, self.review
        hits = check_expressions(self.adapter.texts(item))
        compared_with, comparison = changes_since_published(item)
        in_review = review is not None and review.status == Review.Status.IN_REVIEW
        return super().get_context_data(
            item=item,
            item_title=self.adapter.title(item),
            kind=self.adapter.kind,
            section=self.adapter.section(item),
            review=review,
            decisions=review.decisions.select_related("user") if review else [],
            hits=hits,
            compared_with=compared_with,
            comparison=comparison,
            preview_url=self.adapter.preview_url(item),
            admin_url=self.adapter.admin_url(item),
            workflow=services.workflow_for(item),
            is_published=self.adapter.is_published(item),
            can_submit=not in_review
            and not self.adapter.is_published(item)
            and user.has_perm(self.adapter.change_perm)
            and services.workflow_for(item) is not None,
            can_decide=in_review and services.can_review(user, review.current_step),
            form=self.form if hasattr(self, "form") else None,
            **kwargs,
        )

    def post(self, request):
        action = request.POST.get("action")
        comment = request.POST.get("comment", "")
        try:
            if action == "submit":
                services.submit(self.item, request.user, comment)
                messages.success(request, "已送审。")
            elif action in ("approve", "return"):
                if self.review is None:
                    raise services.WorkflowError("这条内容没有在审核中。")
                step = request.POST.get("step", "")
                services.decide(
                    self.review.pk,
                    request.user,
                    approve=action == "approve",
                    comment=comment,
                    step_id=int(step) if step.isdigit() else -1,
                )
                messages.success(request, "已通过。" if action == "approve" else "已退回修改，撰稿人会收到意见。")
            else:
                raise services.WorkflowError("未知的操作。")
        except services.WorkflowError as error:
            messages.error(request, str(error))
        return HttpResponseRedirect(request.path)


def _reviews_with_decisions():
    return Review.objects.select_related("writer", "published_by", "current_step").prefetch_related(
        Prefetch("decisions", queryset=Decision.objects.select_related("user"))
    )


class ReviewSheetView(AdminPageMixin, TemplateView):
    """信息发布审核单: printable."""

    template_name = "admin/workflow/review_sheet.html"
    title = "信息发布审核单"

    def get_context_data(self, pk, **kwargs):
        review = get_object_or_404(_reviews_with_decisions(), pk=pk)
        item = review.item
        if item is not None and not _may_see(self.request.user, item):
            raise PermissionDenied
        if item is None and not self.request.user.has_perm("workflow.view_review"):
            raise PermissionDenied
        return super().get_context_data(review=review, item=item, **kwargs)


def _when(moment):
    if moment is None:
        return ""
    local = timezone.localtime(moment)
    return f"{chinese_date(local)} {local:%H:%M}"


EXPORT_HEADERS = ["标题", "栏目", "流程", "状态", "撰稿人", "送审时间", "审核经过", "发布人", "发布时间"]


def export_rows(reviews):
    for review in reviews:
        steps = "；".join(
            f"{decision.step_name or ''}{decision.get_action_display()}：{decision.user or '系统'}"
            f"（{_when(decision.at)}）{('意见：' + decision.comment) if decision.comment else ''}"
            for decision in review.decisions.all()
        )
        yield [
            review.title,
            review.section,
            review.workflow_name,
            review.state_label,
            str(review.writer or ""),
            _when(review.submitted_at),
            steps,
            str(review.published_by or ""),
            _when(review.published_at),
        ]


class ReviewExportView(View):
    """审核单 of a period (送审时间 from ``from`` to ``to``, both days included) as .xlsx or CSV."""

    def get(self, request):
        if not request.user.has_perm("workflow.view_review"):
            raise PermissionDenied
        start, end = parse_date(request.GET.get("from") or ""), parse_date(request.GET.get("to") or "")
        reviews = _reviews_with_decisions().order_by("submitted_at", "id")
        if start:
            reviews = reviews.filter(submitted_at__gte=timezone.make_aware(datetime.combine(start, time.min)))
        if end:
            reviews = reviews.filter(submitted_at__lte=timezone.make_aware(datetime.combine(end, time.max)))
        dataset = tablib.Dataset(headers=EXPORT_HEADERS, title="信息发布审核单")
        for row in export_rows(reviews):
            dataset.append(row)
        if request.GET.get("format") == "csv":
            body, content_type, extension = CSV().export_data(dataset), "text/csv; charset=utf-8", "csv"
            body = "\ufeff" + body  # Excel reads UTF-8 CSV only with the mark
        else:
            body = XLSX().export_data(dataset)
            content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            extension = "xlsx"
        response = HttpResponse(body, content_type=content_type)
        name = f"review-sheets-{start or 'all'}-{end or 'now'}.{extension}"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


# Hits listed per item on the check of all published content (the count says how many in all).
HITS_SHOWN = 10
# Items listed (rendering thousands of hits would take longer than checking them).
ITEMS_SHOWN = 100


class ExpressionCheckView(AdminPageMixin, TemplateView):
    """Every published article and current document version checked against the list (on demand)."""

    template_name = "admin/workflow/expression_check.html"
    title = "敏感词与规范表述：检查已发布内容"
    model_admin = None

    def get_context_data(self, **kwargs):
        if not self.request.user.has_perm("workflow.view_expression"):
            raise PermissionDenied
        results, checked = [], 0
        if self.request.GET.get("run"):
            expressions = [(row, normalized(row.term)) for row in Expression.objects.filter(active=True)]
            articles = Article.objects.filter(status=Article.Status.PUBLISHED).only(
                "id", "title", "summary", "body", "title_en", "summary_en", "body_en", "category_id"
            )
            for article in articles.iterator(chunk_size=200):
                checked += 1
                texts = [("标题", article.title), ("摘要", article.summary), ("正文", html_to_text(article.body))]
                texts += [("英文标题", article.title_en), ("英文正文", html_to_text(article.body_en))]
                result = _checked(article.title, article.get_absolute_url(), texts, expressions)
                if result:
                    results.append(result)
            for version in DocumentVersion.objects.current().select_related("document"):
                checked += 1
                texts = [("正文", html_to_text(version.body))]
                result = _checked(version.document.title, version.document.get_absolute_url(), texts, expressions)
                if result:
                    results.append(result)
        return super().get_context_data(
            results=results[:ITEMS_SHOWN],
            found=len(results),
            unlisted=max(0, len(results) - ITEMS_SHOWN),
            checked=checked,
            ran=bool(self.request.GET.get("run")),
        )


def _checked(title, url, texts, expressions):
    """(title, url, the first hits, how many in all, how many not listed), or None without a hit."""
    hits = []
    for label, text in texts:
        hits += find(expressions, label, text, limit=HITS_SHOWN)
    if not hits:
        return None
    total = sum(count(expressions, text) for _, text in texts)
    return title, url, hits[:HITS_SHOWN], total, total - min(len(hits), HITS_SHOWN)
