"""Admin behaviour shared by every model staff edit (articles, 栏目, documents, members, site settings).

- ``RecordedByAdminMixin``: fills 创建人/最后修改人 (``created_by``/``updated_by``) on save.
- ``RecordFieldsetAdminMixin``: hides the 记录 fieldset on the add form (a new record has no record yet).
- ``ConcurrentEditAdminMixin`` + ``ConcurrentEditForm``: refuses the save of a form opened before
  someone else saved the same record, listing what changed meanwhile, and keeps what was typed.
- ``HistoryAdminMixin``: django-simple-history's 历史 page with the changes in Chinese, read-only
  (no revert); a save that changes nothing writes no history row and no admin log entry.
- ``save_each()``: what bulk actions call; saves each record (so the version moves on and a
  history row with a Chinese reason is written) instead of a bare ``queryset.update()``.

``StaffEditAdmin`` combines them; a new model that staff edit inherits from ``EditVersioned``
(``hnda_site.models``), declares ``history = HistoricalRecords()`` and registers a ``StaffEditAdmin``.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.contrib.admin.widgets import AdminSplitDateTime
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from richtext.images import ImageFormField
from richtext.text import RichTextField, images_without_alt, mark_images_decorative, sanitize_html

from .changes import chinese_date, describe_changes

EDIT_VERSION = "edit_version"


class SecondsSplitDateTime(AdminSplitDateTime):
    """The admin's date + time inputs, with the time to the second (Chinese locale shows only H:M).

    Without the seconds a re-save of an unchanged form would move 发布时间 and log a change nobody made.
    """

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.widgets[1].format = "%H:%M:%S"

    def decompress(self, value):
        if value:
            value = timezone.localtime(value).replace(microsecond=0)
        return super().decompress(value)


class EditVersionField(forms.IntegerField):
    """The hidden ``edit_version`` the form was opened with; bookkeeping, never a change by itself."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(required=False, min_value=0, **kwargs)

    def has_changed(self, initial, data):
        return False


DECORATIVE_IMAGES = "decorative_images"


class ImageDescriptionsForm(forms.ModelForm):
    """Every picture in a rich-text body has a description (``alt``) or was declared decorative.

    An image without ``alt`` is refused with the list of such images; ticking 装饰性图片 saves
    them with ``alt=""`` (screen readers skip them). No public page shows an image nobody described.
    """

    decorative_images = forms.BooleanField(
        label="正文中没有文字说明的图片是装饰性的",
        required=False,
        help_text="图片有内容（照片、图表、扫描件）时请不要勾选，而是在编辑器中点选图片，"
        "用图片工具栏的「更改替代文本」按钮写一句说明，例如“园区开工仪式现场”。",
    )

    def clean(self):
        cleaned = super().clean()
        for name in self.rich_text_fields():
            if name not in cleaned:
                continue
            value = sanitize_html(cleaned[name])
            missing = images_without_alt(value)
            if not missing:
                continue
            if cleaned.get(DECORATIVE_IMAGES):
                cleaned[name] = mark_images_decorative(value)
                continue
            names = "、".join(src.rsplit("/", 1)[-1] or "（无地址）" for src in missing)
            self.add_error(
                name,
                f"有 {len(missing)} 张图片没有文字说明：{names}。请在编辑器中点选图片，用图片工具栏的"
                "「更改替代文本」按钮写一句说明；如果图片只是装饰，请勾选下面的“正文中没有文字说明的图片是装饰性的”。",
            )
        return cleaned

    def rich_text_fields(self):
        return [field.name for field in self._meta.model._meta.fields if isinstance(field, RichTextField)]


