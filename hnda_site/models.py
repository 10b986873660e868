from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

# A preview not confirmed within a day is removed (importstorage.py).
PENDING_IMPORT_LIFETIME = timedelta(days=1)


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


class SiteSettings(models.Model):
    """The one record of site-wide text that staff edit: name, contacts, footer."""

    name = models.CharField("网站名称", max_length=100, default="湖南省开发区协会")
    english_name = models.CharField(
        "英文名称", max_length=150, blank=True, default="Hunan Development Zones Association"
    )
    welcome = models.CharField(
        "欢迎语", max_length=200, blank=True, help_text="显示在首页顶部，例如：欢迎来到湖南省开发区协会中心网站!"
    )
    address = models.CharField("地址", max_length=200, blank=True)
    phone = models.CharField("电话", max_length=50, blank=True)
    email = models.EmailField("电子邮箱", blank=True)
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
        """The settings record, created on first use.

        Read once per request (a primary-key lookup) rather than cached: a cache
        local to each gunicorn worker would show old text after staff save.
        """
        settings, _ = cls.objects.get_or_create(pk=1)
        return settings

    @property
    def police_record_code(self):
        """The digits of the 公安备案号, which its public lookup URL needs."""
        return "".join(ch for ch in self.police_number if ch.isdigit())


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


class PendingImportQuerySet(models.QuerySet):
    def expired(self, now=None):
        """Files previewed more than a day ago and never confirmed."""
        return self.filter(created_at__lt=(now or timezone.now()) - PENDING_IMPORT_LIFETIME)


class PendingImport(models.Model):
    """A spreadsheet uploaded for import, kept between its preview and its confirmation.

    It lives in the database, the one store every app server shares in every supported layout,
    so that a preview made on one server can be confirmed on another (see ``importstorage.py``).
    """

    name = models.CharField(max_length=32, unique=True)
    data = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = PendingImportQuerySet.as_manager()

    class Meta:
        verbose_name = "待确认的导入文件"
        verbose_name_plural = "待确认的导入文件"

    def __str__(self):
        return self.name
