"""发布审核 (三审): workflows staff set up, and the record of every review and decision.

The publishing state stays on the content (``news.Article.status``/``published_at``,
``association.DocumentVersion.status``); these models hold the workflow (ordered steps, each
done by a group, assigned per 栏目 or per 协会文件) and each review of an item with its
decisions (who, when, approve or return, comment), so the 信息发布审核单 is a query.
Wagtail's Workflow / WorkflowState / TaskState are the model; a step here is always done by
one group, which is all a 三审 needs.
"""

from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from hnda_site.models import EditVersioned


class Workflow(EditVersioned):
    name = models.CharField("名称", max_length=100, unique=True, help_text="例如：新闻三审、章程修订审核。")
    enabled = models.BooleanField(
        "启用",
        default=False,
        help_text="勾选后，分配给本流程的栏目和协会文件须经各步审核通过才能发布；不勾选则按原来的方式直接发布"
        "（有发布权限的人员）。",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = "审核流程"
        verbose_name_plural = "审核流程"

    def __str__(self):
        return f"{self.name}（{'已启用' if self.enabled else '未启用'}）"

    def first_step(self):
        return self.steps.order_by("order", "id").select_related("group").first()

    def step_after(self, step):
        """The step after ``step`` (by order), or None when ``step`` is the last one (签发)."""
        return (
            self.steps.filter(Q(order__gt=step.order) | Q(order=step.order, id__gt=step.id))
            .order_by("order", "id")
            .select_related("group")
            .first()
        )


class Step(models.Model):
    workflow = models.ForeignKey(Workflow, on_delete=models.CASCADE, related_name="steps", verbose_name="流程")
    order = models.PositiveIntegerField("顺序", default=0, help_text="数字小的先审。")
    name = models.CharField("名称", max_length=50, help_text="例如：初审、复审、签发。")
    group = models.ForeignKey(
        Group,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="审核组",
        help_text="这一步由该组的任一成员审核（例如：部门负责人、分管领导）。",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["workflow", "order", "id"]
        verbose_name = "审核步骤"
        verbose_name_plural = "审核步骤"

    def __str__(self):
        return f"{self.name}（{self.group}）"

    @property
    def number(self):
        """1 for the first step of its workflow, 2 for the next… (one query)."""
        return self.workflow.steps.filter(Q(order__lt=self.order) | Q(order=self.order, id__lt=self.id)).count() + 1


class CategoryAssignment(models.Model):
    workflow = models.ForeignKey(
        Workflow, on_delete=models.CASCADE, related_name="category_assignments", verbose_name="流程"
    )
    category = models.OneToOneField(
        "news.Category", on_delete=models.CASCADE, related_name="workflow_assignment", verbose_name="栏目"
    )

    class Meta:
        verbose_name = "适用栏目"
        verbose_name_plural = "适用栏目（每个栏目只能属于一个流程）"

    def __str__(self):
        return str(self.category)


class DocumentAssignment(models.Model):
    workflow = models.ForeignKey(
        Workflow, on_delete=models.CASCADE, related_name="document_assignments", verbose_name="流程"
    )
    document = models.OneToOneField(
        "association.Document", on_delete=models.CASCADE, related_name="workflow_assignment", verbose_name="协会文件"
    )

    class Meta:
        verbose_name = "适用协会文件"
        verbose_name_plural = "适用协会文件（新版本按本流程审核，例如章程修订）"

    def __str__(self):
        return str(self.document)


class ReviewQuerySet(models.QuerySet):
    def active(self):
        """Reviews still open: waiting for a reviewer, or returned to the writer."""
        return self.filter(status__in=[Review.Status.IN_REVIEW, Review.Status.RETURNED])

    def for_item(self, item):
        return self.filter(content_type=ContentType.objects.get_for_model(item), object_id=item.pk)

    def waiting_for(self, user):
        """Reviews whose current step's group ``user`` belongs to (a superuser: every review in progress)."""
        reviews = self.filter(status=Review.Status.IN_REVIEW)
        if user.is_superuser:
            return reviews
        return reviews.filter(current_step__group__in=user.groups.all())


class Review(models.Model):
    """One pass of an item through a workflow (or a direct publication): the 审核单's header."""

    class Status(models.TextChoices):
        IN_REVIEW = "in_review", "待审"
        RETURNED = "returned", "退回修改"
        APPROVED = "approved", "已通过"
        CANCELLED = "cancelled", "已撤销"
        DIRECT = "direct", "直接发布"

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+", verbose_name="类型")
    object_id = models.PositiveBigIntegerField("编号")
    item = GenericForeignKey("content_type", "object_id")
    title = models.CharField("标题", max_length=300, help_text="送审时的标题。")
    section = models.CharField("栏目", max_length=100, blank=True, help_text="栏目或协会文件的名称。")
    workflow = models.ForeignKey(
        Workflow, on_delete=models.SET_NULL, null=True, blank=True, related_name="reviews", verbose_name="流程"
    )
    workflow_name = models.CharField("流程名称", max_length=100, blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.IN_REVIEW)
    current_step = models.ForeignKey(
        Step, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="当前步骤"
    )
    step_number = models.PositiveSmallIntegerField("第几步", default=1)
    writer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="撰稿人"
    )
    submitted_at = models.DateTimeField("送审时间")
    finished_at = models.DateTimeField("审核完成时间", null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="发布人",
    )
    published_at = models.DateTimeField("发布时间", null=True, blank=True, help_text="定时发布时为定时的时间。")

    objects = ReviewQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = "信息发布审核单"
        verbose_name_plural = "信息发布审核单"
        indexes = [models.Index(fields=["content_type", "object_id"], name="review_item_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"],
                condition=Q(status__in=["in_review", "returned"]),
                name="review_one_open_per_item",
                violation_error_message="这条内容已在审核中。",
            )
        ]

    def __str__(self):
        return f"{self.title}（{self.state_label}）"

    @property
    def state_label(self):
        """待审（第 2 步：签发）, 退回修改, 已通过…"""
        if self.status == self.Status.IN_REVIEW:
            name = self.current_step.name if self.current_step else ""
            return f"待审（第 {self.step_number} 步：{name}）"
        return self.get_status_display()


