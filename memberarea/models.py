"""会员专区: member units' contact accounts, members-only content, 会籍, and proposals to edit a unit's entry.

A contact is a Django user without ``is_staff``, linked to one 会员单位; contacts log in on the public
会员登录 page (never the admin). Members-only sections and posts are models of their own, so no public
list, search, feed, sitemap or download page can reach them by accident.
"""

import re
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator, URLValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from hnda_site.models import EditVersioned, staff_member_field
from members.logos import shrink_logo, validate_logo_extension, validate_logo_size
from members.models import Member
from richtext.text import RichTextField, sanitize_html

mobile_validator = RegexValidator(r"^1[3-9]\d{9}$", "请输入 11 位手机号码，例如 13800000000。")


def new_token():
    return secrets.token_urlsafe(24)


class MemberContactQuerySet(models.QuerySet):
    def active(self):
        return self.filter(user__is_active=True)

    def for_audience(self, city="", level="", kind=""):
        """Active contacts of active units with a valid 会籍, narrowed by 市州, 级别 and 类型 when given."""
        contacts = (
            self.active()
            .filter(member__active=True)
            .exclude(member__membership__status__in=[Membership.Status.SUSPENDED, Membership.Status.WITHDRAWN])
        )
        for field, value in (("city", city), ("level", level), ("kind", kind)):
            if value:
                contacts = contacts.filter(**{f"member__{field}": value})
        return contacts.select_related("member", "user")


class MemberContact(models.Model):
    """A 联系人 of a member unit, with the account it logs in with (its 手机号 is the user name)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="member_contact", verbose_name="登录账号"
    )
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="contacts", verbose_name="会员单位")
    name = models.CharField("联系人姓名", max_length=50)
    position = models.CharField("职务", max_length=50, blank=True)
    phone = models.CharField("手机", max_length=11, unique=True, validators=[mobile_validator])
    email = models.EmailField("电子邮箱")
    in_roster = models.BooleanField(
        "在会员名册中显示",
        default=False,
        help_text="勾选后，其他会员单位登录后可在会员名册中看到此联系人的姓名、职务和电话；默认只有协会工作人员和本单位能看到。",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    created_by = staff_member_field("创建人")
    history = HistoricalRecords(excluded_fields=["created_at"])

    objects = MemberContactQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "会员联系人"
        ordering = ["member__name", "name"]

    def __str__(self):
        return f"{self.name}（{self.member}）"


class Membership(EditVersioned):
    """A unit's 会籍: its status and the 会费 years paid (entered by staff), and the token its 会员证明 shows."""

    class Status(models.TextChoices):
        VALID = "valid", _("有效")
        SUSPENDED = "suspended", _("暂停")
        WITHDRAWN = "withdrawn", _("已退会")

    member = models.OneToOneField(Member, on_delete=models.CASCADE, related_name="membership", verbose_name="会员单位")
    status = models.CharField("会籍状态", max_length=12, choices=Status.choices, default=Status.VALID)
    fee_years = models.CharField(
        "已缴会费年度",
        max_length=200,
        blank=True,
        help_text="用逗号或空格分隔的年份，例如：2024, 2025, 2026。",
        validators=[RegexValidator(r"^[\d\s,，、]*$", "只填年份，用逗号或空格分隔。")],
    )
    verification_token = models.CharField("验证码", max_length=40, unique=True, default=new_token, editable=False)
    history = HistoricalRecords(excluded_fields=["verification_token"])

    class Meta:
        verbose_name = verbose_name_plural = "会籍"

    def __str__(self):
        return f"{self.member}：{self.get_status_display()}"

    @property
    def paid_years(self):
        return sorted({int(year) for year in re.findall(r"\d{4}", self.fee_years)})

    @property
    def is_valid(self):
        return self.status == self.Status.VALID and self.member.active

    def get_verification_url(self):
        return reverse("memberarea:verify", args=[self.verification_token])


