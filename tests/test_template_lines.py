"""Template lines stay readable (issue 26, item 15): every line of every HTML file of the project's
own is shorter than LIMIT characters: the Django templates in templates/ and in each app's
templates/ folder, and nginx's static error page in deploy/. Long translated sentences use
``{% blocktranslate trimmed %}`` over several lines, which keeps the same catalogue entry; long tags
put their attributes on several lines.

The files are found by walking the repository, so a new template is checked too. Installed and
collected files (.venv, node_modules, static/, staticfiles/, vendor/) and the pasted Word HTML of
the browser tests' fixtures (tests/e2e/fixtures) are not the project's templates and are skipped."""

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
LIMIT = 160
SKIPPED_DIRECTORIES = {".git", ".venv", "node_modules", "static", "staticfiles", "vendor"}
SKIPPED_PATHS = [Path("tests/e2e/fixtures")]


def templates(directory=REPO):
    """The HTML files under ``directory``, relative to the repository, without descending into
    the skipped directories."""
    found = []
    for path in directory.iterdir():
        relative = path.relative_to(REPO)
        if path.is_dir():
            if path.name not in SKIPPED_DIRECTORIES and relative not in SKIPPED_PATHS:
                found.extend(templates(path))
        elif path.suffix == ".html":
            found.append(relative.as_posix())
    return sorted(found)


TEMPLATES = templates()


def test_the_templates_are_found():
    assert "templates/base.html" in TEMPLATES
    assert "templates/partials/footer.html" in TEMPLATES
    assert "association/templates/association/compare.html" in TEMPLATES
    assert "members/templates/members/member_list.html" in TEMPLATES
    assert not [path for path in TEMPLATES if path.startswith(("static/", "tests/e2e/fixtures/"))]


@pytest.mark.parametrize("path", TEMPLATES)
def test_template_lines_are_under_the_limit(path):
    lines = (REPO / path).read_text(encoding="utf-8").splitlines()
    long = [(number, len(line)) for number, line in enumerate(lines, start=1) if len(line) >= LIMIT]
    assert not long, f"{path}: lines of {LIMIT} characters or more: {long}"