class Decision(models.Model):
    """One event of a review: 送审, 通过, 退回修改, 审核人修改, 重新送审, 发布."""

    class Action(models.TextChoices):
        SUBMITTED = "submitted", "送审"
        APPROVED = "approved", "通过"
        RETURNED = "returned", "退回修改"
        REVIEWER_EDIT = "reviewer_edit", "审核人修改"
        RESTARTED = "restarted", "修改后重新审核"
        PUBLISHED = "published", "发布"
        CANCELLED = "cancelled", "撤销审核"

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="decisions", verbose_name="审核单")
    step_number = models.PositiveSmallIntegerField("第几步", null=True, blank=True)
    step_name = models.CharField("步骤", max_length=50, blank=True)
    action = models.CharField("操作", max_length=20, choices=Action.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="操作人"
    )
    at = models.DateTimeField("时间")
    comment = models.TextField("意见", blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["at", "id"]
        verbose_name = "审核记录"
        verbose_name_plural = "审核记录"

    def __str__(self):
        step = f"第 {self.step_number} 步{self.step_name} " if self.step_number else ""
        return f"{self.review.title}：{step}{self.get_action_display()}"


class Expression(models.Model):
    """敏感词与规范表述: a forbidden expression, or one with a standard form to suggest."""

    class Kind(models.TextChoices):
        FORBIDDEN = "forbidden", "禁用（不能送审和发布）"
        STANDARD = "standard", "规范表述（提醒，建议改用规范写法）"

    term = models.CharField(
        "词语", max_length=100, unique=True, help_text="要查找的写法，例如错误的领导姓名、地名或禁用词。"
    )
    kind = models.CharField("类别", max_length=10, choices=Kind.choices, default=Kind.FORBIDDEN)
    suggestion = models.CharField("规范写法", max_length=100, blank=True, help_text="规范表述：建议改用的写法。")
    note = models.CharField("说明", max_length=200, blank=True)
    active = models.BooleanField("启用", default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "term"]
        verbose_name = "敏感词与规范表述"
        verbose_name_plural = "敏感词与规范表述"

    def __str__(self):
        return f"{self.term} → {self.suggestion}" if self.suggestion else self.term
