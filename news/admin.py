from django.contrib import admin, messages
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.utils import timezone

from attachments.admin import AttachmentsAdminMixin
from editorial.admin_mixins import StaffEditAdmin, save_each, save_each_action
from editorial.adminlists import BoundedCountPaginator
from editorial.changes import chinese_date
from hnda_site.models import SiteSettings
from search import fulltext
from workflow.admin import ReviewableAdminMixin

from . import viewcounter
from .models import Article, Category

# What the article list leaves in the database: the texts of 5–30 KB (and their search tokens).
LARGE_FIELDS = ["body", "body_en", "summary", "summary_en", "search_tokens"]
NAV_AND_HOME_FIELDS = ["order", "show_in_nav", "show_on_home", "home_position", "home_count"]


@admin.register(Category)
class CategoryAdmin(StaffEditAdmin):
    list_display = ["name", "english_name", "slug", *NAV_AND_HOME_FIELDS, "stale_after_days"]
    list_editable = NAV_AND_HOME_FIELDS
    fieldsets = [
        (None, {"fields": ["name", "english_name", "slug"]}),
        ("主导航", {"fields": ["show_in_nav", "order"]}),
        ("首页", {"fields": ["show_on_home", "home_position", "home_count"]}),
        ("内容检查", {"fields": ["stale_after_days"]}),
    ]
    prepopulated_fields = {"slug": ["english_name"]}
    search_fields = ["name", "slug"]


