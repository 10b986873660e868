import re
from urllib.parse import urlsplit

from django.core.validators import URLValidator
from django.db import models
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from hnda_site import languages
from hnda_site.dates import PlausibleDateValidator, plausible_range
from hnda_site.languages import Translated
from hnda_site.models import EditVersioned
from news.models import Article
from richtext.text import RichTextField, html_to_text, sanitize_html
from search import fulltext

from .logos import shrink_logo, validate_logo_extension, validate_logo_size

RELATED_NEWS_COUNT = 10
# Longest pinyin syllable (zhuang, shuang, chuang): every syllable is padded to this width.
SYLLABLE_WIDTH = 6


def pinyin_sort_key(name):
    """A key that sorts names by pinyin (长沙 before 株洲), the same on SQLite and PostgreSQL.

    Each syllable is padded with "0" to a fixed width, so a syllable sorts before its own
    extensions (ji before jia) by plain character order, which every collation agrees on
    (spaces or punctuation would be skipped by some collations). Latin letters and digits
    in a name are kept, lower-cased.

    pypinyin is imported here, not with the module: its dictionaries take about 55 MB, which every
    app server worker would otherwise hold although only saving a member needs them.
    """
    from pypinyin import Style, lazy_pinyin

    syllables = lazy_pinyin(name, style=Style.NORMAL, errors=lambda text: re.findall(r"[0-9a-z]+", text.lower()))
    return "".join(s.lower().ljust(SYLLABLE_WIDTH, "0") for s in syllables if s.strip())[:600]


class MemberQuerySet(models.QuerySet):
    def active(self):
        """Members shown on the website (staff untick 启用 to hide one without deleting it)."""
        return self.filter(active=True)

    def stats(self):
        """``{"total": how many members, "cities": in how many 市州}`` (one query)."""
        return self.aggregate(total=Count("pk"), cities=Count("city", distinct=True))

    def search(self, query):
        """Members matching every word of ``query`` in their names, 市州, type, address or introduction.

        Name hits first (see search.fulltext), then the directory's order.
        """
        return fulltext.search(self, query).order_by("search_rank", "role", "order", "name")

    def incomplete(self):
        """Active members missing a logo, a website or an introduction (简介)."""
        return self.active().filter(Q(logo="") | Q(website="") | Q(introduction=""))

    def for_list(self):
        """What a directory card shows, without the (long) introduction."""
        return self.only("id", "name", "short_name", "city", "level", "kind", "role", "order", "logo")


