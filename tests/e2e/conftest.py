"""Browser tests: Playwright (sync API) driving Debian's Chromium against pytest-django's live_server.

No pytest-playwright: the fixtures below are all there is. Every page is routed so that
a request to another host is aborted and fails the test, and so does an uncaught JS error.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest

E2E_DIR = Path(__file__).resolve().parent
REPO_DIR = E2E_DIR.parent.parent
SCREENSHOT_DIR = REPO_DIR / "screenshots"
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
INSTALL_HINT = "apt-get update && apt-get install -y chromium fonts-noto-cjk"

# Reports every Content-Security-Policy violation (blocked or report-only) to the console.
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI || "inline"} `
    + `at ${event.sourceFile}:${event.lineNumber} (${event.sample})`);
});
"""

ADMIN_USERNAME = "editor"
ADMIN_PASSWORD = "e2e-Secret-pass-42"


def pytest_collection_modifyitems(config, items):
    for item in items:
        if E2E_DIR in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.e2e)


def _unavailable(message):
    if os.environ.get("E2E_REQUIRED") == "1":
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="package")
def browser():
    """One Chromium for all the browser tests.

    Package scope, not session: while Playwright's sync API is started, an asyncio loop
    counts as running in this thread, so every ORM call made here (by these tests, and
    by any test collected after them) would raise SynchronousOnlyOperation. Hence
    DJANGO_ALLOW_ASYNC_UNSAFE is set exactly as long as Playwright runs, and both end
    with the last test of this folder: the variable must not leak into the rest of the
    session (``manage.py check --deploy`` in a subprocess rejects it).
    """
    executable = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    if not Path(executable).is_file():
        _unavailable(f"Chromium not found at {executable}; install it with: {INSTALL_HINT}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed; run: make install-dev")
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        if previous is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def new_context(browser, live_server, transactional_db):
    """Factory for browser contexts on the live server, each a separate visitor.

    Every request to a host other than 127.0.0.1/localhost is aborted and recorded;
    uncaught page errors and Content-Security-Policy violations are recorded; all fail
    the test at teardown.
    """
    contexts = []
    foreign_requests = []
    page_errors = []
    csp_violations = []

    def watch(page):
        page.on("pageerror", lambda error: page_errors.append(f"{page.url}: {error}"))
        page.on(
            "console",
            lambda message: (
                csp_violations.append(f"{page.url}: {message.text}")
                if "CSP violation" in message.text or "Content Security Policy" in message.text
                else None
            ),
        )

    def route(route):
        host = urlsplit(route.request.url).hostname
        if route.request.url.startswith(("data:", "blob:")) or host in LOCAL_HOSTS:
            route.continue_()
        else:
            foreign_requests.append(route.request.url)
            route.abort()

    def make(width=1280, height=900, **options):
        context = browser.new_context(
            base_url=live_server.url,
            viewport={"width": width, "height": height},
            locale="zh-CN",
            **options,
        )
        context.set_default_timeout(10_000)
        context.route("**/*", route)
        context.add_init_script(REPORT_CSP_VIOLATIONS)
        context.on("page", watch)
        contexts.append(context)
        return context

    yield make

    for context in contexts:
        context.close()
    assert not foreign_requests, f"the site requested other hosts: {foreign_requests}"
    assert not page_errors, f"uncaught JavaScript errors: {page_errors}"
    assert not csp_violations, f"Content-Security-Policy violations: {csp_violations}"


@pytest.fixture
def page(new_context):
    """A page in a fresh browser context (1280x900, zh-CN) on the live server."""
    return new_context().new_page()


@pytest.fixture
def screenshot():
    """``screenshot(page, name)`` saves a full-page PNG as <repo>/screenshots/<name>.png."""
    SCREENSHOT_DIR.mkdir(exist_ok=True)

    def take(page, name):
        path = SCREENSHOT_DIR / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def staff_user(transactional_db):
    from django.contrib.auth.models import User

    return User.objects.create_superuser(ADMIN_USERNAME, "editor@example.com", ADMIN_PASSWORD)


@pytest.fixture
def admin_login(staff_user):
    """``admin_login(page)`` logs the staff user in through the real /admin/login/ form."""

    def login(page):
        page.goto("/admin/login/")
        page.fill("input[name=username]", ADMIN_USERNAME)
        page.fill("input[name=password]", ADMIN_PASSWORD)
        with page.expect_navigation():
            page.click("input[type=submit]")
        assert "/admin/login/" not in page.url, "admin login failed"
        return staff_user

    return login