# Addresses under /member-area/ that are pages of their own, not 栏目.
RESERVED_SLUGS = {
    "login",
    "logout",
    "password",
    "security",
    "roster",
    "entry",
    "certificate",
    "verify",
    "privacy",
    "posts",
}


class MemberSectionQuerySet(models.QuerySet):
    def with_post_counts(self):
        return self.annotate(
            post_count=models.Count(
                "posts", filter=Q(posts__status="published", posts__published_at__lte=timezone.now())
            )
        )


class MemberSection(models.Model):
    """A members-only 栏目 (会议纪要, 年度工作报告, 财务审计报告 …)."""

    name = models.CharField("栏目名称", max_length=50)
    slug = models.SlugField("网址名", unique=True, help_text="英文字母、数字或连字符，例如 minutes。")
    order = models.PositiveIntegerField("排序", default=0)
    titles_public = models.BooleanField(
        "对公众显示标题",
        default=False,
        help_text="勾选后，未登录的访客能看到本栏目的文章标题（正文仍需登录）；不勾选则只看到登录提示。",
    )

    objects = MemberSectionQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "会员专区栏目"
        ordering = ["order", "pk"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("memberarea:section", args=[self.slug])

    def clean(self):
        if self.slug in RESERVED_SLUGS:
            raise ValidationError({"slug": "这个网址名已被会员专区的其他页面使用，请换一个。"})


class MemberPostQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=MemberPost.Status.PUBLISHED, published_at__lte=timezone.now())


class MemberPost(EditVersioned):
    """A members-only article: read only by logged-in member contacts (and staff)."""

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        PUBLISHED = "published", "已发布"

    section = models.ForeignKey(MemberSection, on_delete=models.PROTECT, related_name="posts", verbose_name="栏目")
    title = models.CharField("标题", max_length=200)
    body = RichTextField("正文", blank=True)
    published_at = models.DateTimeField("发布时间", default=timezone.now)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    created_by = staff_member_field("创建人")
    updated_by = staff_member_field("最后修改人")
    history = HistoricalRecords(excluded_fields=["created_at", "edit_version"])

    objects = MemberPostQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "会员专区文章"
        ordering = ["-published_at", "-pk"]
        indexes = [models.Index(fields=["section", "-published_at"], name="memberpost_section_date")]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.body = sanitize_html(self.body)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("memberarea:post", args=[self.pk])

    @property
    def is_public(self):
        return self.status == self.Status.PUBLISHED and self.published_at <= timezone.now()


class PostRead(models.Model):
    """The first time a unit's contact opened a members-only post while logged in."""

    post = models.ForeignKey(MemberPost, on_delete=models.CASCADE, related_name="reads", verbose_name="文章")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+", verbose_name="会员单位")
    first_read_at = models.DateTimeField("首次阅读时间", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "阅读记录"
        constraints = [models.UniqueConstraint(fields=["post", "member"], name="postread_once_per_unit")]

    def __str__(self):
        return f"{self.member}：{self.post}"


class MemberNotice(models.Model):
    """A notice e-mailed to member contacts, pointing at a members-only post."""

    class Audience(models.TextChoices):
        ALL = "all", "全体会员单位"
        CITY = "city", "按市州"
        LEVEL = "level", "按级别"
        KIND = "kind", "按类型"

    post = models.ForeignKey(MemberPost, on_delete=models.PROTECT, related_name="notices", verbose_name="通知的文章")
    subject = models.CharField("邮件标题", max_length=200)
    message = models.TextField("邮件正文", blank=True, help_text="可不填；邮件会附上文章标题和登录阅读的链接。")
    audience = models.CharField("发送范围", max_length=10, choices=Audience.choices, default=Audience.ALL)
    city = models.CharField("市州", max_length=20, choices=Member.City.choices, blank=True)
    level = models.CharField("级别", max_length=20, choices=Member.Level.choices, blank=True)
    kind = models.CharField("类型", max_length=20, choices=Member.Kind.choices, blank=True)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True, editable=False)
    sent_by = staff_member_field("发送人")
    recipient_units = models.ManyToManyField(
        Member, blank=True, related_name="+", verbose_name="收件单位", editable=False
    )

    class Meta:
        verbose_name = verbose_name_plural = "会员通知"
        ordering = ["-pk"]

    def __str__(self):
        return self.subject

    def clean(self):
        needed = {self.Audience.CITY: "city", self.Audience.LEVEL: "level", self.Audience.KIND: "kind"}.get(
            self.audience
        )
        if needed and not getattr(self, needed):
            raise ValidationError({needed: "按此范围发送时，请选择一项。"})

    def audience_filters(self):
        return {
            "city": self.city if self.audience == self.Audience.CITY else "",
            "level": self.level if self.audience == self.Audience.LEVEL else "",
            "kind": self.kind if self.audience == self.Audience.KIND else "",
        }