class EnglishEditionFilter(admin.SimpleListFilter):
    title = "英文版"
    parameter_name = "english"

    def lookups(self, request, model_admin):
        return [("yes", "有英文版"), ("no", "只有中文版")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.in_english()
        if self.value() == "no":
            return queryset.exclude(pk__in=queryset.in_english().values("pk"))
        return queryset


@admin.register(Article)
class ArticleAdmin(ReviewableAdminMixin, AttachmentsAdminMixin, StaffEditAdmin):
    attachment_parent_field = "article"
    list_display = [
        "title",
        "category",
        "status_display",
        "published_at",
        "view_count",
        "pinned",
        "featured",
        "english_display",
    ]
    list_display_links = ["title"]
    list_filter = ["status", "category", "pinned", "featured", EnglishEditionFilter, "published_at"]
    list_select_related = ["category"]
    search_fields = ["title"]  # shows the search box; get_search_results asks the site search's index
    show_full_result_count = False  # no second count of every article beside the count of the matches
    # At 100,000 articles (issue 25): newest first from article_date_idx (the pinned-first order of the
    # public lists sorted every article), 30 rows a page (Django's admin draws each row: at 50 the search
    # box took 55 ms p95), a count that stops at 1,000 ("1000+"), and no date_hierarchy (its years and
    # months were a DISTINCT over every article; the 发布时间 filter stays).
    ordering = ["-published_at", "-id"]
    list_per_page = 30
    paginator = BoundedCountPaginator
    show_facets = admin.ShowFacets.NEVER  # "显示计数" counted every filter choice over every article
    readonly_fields = ["view_count", "created_at", "created_by", "updated_at", "updated_by"]

    def get_queryset(self, request):
        articles = super().get_queryset(request)
        match = request.resolver_match
        if request.method == "GET" and match and match.url_name == "news_article_changelist":
            # A row shows none of the large texts: left in the database (an action reads whole articles).
            english = ExpressionWrapper(~Q(title_en="") & ~Q(body_en=""), output_field=BooleanField())
            articles = articles.defer(*LARGE_FIELDS).annotate(english_edition=english)
        return articles

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        estimate = getattr(request, "article_search", None)
        return self.paginator(queryset, per_page, orphans, allow_empty_first_page, estimate=estimate)

    def get_search_results(self, request, queryset, search_term):
        """Articles whose title or body, Chinese or English, holds every word (the site search's rules),
        answered by the search index: never a LIKE over every body."""
        chinese, english = fulltext.parse(search_term, english=False), fulltext.parse(search_term, english=True)
        if not chinese:
            return queryset, False
        request.article_search = chinese  # the count's statistics (BoundedCountPaginator)
        matches = Q(fulltext.IndexMatch(chinese.terms)) | Q(fulltext.IndexMatch(english.terms))
        return queryset.filter(matches), False

    actions = ["publish", "unpublish", "pin", "unpin", "feature", "unfeature"]
    fieldsets = [
        (None, {"fields": ["title", "category", "publisher", "body"]}),
        ("发布", {"fields": ["status", "published_at", "pinned"]}),
        ("封面与焦点图", {"fields": ["cover", "featured"]}),
        ("摘要", {"fields": ["summary"], "classes": ["collapse"]}),
        (
            "英文版（可选）",
            {
                "fields": ["title_en", "publisher_en", "summary_en", "body_en"],
                "description": "只有填写了英文标题和英文正文的文章才出现在英文网站（/en/news/）上；"
                "都留空则只有中文版。英文正文与中文正文一样，保存时自动清除不安全的代码。",
            },
        ),
        ("记录", {"fields": ["view_count", "created_at", "created_by", "updated_at", "updated_by"]}),
    ]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if obj.status == Article.Status.PUBLISHED and obj.published_at and obj.published_at > timezone.now():
            # Saved with a time to come: say when it will appear (the success message says only "saved").
            when = timezone.localtime(obj.published_at)
            messages.info(request, f"本文将于{chinese_date(when)} {when:%H:%M} 发布，届时自动出现在网站上。")

    def changelist_view(self, request, extra_context=None):
        viewcounter.flush()  # staff see every view so far, not only those flushed already
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        viewcounter.flush()
        return super().change_view(request, object_id, form_url, extra_context)

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        default_category = SiteSettings.load().default_category_id
        if default_category and "category" not in initial:
            initial["category"] = default_category
        return initial

    @admin.display(description="英文版", boolean=True)
    def english_display(self, article):
        edition = getattr(article, "english_edition", None)
        return article.has_english if edition is None else edition

    @admin.display(description="状态", ordering="status")
    def status_display(self, article):
        """草稿, 定时发布（2026年12月1日 09:00） or 已发布: what the public sees now."""
        if article.status == Article.Status.DRAFT:
            return "草稿"
        if article.published_at and article.published_at > timezone.now():
            local = timezone.localtime(article.published_at)
            return f"定时发布（{chinese_date(local)} {local:%H:%M}）"
        return "已发布"

    # save() fills an empty 发布时间 with now and keeps a scheduled one.
    publish = save_each_action(
        "发布所选文章", "批量操作：发布", "已发布 {count} 篇文章。", status=Article.Status.PUBLISHED
    )
    unpublish = save_each_action(
        "撤回所选文章（改为草稿）", "批量操作：撤回", "已撤回 {count} 篇文章。", status=Article.Status.DRAFT
    )
    pin = save_each_action("置顶所选文章", "批量操作：置顶", "已置顶 {count} 篇文章。", pinned=True)
    unpin = save_each_action("取消置顶所选文章", "批量操作：取消置顶", "已取消置顶 {count} 篇文章。", pinned=False)
    unfeature = save_each_action(
        "取消所选文章的焦点图", "批量操作：取消焦点图", "已取消 {count} 篇文章的焦点图。", featured=False
    )

    @admin.action(description="将所选文章设为焦点图", permissions=["change"])
    def feature(self, request, queryset):
        without_cover = queryset.filter(cover="").count()
        count = save_each(request, queryset.exclude(cover=""), "批量操作：设为焦点图", featured=True)
        self.message_user(request, f"已将 {count} 篇文章设为焦点图。", messages.SUCCESS)
        if without_cover:
            self.message_user(
                request, f"有 {without_cover} 篇文章没有封面图片，未设为焦点图；请先上传封面图片。", messages.WARNING
            )
