"""Template lines stay readable (issue 26, item 15): long translated sentences use
``{% blocktranslate trimmed %}`` over several lines, which keeps the same catalogue entry."""

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
LIMIT = 160
TRANSLATED_TEMPLATES = [
    "association/templates/association/compare.html",
    "association/templates/association/history.html",
    "association/templates/association/document_detail.html",
    "association/templates/association/includes/version_notices.html",
]


@pytest.mark.parametrize("path", TRANSLATED_TEMPLATES)
def test_template_lines_are_under_the_limit(path):
    lines = (REPO / path).read_text().splitlines()
    long = [(number, len(line)) for number, line in enumerate(lines, start=1) if len(line) >= LIMIT]
    assert not long, f"{path}: lines of {LIMIT} characters or more: {long}"
