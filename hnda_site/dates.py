"""Dates that staff or an import may enter are kept within sense.

A typo such as 0001-01-01 or 20201-12-18 is refused with a Chinese message by
each field's validator (so by the admin form and the member import), and a
database constraint on the same range keeps any other path (the shell, a
script) from storing it: PostgreSQL would keep 0001-01-01 in Beijing as a BC
timestamp that psycopg cannot read, and every page listing the row would fail.
"""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.deconstruct import deconstructible

EARLIEST = date(1949, 1, 1)
LATEST = date(2100, 12, 31)


def chinese_date(day):
    """2020年12月18日"""
    return f"{day.year}年{day.month}月{day.day}日"


def day_of(value):
    """The calendar day of a date or datetime (a datetime's own day: a few hours do not matter here)."""
    return value.date() if isinstance(value, datetime) else value


def years_after(day, years):
    """The same day ``years`` later (28 February for 29 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


@deconstructible
class PlausibleDateValidator:
    """Refuse a date before 1949-01-01 or after 2100-12-31, or more than ``years_ahead`` years from today."""

    def __init__(self, years_ahead=None):
        self.years_ahead = years_ahead

    def __call__(self, value):
        if value is None:
            return
        day = day_of(value)
        latest = LATEST
        if self.years_ahead is not None:
            latest = min(latest, years_after(timezone.localdate(), self.years_ahead))
        if EARLIEST <= day <= latest:
            return
        if self.years_ahead is not None and day > latest:
            message = "日期不能晚于%(latest)s（今天起%(years)s年内），填写的是%(value)s，请检查年份。"
        else:
            message = "日期应在%(earliest)s至%(latest)s之间，填写的是%(value)s，请检查年份。"
        raise ValidationError(
            message,
            code="implausible_date",
            params={
                "earliest": chinese_date(EARLIEST),
                "latest": chinese_date(latest),
                "years": self.years_ahead,
                "value": chinese_date(day),
            },
        )

    def __eq__(self, other):
        return isinstance(other, PlausibleDateValidator) and self.years_ahead == other.years_ahead


def plausible_range(field_name, with_time=False):
    """The database constraint's condition: the field is empty or within EARLIEST…LATEST (Beijing time)."""
    if with_time:
        zone = ZoneInfo(settings.TIME_ZONE)
        bounds = (datetime.combine(EARLIEST, time.min, zone), datetime.combine(LATEST, time.max, zone))
    else:
        bounds = (EARLIEST, LATEST)
    return Q(**{f"{field_name}__isnull": True}) | Q(**{f"{field_name}__range": bounds})
