"""The forms the association runs: 入会申请, 在线留言 and 报名/回执.

Each submission keeps the personal data it needs for ``FORM_DATA_RETENTION_DAYS``; after that
``manage.py anonymise_form_data`` blanks it (the submission's reference, dates and decisions stay).
"""

import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, RegexValidator
from django.db import models
from django.db.models import Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from hnda_site.models import staff_member_field
from members.models import Member

mobile_validator = RegexValidator(r"^1[3-9]\d{9}$", _("请输入 11 位手机号码，例如 13800000000。"))
ANONYMISED = "（已匿名化）"


def new_token():
    return secrets.token_urlsafe(24)


def reference(prefix, moment, pk):
    return f"{prefix}{timezone.localtime(moment):%Y%m%d}-{pk:05d}"


def private_upload_to(instance, filename):
    """A random name under private/: the web server never serves that folder (deploy/nginx, SERVE_MEDIA)."""
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"private/applications/{secrets.token_hex(16)}.{suffix}"


class Retained(models.Model):
    """A submission with personal data that is anonymised after the retention period."""

    submitted_at = models.DateTimeField("提交时间", default=timezone.now, editable=False)
    anonymised_at = models.DateTimeField("匿名化时间", null=True, blank=True, editable=False)

    PERSONAL_FIELDS: tuple = ()

    class Meta:
        abstract = True

    @classmethod
    def past_retention(cls):
        cutoff = timezone.now() - timedelta(days=settings.FORM_DATA_RETENTION_DAYS)
        return cls.objects.filter(submitted_at__lt=cutoff, anonymised_at__isnull=True)

    def anonymise(self):
        for name in self.PERSONAL_FIELDS:
            field = self._meta.get_field(name)
            if isinstance(field, models.FileField):
                value = getattr(self, name)
                if value:
                    value.delete(save=False)
                setattr(self, name, "")
            elif name in ("phone", "email", "form_file_name"):
                setattr(self, name, "")
            else:
                setattr(self, name, ANONYMISED)
        self.anonymised_at = timezone.now()
        self.save()