class Member(EditVersioned):
    class City(models.TextChoices):
        """Hunan's 14 市州, in the official order."""

        CHANGSHA = "changsha", _("长沙市")
        ZHUZHOU = "zhuzhou", _("株洲市")
        XIANGTAN = "xiangtan", _("湘潭市")
        HENGYANG = "hengyang", _("衡阳市")
        SHAOYANG = "shaoyang", _("邵阳市")
        YUEYANG = "yueyang", _("岳阳市")
        CHANGDE = "changde", _("常德市")
        ZHANGJIAJIE = "zhangjiajie", _("张家界市")
        YIYANG = "yiyang", _("益阳市")
        CHENZHOU = "chenzhou", _("郴州市")
        YONGZHOU = "yongzhou", _("永州市")
        HUAIHUA = "huaihua", _("怀化市")
        LOUDI = "loudi", _("娄底市")
        XIANGXI = "xiangxi", _("湘西土家族苗族自治州")

    class Level(models.TextChoices):
        NATIONAL = "national", _("国家级")
        PROVINCIAL = "provincial", _("省级")
        OTHER = "other", _("其他")

    class Kind(models.TextChoices):
        ECONOMIC = "economic", _("经济技术开发区")
        HIGH_TECH = "high_tech", _("高新技术产业开发区")
        BONDED = "bonded", _("综合保税区")
        INDUSTRIAL = "industrial", _("产业园区")
        OTHER = "other", _("其他")

    class Role(models.IntegerChoices):
        """The role in the association; the number is the rank, so the database orders by it."""

        PRESIDENT = 1, _("会长单位")
        VICE_PRESIDENT = 2, _("副会长单位")
        EXECUTIVE_DIRECTOR = 3, _("常务理事单位")
        DIRECTOR = 4, _("理事单位")
        MEMBER = 5, pgettext_lazy("member role", "会员单位")

    name = models.CharField(
        "名称", max_length=100, help_text="单位全称，例如：长沙高新技术产业开发区。不能与其他会员单位重名。"
    )
    short_name = models.CharField(
        "简称",
        max_length=50,
        blank=True,
        help_text="例如：长沙高新区。与全称一起显示，也用于搜索和查找提及本单位的园区快讯。",
    )
    city = models.CharField("市州", max_length=20, choices=City.choices)
    level = models.CharField(
        "级别", max_length=20, choices=Level.choices, blank=True, help_text="不清楚可以留空，网站上显示“未注明”。"
    )
    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    role = models.PositiveSmallIntegerField(
        "协会职务",
        choices=Role.choices,
        default=Role.MEMBER,
        help_text="会员名录按职务排列：会长单位、副会长单位、常务理事单位、理事单位、会员单位。",
    )
    logo = models.ImageField(
        "标志",
        upload_to="members/logos/",
        blank=True,
        validators=[validate_logo_extension, validate_logo_size],
        help_text="JPG、PNG、GIF 或 WebP 图片，不超过 2 MB；大于 600×600 像素的图片上传后会按比例缩小。",
    )
    website = models.URLField(
        "网址",
        blank=True,
        validators=[URLValidator(schemes=["http", "https"], message="请填写以 http:// 或 https:// 开头的网址。")],
        help_text="例如：https://www.example.gov.cn/ ，网站上在新窗口打开。",
    )
    address = models.CharField("地址", max_length=200, blank=True)
    introduction = RichTextField("简介", blank=True)
    name_en = models.CharField(
        "英文名称",
        max_length=200,
        blank=True,
        help_text="例如：Changsha National High-tech Industrial Development Zone；英文网站显示它，留空则显示中文名称。",
    )
    introduction_en = RichTextField("英文简介", blank=True)
    joined_on = models.DateField("入会日期", null=True, blank=True, validators=[PlausibleDateValidator(years_ahead=1)])
    order = models.PositiveIntegerField(
        "排序", default=0, help_text="同一职务内数字小的排在前面；数字相同的按名称排列。"
    )
    sort_key = models.CharField("拼音排序", max_length=600, blank=True, editable=False)
    active = models.BooleanField("启用", default=True, help_text="取消勾选后，该单位不在网站上显示（记录仍保留）。")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)
    search_tokens = models.TextField("搜索索引", blank=True, default="", editable=False)

    objects = MemberQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["search_tokens"])

    class Meta:
        ordering = ["role", "order", "sort_key", "name"]
        verbose_name = "会员单位"
        verbose_name_plural = "会员单位"
        constraints = [
            models.UniqueConstraint(
                fields=["name"],
                name="member_unique_name",
                violation_error_message="已有名称相同的会员单位。",
                violation_error_code="unique",
            ),
            models.CheckConstraint(
                condition=plausible_range("joined_on"),
                name="member_joined_on_plausible",
                violation_error_message="入会日期应在1949年至2100年之间。",
            ),
        ]
        indexes = [
            models.Index(fields=["active", "role", "order", "sort_key", "name"], name="member_list_pinyin_idx"),
            models.Index(fields=["city", "active"], name="member_city_idx"),
            models.Index(fields=["kind", "active"], name="member_kind_idx"),
            models.Index(fields=["level", "active"], name="member_level_idx"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name = self.name.strip()
        self.short_name = self.short_name.strip()
        self.sort_key = pinyin_sort_key(self.name)
        smaller = shrink_logo(self.logo)
        if smaller:
            self.logo = smaller
        self.refresh_search_tokens()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("members:detail", args=[self.pk])

    def refresh_search_tokens(self):
        """Recompute ``search_tokens`` (save() does; an import writing with bulk_create must call it)."""
        with translation.override(languages.CHINESE):
            chinese_labels = [str(self.get_city_display()), str(self.get_kind_display())]
        with translation.override(languages.ENGLISH):
            english_labels = [str(self.get_city_display()), str(self.get_kind_display())]
        self.search_tokens = fulltext.index_text(
            *chinese_labels,
            self.address,
            html_to_text(sanitize_html(self.introduction)),
            titles=[self.name, self.short_name],
            english=[*english_labels, html_to_text(sanitize_html(self.introduction_en))],
            english_titles=[self.name_en],
        )

    local_name = Translated("name")
    local_introduction = Translated("introduction")

    @property
    def display_name(self):
        """The short name where there is one (breadcrumbs, placeholders), else the full name.

        On an English page the English name when staff gave one.
        """
        if languages.is_english() and self.name_en:
            return self.name_en
        return self.short_name or self.name

    @property
    def missing_details(self):
        """What the member page lacks, for the 内容检查 dashboard: 标志, 网址, 简介."""
        details = {"标志": self.logo, "网址": self.website, "简介": self.introduction}
        return [label for label, value in details.items() if not value]

    @property
    def level_label(self):
        return self.get_level_display() or gettext("未注明")

    @property
    def monogram(self):
        """The character shown in the round placeholder of a member without a logo."""
        return self.display_name[:1]

    @property
    def website_url(self):
        """The website, only if it is a plain http(s) address (never ``javascript:`` and the like)."""
        return self.website if urlsplit(self.website).scheme in {"http", "https"} else ""

    def related_articles(self, limit=RELATED_NEWS_COUNT):
        """Public 园区快讯 that mention the member by full or short name, newest first."""
        return (
            Article.objects.published()
            .in_page_language()
            .mentioning(self.name, self.short_name)
            .for_list()
            .order_by("-published_at", "-id")[:limit]
        )
