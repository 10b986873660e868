"""操作记录: one row per change staff made, across every model with a history.

django-simple-history keeps a full copy of a record at each save, in one table per model.
This listing indexes those copies in one place, with the changed fields already put in
words (``editorial.changes``), so the admin can list, filter and search them in one query.
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import NoReverseMatch, reverse


class ChangeRecord(models.Model):
    class Action(models.TextChoices):
        CREATED = "+", "新增"
        CHANGED = "~", "修改"
        DELETED = "-", "删除"

    at = models.DateTimeField("时间", db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="操作人",
    )
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+", verbose_name="类型")
    object_id = models.CharField("记录编号", max_length=50)
    object_repr = models.CharField("记录", max_length=300)
    action = models.CharField("操作", max_length=1, choices=Action.choices)
    reason = models.CharField("说明", max_length=100, blank=True)
    changes = models.JSONField("修改内容", default=list, help_text="[字段, 原来的值, 新的值] 的列表")

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = "操作记录"
        verbose_name_plural = "操作记录"
        indexes = [models.Index(fields=["content_type", "object_id"], name="change_record_object_idx")]

    def __str__(self):
        return f"{self.get_action_display()} {self.object_repr}"

    def get_admin_url(self):
        """The admin page of the record changed, or '' when it has none (or is gone)."""
        model = self.content_type.model_class()
        if model is None or self.action == self.Action.DELETED:
            return ""
        try:
            return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[self.object_id])
        except NoReverseMatch:
            return ""
