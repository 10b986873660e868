from django.contrib import admin, messages
from django.utils import timezone

from . import viewcounter
from .models import Article, Category


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "english_name", "slug", "order"]
    list_editable = ["order"]
    prepopulated_fields = {"slug": ["english_name"]}
    search_fields = ["name", "slug"]


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "category", "status", "published_at", "view_count", "pinned"]
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

    def changelist_view(self, request, extra_context=None):
        viewcounter.flush()  # staff see every view so far, not only those flushed already
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        viewcounter.flush()
        return super().change_view(request, object_id, form_url, extra_context)

    def get_fieldsets(self, request, obj=None):
        # A new article has no record yet: show that part only when editing.
        return self.fieldsets if obj else self.fieldsets[:-1]

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        first_category = Category.objects.first()
        if first_category and "category" not in initial:
            initial["category"] = first_category.pk
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

    @admin.action(description="取消置顶所选文章", permissions=["change"])
    def unpin(self, request, queryset):
        count = queryset.update(pinned=False, updated_at=timezone.now())
        self.message_user(request, f"已取消置顶 {count} 篇文章。", messages.SUCCESS)
