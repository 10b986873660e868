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

from .richtext import RichTextField, html_to_text

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
    """[(label, old, new), …] between two historical records of the same object, in field order."""
    delta = new_record.diff_against(old_record, foreign_keys_are_objs=True)
    changed = {change.field: change for change in delta.changes}
    rows = []
    for field in new_record.instance_type._meta.concrete_fields:
        change = changed.get(field.attname) or changed.get(field.name)
        if change is None or field.name in IGNORED_FIELDS:
            continue
        label = capfirst(field.verbose_name)
        rows.append((label, display_value(field, change.old), display_value(field, change.new)))
    return rows