class ConcurrentEditForm(ImageDescriptionsForm):
    """A model form that refuses to save over a change made after it was opened.

    The check runs inside the admin's transaction with the row locked (PostgreSQL; SQLite's
    IMMEDIATE transactions already let one writer in at a time), so two saves cannot both pass.
    When refused, the hidden version moves to the current one: saving again, after reading
    what changed, keeps this form's text (the staff member has then decided).
    """

    edit_version = EditVersionField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.initial.setdefault(EDIT_VERSION, self.instance.edit_version)

    def clean(self):
        cleaned = super().clean()
        opened = cleaned.get(EDIT_VERSION)
        if self.instance.pk is None or opened is None:
            return cleaned
        rows = type(self.instance)._default_manager.filter(pk=self.instance.pk)
        if transaction.get_connection().in_atomic_block:
            rows = rows.select_for_update()
        current = rows.values_list(EDIT_VERSION, flat=True).first()
        if current is not None and current != opened:
            self.data = self.data.copy()
            self.data[self.add_prefix(EDIT_VERSION)] = str(current)
            raise ValidationError(stale_form_messages(self.instance, opened), code="stale")
        return cleaned


def stale_form_messages(instance, opened_version):
    """The lines of the refusal: who saved when, then 字段：打开时的值 → 现在的值 for each change."""
    history = instance.history.all()
    now = history.first()
    opened = history.filter(edit_version=opened_version).first()
    who = ""
    if now is not None:
        local = timezone.localtime(now.history_date)
        who = f"（{now.history_user or '系统'}，{chinese_date(local)} {local:%H:%M}）"
    lines = [f"保存未成功：您打开这个页面之后，有人修改并保存了这条记录{who}。为免覆盖别人的修改，本次没有保存。"]
    changes = describe_changes(opened, now) if opened is not None and now is not None else []
    if changes:
        lines.append("期间的修改（字段：您打开时的值 → 现在的值）：")
        lines += [f"{label}：{old} → {new}" for label, old, new in changes]
    else:
        lines.append("无法逐项列出期间的修改，请在新窗口打开本页查看现在的内容。")
    lines.append("您填写的内容仍在下面的表单中。核对后再次点击“保存”，将以您的内容为准；如要放弃，请重新打开本页。")
    return lines


class RecordedByAdminMixin:
    """Records the staff account that created (``created_by``) and last changed (``updated_by``) a record."""

    def save_model(self, request, obj, form, change):
        if not change and hasattr(obj, "created_by_id"):
            obj.created_by = request.user
        if hasattr(obj, "updated_by_id"):
            obj.updated_by = request.user
        super().save_model(request, obj, form, change)


class RecordFieldsetAdminMixin:
    """Hides the fieldset titled ``record_fieldset`` (创建/修改时间 and who) on the add form."""

    record_fieldset = "记录"

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return [fieldset for fieldset in fieldsets if fieldset[0] != self.record_fieldset]
        return fieldsets


class ConcurrentEditAdminMixin:
    """Puts the hidden ``edit_version`` into the change form (see ``ConcurrentEditForm``)."""

    form = ConcurrentEditForm

    def get_fieldsets(self, request, obj=None):
        fieldsets = with_decorative_images_choice(self.model, super().get_fieldsets(request, obj))
        if obj is None or not self.has_change_permission(request, obj):
            return fieldsets
        (name, options), *rest = fieldsets
        return [(name, {**options, "fields": [*options["fields"], EDIT_VERSION]}), *rest]

    def get_form(self, request, obj=None, change=False, **kwargs):
        # The form declares edit_version and decorative_images itself: they are no model fields; keep them
        # out of ``fields`` (also when Django takes them from the fieldsets: simple-history's page of one old version).
        if "fields" not in kwargs:
            kwargs["fields"] = flatten_fieldsets(self.get_fieldsets(request, obj))
        if kwargs.get("fields") is not None:
            kwargs["fields"] = [name for name in kwargs["fields"] if name not in (EDIT_VERSION, DECORATIVE_IMAGES)]
        return super().get_form(request, obj, change, **kwargs)


def with_decorative_images_choice(model, fieldsets):
    """The 装饰性图片 box after the last rich-text field of the form (see ``ImageDescriptionsForm``)."""
    rich = {field.name for field in model._meta.fields if isinstance(field, RichTextField)}
    last = None
    for index, (_name, options) in enumerate(fieldsets):
        if rich & set(options.get("fields", ())):
            last = index
    if last is None:
        return fieldsets
    fieldsets = list(fieldsets)
    name, options = fieldsets[last]
    fieldsets[last] = (name, {**options, "fields": [*options["fields"], DECORATIVE_IMAGES]})
    return fieldsets


