from django.conf import settings
from django.core.validators import URLValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .languages import Translated


def staff_member_field(verbose_name):
    """A record of which staff account did something (创建人, 发布人…); kept if the account goes."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=verbose_name,
    )


class EditVersioned(models.Model):
    """A record staff edit in the admin: every save adds one to ``edit_version``.

    The admin form carries the number it was opened with; a save from a form whose number is
    no longer the stored one is refused (see ``editorial.admin_mixins.ConcurrentEditForm``).
    Bulk actions and imports save each record, so they move the number on too.
    """

    edit_version = models.PositiveIntegerField("编辑版本", default=0, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            self.edit_version = (self.edit_version or 0) + 1
            update_fields = kwargs.get("update_fields")
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "edit_version"}
        super().save(*args, **kwargs)


class SiteSettings(EditVersioned):
    """The one record of site-wide text that staff edit: name, contacts, footer."""

    name = models.CharField("网站名称", max_length=100, default="湖南省开发区协会")
    english_name = models.CharField(
        "英文名称", max_length=150, blank=True, default="Hunan Development Zones Association"
    )
    welcome = models.CharField(
        "欢迎语", max_length=200, blank=True, help_text="显示在首页顶部，例如：欢迎来到湖南省开发区协会中心网站!"
    )
    welcome_en = models.CharField("英文欢迎语", max_length=300, blank=True, help_text="英文网站首页顶部显示。")
    address = models.CharField("地址", max_length=200, blank=True)
    address_en = models.CharField(
        "英文地址", max_length=300, blank=True, help_text="英文网站的“联系我们”和页脚显示；留空则显示中文地址。"
    )
    phone = models.CharField("电话", max_length=50, blank=True)
    email = models.EmailField("电子邮箱", blank=True)
    office_hours = models.CharField("办公时间", max_length=100, blank=True, help_text="例如：周一至周五 9:00–17:00")
    office_hours_en = models.CharField(
        "英文办公时间", max_length=150, blank=True, help_text="例如：Monday to Friday, 9:00–17:00 (Beijing time)"
    )
    map_image = models.ImageField(
        "位置图",
        upload_to="site/",
        blank=True,
        help_text="“联系我们”页面显示的位置示意图（自己截取的图片）；不上传则只显示地址文字。",
    )
    default_category = models.ForeignKey(
        "news.Category",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="新文章的默认栏目",
        help_text="新建文章时预先选好的栏目；留空则需每次选择。",
    )
    icp_number = models.CharField(
        "ICP 备案号",
        max_length=50,
        blank=True,
        help_text="例如：湘ICP备12345678号；填写后页脚显示并链接到工信部备案网站。",
    )
    police_number = models.CharField(
        "公安备案号", max_length=50, blank=True, help_text="例如：湘公网安备 43010002000000号"
    )
    footer_text = models.TextField("页脚附加文字", blank=True)
    share_image = models.ImageField(
        "默认分享图片",
        upload_to="share/",
        blank=True,
        help_text="在微信等转发网页时显示的图片（没有封面图片的文章也用它）。建议 1200×630 像素的 JPG 或 PNG；"
        "留空则用网站自带的标志图片。",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "网站设置"
        verbose_name_plural = "网站设置"

    def __str__(self):
        return "网站设置"

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)

    @classmethod
    def load(cls):
        """The settings record, created on first use (read from the database: forms and the admin)."""
        settings, _ = cls.objects.get_or_create(pk=1)
        return settings

    @classmethod
    def current(cls):
        """The settings record as pages show it: kept per process, read again after any change, on every
        worker (``pagecache.memoize``)."""
        from pagecache import cache as pagecache

        return pagecache.memoize("site-settings", cls.load)

    english_fields = {"name": "english_name"}
    local_name = Translated("name")
    local_welcome = Translated("welcome")
    local_address = Translated("address")
    local_office_hours = Translated("office_hours")

    @property
    def police_record_code(self):
        """The digits of the 公安备案号, which its public lookup URL needs."""
        return "".join(ch for ch in self.police_number if ch.isdigit())


class FriendlyLinkQuerySet(models.QuerySet):
    def visible(self):
        return self.filter(visible=True)

    def grouped(self):
        """[(group label, [links])] of the visible links: 政府部门 first, as the choices list them."""
        ranks = {value: rank for rank, value in enumerate(FriendlyLink.Group.values)}
        links = sorted(self.visible(), key=lambda link: (ranks.get(link.group, len(ranks)), link.order, link.pk))
        groups = []
        for link in links:
            if not groups or groups[-1][0] != link.get_group_display():
                groups.append((link.get_group_display(), []))
            groups[-1][1].append(link)
        return groups


class FriendlyLink(models.Model):
    """友情链接: the supervising departments and sister associations, on the home page and in the footer."""

    class Group(models.TextChoices):
        GOVERNMENT = "government", _("政府部门")
        ASSOCIATION = "association", _("兄弟协会")
        ZONE = "zone", _("开发区网站")
        OTHER = "other", _("其他")

    name = models.CharField("名称", max_length=100, help_text="例如：湖南省商务厅")
    name_en = models.CharField(
        "英文名称",
        max_length=200,
        blank=True,
        help_text="英文网站显示它，例如：Department of Commerce of Hunan Province",
    )
    url = models.URLField(
        "网址",
        validators=[URLValidator(schemes=["http", "https"], message="请填写以 http:// 或 https:// 开头的网址。")],
        help_text="例如：https://swt.hunan.gov.cn/ ，网站上在新窗口打开。",
    )
    group = models.CharField("分组", max_length=20, choices=Group.choices, default=Group.GOVERNMENT)
    order = models.PositiveIntegerField("排序", default=0, help_text="同一分组内数字小的排在前面。")
    visible = models.BooleanField("显示", default=True, help_text="取消勾选则暂不显示（记录仍保留）。")

    objects = FriendlyLinkQuerySet.as_manager()

    class Meta:
        ordering = ["group", "order", "id"]
        verbose_name = "友情链接"
        verbose_name_plural = "友情链接"

    local_name = Translated("name")

    def __str__(self):
        return self.name


class SeedRecord(models.Model):
    """Which pieces of the initial content have been loaded, so a re-run adds nothing.

    A piece deleted or edited by staff is never brought back or overwritten.
    """

    key = models.CharField(max_length=200, unique=True)
    loaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "初始内容记录"
        verbose_name_plural = "初始内容记录"

    def __str__(self):
        return self.key
