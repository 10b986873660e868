"""Whole numbers read from URLs, query strings and spreadsheets: ASCII digits, at most nine of them.

Nine digits always fit the database's integer columns, so a longer number is refused (a 404
for a URL) instead of failing in the database.
"""

import re

DIGITS = "[0-9]{1,9}"
_DIGITS = re.compile(DIGITS)


def parse_digits(value):
    """The number ``value`` writes in digits (``"12"`` → 12), or None for anything else."""
    return int(value) if isinstance(value, str) and _DIGITS.fullmatch(value) else None
