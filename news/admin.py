from django.contrib import admin, messages
from django.utils import timezone

from hnda_site.admin_mixins import StaffEditAdmin, save_each
from hnda_site.changes import chinese_date

from .models import Article, Category


@admin.register(Category)
class CategoryAdmin(StaffEditAdmin):
    list_display = ["name", "english_name", "slug", "order", "stale_after_days"]
    list_editable = ["order"]
    prepopulated_fields = {"slug": ["english_name"]}
    search_fields = ["name", "slug"]
    fields = ["name", "english_name", "slug", "order", "stale_after_days"]


@admin.register(Article)
class ArticleAdmin(StaffEditAdmin):
    list_display = ["title", "category", "status_display", "published_at", "view_count", "pinned"]
    list_display_links = ["title"]
    list_filter = ["status", "category", "pinned", "published_at"]
    list_select_related = ["category"]
    search_fields = ["title", "body"]
    date_hierarchy = "published_at"
    readonly_fields = ["view_count", "created_at", "created_by", "updated_at", "updated_by"]
    actions = ["publish", "unpublish", "pin", "unpin"]
    fieldsets = [
        (None, {"fields": ["title", "category", "publisher", "body"]}),
        ("发布", {"fields": ["status", "published_at", "pinned"]}),
        ("摘要与封面", {"fields": ["summary", "cover"], "classes": ["collapse"]}),
        ("记录", {"fields": ["view_count", "created_at", "created_by", "updated_at", "updated_by"]}),
    ]

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        first_category = Category.objects.first()
        if first_category and "category" not in initial:
            initial["category"] = first_category.pk
        return initial

    @admin.display(description="状态", ordering="status")
    def status_display(self, article):
        """草稿, 定时发布（2026年12月1日 09:00） or 已发布: what the public sees now."""
        if article.status == Article.Status.DRAFT:
            return "草稿"
        if article.published_at and article.published_at > timezone.now():
            local = timezone.localtime(article.published_at)
            return f"定时发布（{chinese_date(local)} {local:%H:%M}）"
        return "已发布"

    @admin.action(description="发布所选文章", permissions=["change"])
    def publish(self, request, queryset):
        # save() fills an empty 发布时间 with now and keeps a scheduled one.
        count = save_each(request, queryset, "批量操作：发布", status=Article.Status.PUBLISHED)
        self.message_user(request, f"已发布 {count} 篇文章。", messages.SUCCESS)

    @admin.action(description="撤回所选文章（改为草稿）", permissions=["change"])
    def unpublish(self, request, queryset):
        count = save_each(request, queryset, "批量操作：撤回", status=Article.Status.DRAFT)
        self.message_user(request, f"已撤回 {count} 篇文章。", messages.SUCCESS)

    @admin.action(description="置顶所选文章", permissions=["change"])
    def pin(self, request, queryset):
        count = save_each(request, queryset, "批量操作：置顶", pinned=True)
        self.message_user(request, f"已置顶 {count} 篇文章。", messages.SUCCESS)

    @admin.action(description="取消置顶所选文章", permissions=["change"])
    def unpin(self, request, queryset):
        count = save_each(request, queryset, "批量操作：取消置顶", pinned=False)
        self.message_user(request, f"已取消置顶 {count} 篇文章。", messages.SUCCESS)