class ChangeRequest(models.Model):
    """A contact's proposal to change its unit's public entry; staff approve or return it."""

    class Status(models.TextChoices):
        PENDING = "pending", "待审核"
        APPROVED = "approved", "已通过"
        RETURNED = "returned", "已退回"

    # The fields of members.Member a contact may propose, in the order the form shows them.
    FIELDS = ("introduction", "website", "address", "name_en", "logo")

    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="change_requests", verbose_name="会员单位"
    )
    contact = models.ForeignKey(
        MemberContact, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="提交人"
    )
    introduction = RichTextField("单位简介", blank=True)
    website = models.URLField(
        "网址",
        blank=True,
        validators=[URLValidator(schemes=["http", "https"], message="请填写以 http:// 或 https:// 开头的网址。")],
    )
    address = models.CharField("地址", max_length=200, blank=True)
    name_en = models.CharField("英文名称", max_length=200, blank=True)
    logo = models.ImageField(
        "标志", upload_to="member-proposals/", blank=True, validators=[validate_logo_extension, validate_logo_size]
    )
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    submitted_at = models.DateTimeField("提交时间", default=timezone.now)
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    reviewed_by = staff_member_field("审核人")
    comment = models.TextField("审核意见", blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "会员信息修改申请"
        ordering = ["-submitted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["member"], condition=Q(status="pending"), name="changerequest_one_pending_per_unit"
            )
        ]

    def __str__(self):
        return f"{self.member}（{timezone.localtime(self.submitted_at):%Y-%m-%d}）"

    def save(self, *args, **kwargs):
        self.introduction = sanitize_html(self.introduction)
        smaller = shrink_logo(self.logo)
        if smaller:
            self.logo = smaller
        super().save(*args, **kwargs)

    def changes(self):
        """[(label, current value, proposed value)] for each proposed field that differs from the entry."""
        result = []
        for name in self.FIELDS:
            proposed, current = getattr(self, name), getattr(self.member, name)
            if name == "logo":
                if proposed:
                    result.append((self._meta.get_field(name).verbose_name, current, proposed))
            elif (proposed or "") != (current or ""):
                result.append((self._meta.get_field(name).verbose_name, current, proposed))
        return result

    def apply(self, reviewer):
        """Publish the proposal on the member's entry (one history row naming the reviewer) and close it."""
        member = self.member
        for name in self.FIELDS:
            value = getattr(self, name)
            if name != "logo" or value:
                setattr(member, name, value)
        member._history_user = reviewer
        member._change_reason = f"会员联系人提交、经审核通过的修改（申请 #{self.pk}）"
        member.save()
        self.close(self.Status.APPROVED, reviewer)

    def close(self, status, reviewer, comment=""):
        self.status = status
        self.reviewed_by = reviewer
        self.reviewed_at = timezone.now()
        self.comment = comment
        self._history_user = reviewer
        self.save(update_fields=["status", "reviewed_by", "reviewed_at", "comment"])