class MembershipApplication(Retained):
    """入会申请: a zone applies; staff approve (which creates the member unit and its contact) or refuse."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待审核")
        APPROVED = "approved", _("已通过")
        REJECTED = "rejected", _("未通过")

    unit_name = models.CharField(_("单位名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=20, choices=Member.Kind.choices)
    level = models.CharField(_("级别"), max_length=20, choices=Member.Level.choices)
    city = models.CharField(_("市州"), max_length=20, choices=Member.City.choices)
    contact_name = models.CharField(_("联系人"), max_length=50)
    phone = models.CharField(_("手机"), max_length=11, validators=[mobile_validator])
    email = models.EmailField(_("电子邮箱"), validators=[EmailValidator()])
    form_file = models.FileField(_("申请表"), upload_to=private_upload_to, max_length=200)
    form_file_name = models.CharField("申请表文件名", max_length=200, editable=False, default="")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    reason = models.TextField("审核意见", blank=True, help_text="未通过时必填，会发给申请人。")
    decided_at = models.DateTimeField("审核时间", null=True, blank=True, editable=False)
    decided_by = staff_member_field("审核人")
    member = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, editable=False, verbose_name="建立的会员单位"
    )
    token = models.CharField(max_length=40, unique=True, default=new_token, editable=False)
    history = HistoricalRecords(excluded_fields=["token", "form_file"])

    PERSONAL_FIELDS = ("contact_name", "phone", "email", "form_file", "form_file_name")

    class Meta:
        verbose_name = verbose_name_plural = "入会申请"
        ordering = ["-submitted_at"]
        indexes = [models.Index(fields=["status", "-submitted_at"], name="application_queue")]

    def __str__(self):
        return f"{self.reference}：{self.unit_name}"

    @property
    def reference(self):
        return reference("RH", self.submitted_at, self.pk or 0)

    def get_status_url(self):
        return reverse("webforms:application_status", args=[self.token])


class Enquiry(Retained):
    """在线留言 / 咨询: staff reply in the admin, and may publish the question and answer as 问答."""

    class Status(models.TextChoices):
        NEW = "new", _("待回复")
        REPLIED = "replied", _("已回复")
        CLOSED = "closed", _("已关闭")

    name = models.CharField(_("称呼（可不填）"), max_length=50, blank=True)
    contact = models.CharField(_("联系方式"), max_length=100, help_text=_("手机号或电子邮箱，用于回复您。"))
    subject = models.CharField(_("主题"), max_length=100)
    message = models.TextField(_("留言内容"), max_length=2000)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.NEW)
    reply = models.TextField("回复", blank=True, help_text="保存后，回复会发到留言人的电子邮箱（如果留的是邮箱）。")
    replied_at = models.DateTimeField("首次回复时间", null=True, blank=True, editable=False)
    replied_by = staff_member_field("回复人")
    published = models.BooleanField(
        "在问答页公开", default=False, help_text="公开的只有下面两栏，不含留言人的姓名和联系方式。"
    )
    public_question = models.TextField("公开的问题", blank=True, help_text="请删去留言里的个人信息后再公开。")
    public_answer = models.TextField("公开的回答", blank=True)
    history = HistoricalRecords()

    PERSONAL_FIELDS = ("name", "contact", "message")

    class Meta:
        verbose_name = verbose_name_plural = "在线留言"
        ordering = ["-submitted_at"]
        indexes = [models.Index(fields=["published", "-replied_at"], name="enquiry_public_faq")]

    def __str__(self):
        return f"{self.reference}：{self.subject}"

    @property
    def reference(self):
        return reference("LY", self.submitted_at, self.pk or 0)

    def clean(self):
        if self.published and not (self.public_question.strip() and self.public_answer.strip()):
            raise ValidationError("公开到问答页前，请填写“公开的问题”和“公开的回答”。")

    @property
    def contact_email(self):
        try:
            EmailValidator()(self.contact)
        except ValidationError:
            return ""
        return self.contact


class RegistrationForm(models.Model):
    """报名 / 回执 attached to a notice (an article): which fields, a deadline and a capacity."""

    class Field(models.TextChoices):
        UNIT = "unit", _("单位")
        NAME = "name", _("姓名")
        POSITION = "position", _("职务")
        PHONE = "phone", _("手机")
        HEADCOUNT = "headcount", _("人数")
        ACCOMMODATION = "accommodation", _("住宿")
        NOTE = "note", _("备注")

    article = models.OneToOneField(
        "news.Article", on_delete=models.CASCADE, related_name="registration_form", verbose_name="通知文章"
    )
    title = models.CharField("报名表标题", max_length=100, default="报名回执")
    fields = models.JSONField("填写项", default=list, help_text="手机为必填项（同一手机号再次提交会更新原来的报名）。")
    deadline = models.DateTimeField("截止时间")
    capacity = models.PositiveIntegerField("名额（人）", null=True, blank=True, help_text="留空表示不限。")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "报名表"

    def __str__(self):
        return f"{self.title}（{self.article}）"

    def get_absolute_url(self):
        return reverse("webforms:register", args=[self.article_id])

    def clean(self):
        unknown = set(self.fields) - set(self.Field.values)
        if unknown:
            raise ValidationError({"fields": "有无效的填写项。"})

    @property
    def chosen_fields(self):
        """The fields in the set's order; the phone always (it identifies a registration)."""
        chosen = set(self.fields) | {self.Field.PHONE}
        return [value for value in self.Field.values if value in chosen]

    def people(self, exclude=None):
        registrations = self.registrations.all()
        if exclude is not None:
            registrations = registrations.exclude(pk=exclude.pk)
        return registrations.aggregate(total=Sum("headcount"))["total"] or 0

    def is_past_deadline(self):
        return timezone.now() >= self.deadline

    def is_full(self):
        return self.capacity is not None and self.people() >= self.capacity


class Registration(Retained):
    """One 报名 (the same phone number updates it)."""

    form = models.ForeignKey(RegistrationForm, on_delete=models.CASCADE, related_name="registrations")
    unit = models.CharField(_("单位"), max_length=100, blank=True)
    name = models.CharField(_("姓名"), max_length=50, blank=True)
    position = models.CharField(_("职务"), max_length=50, blank=True)
    phone = models.CharField(_("手机"), max_length=11, validators=[mobile_validator])
    headcount = models.PositiveSmallIntegerField(_("人数"), default=1)
    accommodation = models.BooleanField(_("需要住宿"), default=False)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    member = models.ForeignKey(Member, on_delete=models.SET_NULL, null=True, blank=True, verbose_name="会员单位")
    updated_at = models.DateTimeField("最后修改", auto_now=True)

    PERSONAL_FIELDS = ("name", "position", "phone", "note")

    class Meta:
        verbose_name = verbose_name_plural = "报名"
        ordering = ["submitted_at"]
        constraints = [
            models.UniqueConstraint(fields=["form", "phone"], condition=~Q(phone=""), name="registration_one_per_phone")
        ]

    def __str__(self):
        return f"{self.unit or self.name}（{self.phone}）"