class ChineseHistoryContextHelper(HistoricalRecordContextHelper):
    """simple-history's 历史 page lists changes with our Chinese labels and values."""

    def context_for_delta_changes(self, delta):
        old, new = delta.old_record, delta.new_record
        return [{"field": label, "old": before, "new": after} for label, before, after in describe_changes(old, new)]


class HistoryAdminMixin(SimpleHistoryAdmin):
    """The 历史 page of django-simple-history, read-only, in Chinese; no empty saves or log entries.

    An id in its address that no record can have (``abc``, past the integer column) is a 404: the
    library would pass it to the database as it is.
    """

    def history_view(self, request, object_id, extra_context=None):
        _id_or_404(self.model._meta.pk, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        _id_or_404(self.model._meta.pk, object_id)
        _id_or_404(self.model.history.model._meta.pk, version_id)
        if request.method not in ("GET", "HEAD") and self.revert_disabled(request):
            raise PermissionDenied  # the library would save the old version whatever revert_disabled says
        return super().history_form_view(request, object_id, version_id, extra_context)

    def get_historical_record_context_helper(self, request, historical_record):
        return ChineseHistoryContextHelper(self.model, historical_record)

    def revert_disabled(self, request, obj=None):
        return True  # the trail is a record, not an undo button

    def save_model(self, request, obj, form, change):
        if change and not form.has_changed():
            return  # nothing was changed: no save, so no history row
        super().save_model(request, obj, form, change)

    def log_change(self, request, obj, message):
        if not message:
            return None  # Django would log "没有字段被修改。"
        return super().log_change(request, obj, message)


def _id_or_404(field, value):
    """A 404 unless ``value`` (from an admin address) is a value ``field`` can hold in this database."""
    try:
        field.run_validators(field.to_python(unquote(value)))
    except ValidationError as error:
        raise Http404 from error


class StaffEditAdmin(
    ConcurrentEditAdminMixin, RecordFieldsetAdminMixin, RecordedByAdminMixin, HistoryAdminMixin, admin.ModelAdmin
):
    """The admin of a model staff edit: all of the above, and 发布时间-like fields to the second."""

    formfield_overrides = {
        models.DateTimeField: {"widget": SecondsSplitDateTime},
        models.ImageField: {"form_class": ImageFormField},
    }

    def action_checkbox(self, obj):
        """The list's checkbox of a row, the HTML Django's widget writes, written here: through the form
        renderer's templates the 30 checkboxes took a fifth of the admin's article list (about 6 ms)."""
        label = format_html(gettext("Select this object for an action - {}"), str(obj))
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            ACTION_CHECKBOX_NAME,
            str(obj.pk),
            label,
        )


class ReadOnlyAdminMixin:
    """For a model admin or inline that only shows records: staff never add, change or delete them there."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def save_each(request, queryset, reason, **values):
    """Set ``values`` on each record of ``queryset`` that differs, and save it; returns how many changed.

    Each save moves the record's edit version on (a form opened before is then stale) and writes a
    history row naming the staff account and ``reason`` (e.g. “批量操作：置顶”).
    """
    count = 0
    with transaction.atomic():
        for obj in queryset:
            if all(getattr(obj, name) == value for name, value in values.items()):
                continue
            for name, value in values.items():
                setattr(obj, name, value)
            if hasattr(obj, "updated_by_id"):
                obj.updated_by = request.user
            obj._change_reason = reason
            obj._history_user = request.user
            obj.save()
            count += 1
    return count


def save_each_action(description, reason, done, **values):
    """An admin action that sets ``values`` on the selected records with :func:`save_each`.

    ``done`` is the message afterwards, with ``{count}`` for how many changed (e.g. "已置顶 {count} 篇文章。").
    Needs the change permission.
    """

    @admin.action(description=description, permissions=["change"])
    def action(modeladmin, request, queryset):
        count = save_each(request, queryset, reason, **values)
        modeladmin.message_user(request, done.format(count=count), messages.SUCCESS)

    return action
