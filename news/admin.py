from django.contrib import admin, messages
from django.utils import timezone

from hnda_site.models import SiteSettings

from .models import Article, Category

NAV_AND_HOME_FIELDS = ["order", "show_in_nav", "show_on_home", "home_position", "home_count"]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "english_name", "slug", *NAV_AND_HOME_FIELDS]
    list_editable = NAV_AND_HOME_FIELDS
    fieldsets = [
        (None, {"fields": ["name", "english_name", "slug"]}),
        ("主导航", {"fields": ["show_in_nav", "order"]}),
        ("首页", {"fields": ["show_on_home", "home_position", "home_count"]}),
    ]
    prepopulated_fields = {"slug": ["english_name"]}
    search_fields = ["name", "slug"]


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "category", "status", "published_at", "view_count", "pinned", "featured"]
    list_display_links = ["title"]
    list_filter = ["status", "category", "pinned", "featured", "published_at"]
    list_select_related = ["category"]
    search_fields = ["title", "body"]
    date_hierarchy = "published_at"
    readonly_fields = ["view_count", "created_at", "created_by", "updated_at", "updated_by"]
    actions = ["publish", "unpublish", "pin", "unpin", "feature", "unfeature"]
    fieldsets = [
        (None, {"fields": ["title", "category", "publisher", "body"]}),
        ("发布", {"fields": ["status", "published_at", "pinned"]}),
        ("封面与焦点图", {"fields": ["cover", "featured"]}),
        ("摘要", {"fields": ["summary"], "classes": ["collapse"]}),
        ("记录", {"fields": ["view_count", "created_at", "created_by", "updated_at", "updated_by"]}),
    ]

    def get_fieldsets(self, request, obj=None):
        # A new article has no record yet: show that part only when editing.
        return self.fieldsets if obj else self.fieldsets[:-1]

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        default_category = SiteSettings.load().default_category_id
        if default_category and "category" not in initial:
            initial["category"] = default_category
        return initial

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)

    @admin.action(description="发布所选文章", permissions=["change"])
    def publish(self, request, queryset):
        count = 0
        for article in queryset.exclude(status=Article.Status.PUBLISHED):
            # save() fills an empty 发布时间 with now and keeps a scheduled one.
            article.status = Article.Status.PUBLISHED
            article.updated_by = request.user
            article.save()
            count += 1
        self.message_user(request, f"已发布 {count} 篇文章。", messages.SUCCESS)

    @admin.action(description="撤回所选文章（改为草稿）", permissions=["change"])
    def unpublish(self, request, queryset):
        count = queryset.update(status=Article.Status.DRAFT, updated_by=request.user, updated_at=timezone.now())
        self.message_user(request, f"已撤回 {count} 篇文章。", messages.SUCCESS)

    @admin.action(description="置顶所选文章", permissions=["change"])
    def pin(self, request, queryset):
        count = queryset.update(pinned=True, updated_at=timezone.now())
        self.message_user(request, f"已置顶 {count} 篇文章。", messages.SUCCESS)

    @admin.action(description="将所选文章设为焦点图", permissions=["change"])
    def feature(self, request, queryset):
        without_cover = queryset.filter(cover="").count()
        count = queryset.exclude(cover="").update(featured=True, updated_at=timezone.now())
        self.message_user(request, f"已将 {count} 篇文章设为焦点图。", messages.SUCCESS)
        if without_cover:
            self.message_user(
                request, f"有 {without_cover} 篇文章没有封面图片，未设为焦点图；请先上传封面图片。", messages.WARNING
            )

    @admin.action(description="取消所选文章的焦点图", permissions=["change"])
    def unfeature(self, request, queryset):
        count = queryset.update(featured=False, updated_at=timezone.now())
        self.message_user(request, f"已取消 {count} 篇文章的焦点图。", messages.SUCCESS)

    @admin.action(description="取消置顶所选文章", permissions=["change"])
    def unpin(self, request, queryset):
        count = queryset.update(pinned=False, updated_at=timezone.now())
        self.message_user(request, f"已取消置顶 {count} 篇文章。", messages.SUCCESS)
