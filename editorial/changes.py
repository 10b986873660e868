"""What changed between two history records, field by field, in words staff read.

django-simple-history stores a full copy of a record at every save; ``diff_against`` names the
fields that differ. This module turns those into (字段名, 原来的值, 现在的值) in Chinese: choice
labels instead of codes, 是/否, dates as 2020年12月18日, rich text as plain text. The audit
listing (操作记录), the admin's 历史 page and the stale-form message all use it.
"""

from datetime import date, datetime

from django.db import models
from django.utils import timezone
from django.utils.text import Truncator, capfirst

from richtext.text import RichTextField, html_to_text

# Bookkeeping, not content: never listed as a change.
IGNORED_FIELDS = {"edit_version", "updated_at", "updated_by", "view_count"}
EMPTY = "（空）"
MAX_CHARS = 80


def display_value(field, value):
    """``value`` of model ``field`` as a short Chinese text."""
    if value is None or value == "":
        return EMPTY
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.BooleanField):
        return "是" if value else "否"
    if isinstance(value, datetime):
        local = timezone.localtime(value)
        return f"{chinese_date(local)} {local:%H:%M:%S}"
    if isinstance(value, date):
        return chinese_date(value)
    if isinstance(field, RichTextField):
        value = html_to_text(value)
    if isinstance(field, models.FileField):
        value = getattr(value, "name", value)
    return Truncator(" ".join(str(value).split())).chars(MAX_CHARS) or EMPTY


def chinese_date(day):
    """2020年12月18日."""
    return f"{day.year}年{day.month}月{day.day}日"


def describe_changes(old_record, new_record):
    """[(label, old, new), …] between two historical records of the same object, in field order.

    Compared here rather than with simple-history's ``diff_against``, which skips fields that are
    not editable in forms (the 状态 a document version gets by publishing, 创建人…).
    """
    rows = []
    for field in new_record.tracked_fields:
        if field.name in IGNORED_FIELDS:
            continue
        before, after = getattr(old_record, field.attname), getattr(new_record, field.attname)
        if before == after:
            continue
        if field.is_relation:
            before = _related(old_record, field) if before is not None else None
            after = _related(new_record, field) if after is not None else None
        old, new = display_value(field, before), display_value(field, after)
        if old != new:  # e.g. only the microseconds of a time, which nobody sees
            rows.append((str(capfirst(field.verbose_name)), old, new))
    return rows


def _related(record, field):
    """The related object's name, or “已删除（编号 N）” when it is gone."""
    try:
        return getattr(record, field.name)
    except field.related_model.DoesNotExist:
        return f"已删除（编号 {getattr(record, field.attname)}）"
