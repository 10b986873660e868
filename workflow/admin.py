from django import forms
from django.contrib import admin, messages
from django.contrib.contenttypes.models import ContentType
from django.db.models import OuterRef, Subquery
from django.http import Http404, HttpResponseRedirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from editorial.admin_mixins import ReadOnlyAdminMixin, StaffEditAdmin
from hnda_site.numbers import parse_digits

from . import services, views
from .content import adapter_for
from .expressions import check_expressions
from .models import CategoryAssignment, DocumentAssignment, Expression, Review, Step, Workflow


class StepInline(admin.TabularInline):
    model = Step
    fields = ["order", "name", "group"]
    extra = 0
    min_num = 1
    verbose_name_plural = "审核步骤（按顺序审核；最后一步通过即发布或按定时发布）"


class CategoryAssignmentInline(admin.TabularInline):
    model = CategoryAssignment
    extra = 0


class DocumentAssignmentInline(admin.TabularInline):
    model = DocumentAssignment
    extra = 0


@admin.register(Workflow)
class WorkflowAdmin(StaffEditAdmin):
    list_display = ["name", "enabled", "steps_display"]
    list_editable = ["enabled"]
    fields = ["name", "enabled"]
    inlines = [StepInline, CategoryAssignmentInline, DocumentAssignmentInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("steps__group")

    @admin.display(description="步骤")
    def steps_display(self, workflow):
        return " → ".join(f"{step.name}（{step.group.name}）" for step in workflow.steps.all())


@admin.register(Expression)
class ExpressionAdmin(admin.ModelAdmin):
    list_display = ["term", "kind", "suggestion", "note", "active"]
    list_editable = ["kind", "suggestion", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["term", "suggestion", "note"]

    def get_urls(self):
        check = self.admin_site.admin_view(views.ExpressionCheckView.as_view(model_admin=self))
        return [path("check/", check, name="workflow_expression_check"), *super().get_urls()]


class DecisionForm(forms.Form):
    comment = forms.CharField(
        label="意见", required=False, widget=forms.Textarea(attrs={"rows": 3, "cols": 60}), max_length=2000
    )


class WaitingForMeFilter(admin.SimpleListFilter):
    title = "审核人"
    parameter_name = "mine"

    def lookups(self, request, model_admin):
        return [("1", "待我审核")]

    def queryset(self, request, queryset):
        return queryset.waiting_for(request.user) if self.value() == "1" else queryset


@admin.register(Review)
class ReviewAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """信息发布审核单: the list of reviews, with approve / return of several at once."""

    list_display = ["title", "section", "state_display", "writer", "submitted_at", "published_by", "published_at"]
    list_filter = [WaitingForMeFilter, "status", "workflow_name", "submitted_at"]
    list_select_related = ["current_step", "writer", "published_by"]
    search_fields = ["title", "section"]
    date_hierarchy = "submitted_at"
    actions = ["approve_selected", "return_selected"]

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "item/<int:content_type_id>/<int:object_id>/",
                wrap(views.ItemReviewView.as_view()),
                name="workflow_review_item",
            ),
            path("<int:pk>/sheet/", wrap(views.ReviewSheetView.as_view()), name="workflow_review_sheet"),
            path("export/", wrap(views.ReviewExportView.as_view()), name="workflow_review_export"),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # A review is read on its 审核单; an id no review can have is a 404 (hnda_site.numbers).
        number = parse_digits(str(object_id))
        if number is None or not Review.objects.filter(pk=number).exists():
            raise Http404
        return HttpResponseRedirect(reverse("admin:workflow_review_sheet", args=[number]))

    @admin.display(description="状态", ordering="status")
    def state_display(self, review):
        url = reverse("admin:workflow_review_item", args=[review.content_type_id, review.object_id])
        return format_html('<a href="{}">{}</a>', url, review.state_label)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if (
            not request.user.is_superuser
            and not request.user.groups.filter(pk__in=Step.objects.values("group_id")).exists()
        ):
            actions.pop("approve_selected", None)
            actions.pop("return_selected", None)
        return actions

    @admin.action(description="通过所选（待我审核的）")
    def approve_selected(self, request, queryset):
        return self._decide_selected(request, queryset, approve=True)

    @admin.action(description="退回修改所选（须填写意见）")
    def return_selected(self, request, queryset):
        return self._decide_selected(request, queryset, approve=False)

    def _decide_selected(self, request, queryset, approve):
        reviews = list(queryset.select_related("current_step__group").order_by("submitted_at", "id"))
        form = DecisionForm(request.POST if "confirm" in request.POST else None)
        if "confirm" in request.POST and form.is_valid():
            steps = dict(pair.split(":", 1) for pair in request.POST.getlist("seen_step") if pair.count(":") == 1)
            done = 0
            for review in reviews:
                seen = steps.get(str(review.pk), "")
                try:
                    services.decide(
                        review.pk,
                        request.user,
                        approve,
                        form.cleaned_data["comment"],
                        step_id=int(seen) if seen.isdigit() else -1,
                    )
                except services.WorkflowError as error:
                    self.message_user(request, f"“{review.title}”：{error}", messages.ERROR)
                else:
                    done += 1
            if done:
                verb = "通过" if approve else "退回"
                self.message_user(request, f"已{verb} {done} 项。", messages.SUCCESS)
            return None
        return TemplateResponse(
            request,
            "admin/workflow/confirm_decision.html",
            {
                **self.admin_site.each_context(request),
                "title": "通过所选内容" if approve else "退回修改所选内容",
                "approve": approve,
                "reviews": reviews,
                "form": form,
                "action": "approve_selected" if approve else "return_selected",
                "opts": self.model._meta,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )


class ReviewableAdminMixin:
    """For the admin of reviewed content (articles, document versions): the 审核 column and field,
    送审 as a list action, and the publishing rules as form errors (the model refuses anyway)."""

    review_field = "review_state"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        open_reviews = Review.objects.filter(
            content_type=ContentType.objects.get_for_model(self.model), object_id=OuterRef("pk")
        ).order_by("-submitted_at", "-id")  # the latest review: open, returned or approved
        return queryset.annotate(
            open_review_status=Subquery(open_reviews.values("status")[:1]),
            open_review_step=Subquery(open_reviews.values("step_number")[:1]),
            open_review_step_name=Subquery(open_reviews.values("current_step__name")[:1]),
        )

    def get_list_display(self, request):
        return [*super().get_list_display(request), "review_column"]

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), self.review_field]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and self.adapter_is_published(obj):
            fields = [self.review_field]
        elif obj is None:
            fields = ["submit_for_review"]
        else:
            fields = [self.review_field, "submit_for_review"]
        if obj is not None and self.review_field not in self.get_readonly_fields(request, obj):
            return fieldsets
        return [("发布审核", {"fields": fields}), *fieldsets]

    @staticmethod
    def adapter_is_published(obj):
        return adapter_for(obj).is_published(obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions["submit_for_review"] = self.get_action("submit_for_review")
        return actions

    @admin.display(description="审核")
    def review_column(self, obj):
        status = getattr(obj, "open_review_status", None)
        if status == Review.Status.IN_REVIEW:
            return f"待审（第 {obj.open_review_step} 步：{obj.open_review_step_name or ''}）"
        if status == Review.Status.RETURNED:
            return "退回修改"
        if status == Review.Status.APPROVED:
            return "已通过"
        return "—"

    @admin.display(description="审核状态")
    def review_state(self, obj):
        url = reverse("admin:workflow_review_item", args=[ContentType.objects.get_for_model(obj).pk, obj.pk])
        review = Review.objects.for_item(obj).select_related("current_step").first()
        state = review.state_label if review else "未送审"
        hits = check_expressions(adapter_for(obj).texts(obj))
        return format_html(
            '{}　<a href="{}">审核页面（预览、修改对比、送审、审核）</a>{}',
            state,
            url,
            render_to_string("workflow/hits.html", {"hits": hits}),
        )

    @admin.action(description="送审所选内容", permissions=["change"])
    def submit_for_review(self, request, queryset):
        done = 0
        for item in queryset:
            try:
                services.submit(item, request.user)
            except services.WorkflowError as error:
                self.message_user(request, f"“{item}”未送审：{error}", messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(request, f"已送审 {done} 项。", messages.SUCCESS)

    def get_form(self, request, obj=None, change=False, **kwargs):
        user = request.user

        class ReviewedForm(kwargs.get("form", self.form)):
            submit_for_review = forms.BooleanField(
                label="保存后送审",
                required=False,
                help_text="本栏目（或本文件）启用了审核流程时，勾选后保存的同时送审，由第 1 步的审核人审核。",
            )

            def _post_clean(self):
                super()._post_clean()
                refusal = services.publish_refusal(self.instance, user)
                if refusal:
                    self.add_error(None, refusal)

        ReviewedForm.__name__ = self.form.__name__
        return super().get_form(request, obj, change, **{**kwargs, "form": ReviewedForm})

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if form.cleaned_data.get("submit_for_review"):
            try:
                services.submit(obj, request.user)
            except services.WorkflowError as error:
                self.message_user(request, f"已保存，但未送审：{error}", messages.WARNING)
            else:
                self.message_user(request, "已保存并送审。", messages.SUCCESS)

    def response_action(self, request, queryset):
        try:
            return super().response_action(request, queryset)
        except services.PublishingRefused as refusal:
            self.message_user(request, f"操作未完成：{refusal}", messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())
