"""Content-Security-Policy and Permissions-Policy on every kind of page."""

import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from members.models import Member
from news.models import Article

REPO = Path(__file__).resolve().parent.parent.parent
PUBLIC_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}

pytestmark = pytest.mark.django_db


def directives(response, header="Content-Security-Policy"):
    """The policy as a dict (django-csp writes the directives in no fixed order)."""
    return {part.split()[0]: part.split()[1:] for part in response[header].split("; ")}


def public_pages():
    article = Article.objects.published().first()
    member = Member.objects.active().first()
    return {
        "home": "/",
        "news list": "/news/",
        "category": "/news/park-express/",
        "article": article.get_absolute_url(),
        "document": "/about/charter/",
        "history": "/about/charter/history/",
        "old version": "/about/charter/v1/",
        "compare": "/about/charter/compare/1/1/",
        "members list": "/members/",
        "member": member.get_absolute_url(),
        "search": "/search/?q=高新区",
        "404": "/no-such-page/",
    }


def test_every_public_page_has_the_same_strict_policy_for_every_visitor(client, seeded):
    """One header for everyone (pages are served from a shared cache): no nonce, nothing unsafe."""
    for name, url in public_pages().items():
        first, second = client.get(url), Client().get(url)
        assert first.status_code in (200, 404), name
        assert directives(first) == PUBLIC_POLICY, name
        assert second["Content-Security-Policy"] == first["Content-Security-Policy"], name
        assert "Content-Security-Policy-Report-Only" not in first, name


def test_public_pages_carry_no_nonce_and_no_inline_script_or_style(client, seeded):
    for name, url in public_pages().items():
        content = client.get(url).content.decode()
        assert "nonce" not in content, name
        assert "<style" not in content and ' style="' not in content, name
        assert "<script>" not in content, name


def test_permissions_policy_turns_off_devices_and_payments(client, seeded):
    policy = client.get("/")["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in policy


def test_admin_pages_keep_scripts_and_style_elements_to_self(staff_client, seeded):
    for url in ("/admin/", "/admin/news/article/", "/admin/members/member/import/", "/admin/login/"):
        policy = directives(staff_client.get(url))
        assert policy["script-src"][0] == "'self'", url
        assert "'unsafe-inline'" not in policy["script-src"] + policy["style-src"], url
        assert "style-src-elem" not in policy, url
        assert policy["frame-ancestors"] == ["'none'"] and policy["object-src"] == ["'none'"], url


def test_admin_allows_only_the_import_preview_style_attributes_by_hash(staff_client, seeded):
    policy = directives(staff_client.get("/admin/members/member/import/"))
    assert policy["style-src-attr"][0] == "'unsafe-hashes'"
    assert len(policy["style-src-attr"]) == 3
    assert all(source.startswith("'sha256-") for source in policy["style-src-attr"][1:])


@pytest.mark.parametrize("url", ["/admin/news/article/add/", "/admin/association/document/"])
def test_only_editor_pages_allow_inline_styles(staff_client, seeded, url):
    """CKEditor 5 writes <style> elements and style attributes (security/hooks.py says why)."""
    policy = directives(staff_client.get(url))
    shows_editor = "/add/" in url
    assert ("'unsafe-inline'" in policy.get("style-src-elem", [])) is shows_editor
    assert policy["script-src"] == ["'self'"]


def test_editor_page_of_an_existing_article(staff_client, seeded):
    article = Article.objects.first()
    policy = directives(staff_client.get(f"/admin/news/article/{article.pk}/change/"))
    assert policy["style-src-elem"] == ["'self'", "'unsafe-inline'"]
    assert policy["style-src-attr"] == ["'unsafe-inline'"]


def test_report_only_switch_reports_instead_of_blocking():
    """CSP_REPORT_ONLY=true moves the same policy to the Report-Only header, for a rollout."""
    code = (
        "from django.conf import settings as s; "
        "print(s.CONTENT_SECURITY_POLICY is None, "
        "s.CONTENT_SECURITY_POLICY_REPORT_ONLY['DIRECTIVES']['object-src'])"
    )
    result = subprocess.run(  # noqa: S603 - our own settings
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=REPO,
        env={"DJANGO_SETTINGS_MODULE": "hnda_site.settings", "DEBUG": "true", "CSP_REPORT_ONLY": "true", "PATH": ""},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.split() == ["True", "[\"'none'\"]"], result.stderr


def test_report_only_header_when_switched_on(client, seeded, settings):
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = settings.CONTENT_SECURITY_POLICY
    settings.CONTENT_SECURITY_POLICY = None
    response = client.get("/")
    assert "Content-Security-Policy" not in response
    assert directives(response, "Content-Security-Policy-Report-Only") == PUBLIC_POLICY


def test_home_page_headers_score_at_least_90_by_the_observatory_rules(client, seeded, settings):
    """Mozilla HTTP Observatory's header rules (httpobs/docs/scoring.md), for an HTTPS request in production."""
    settings.SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
    response = client.get("/", secure=True)
    policy = directives(response)
    score = 100
    assert "'unsafe-inline'" not in policy["script-src"] + policy["style-src"]
    assert "'unsafe-eval'" not in policy["script-src"]
    score += 5  # csp-implemented-with-no-unsafe (default-src 'none' would be +10)
    assert int(response["Strict-Transport-Security"].split("max-age=")[1].split(";")[0]) >= 15768000
    score += 0  # hsts-implemented-max-age-at-least-six-months (missing: -20)
    assert response["X-Content-Type-Options"] == "nosniff"  # missing: -5
    assert policy["frame-ancestors"] == ["'none'"]
    score += 5  # x-frame-options-implemented-via-csp (missing altogether: -20)
    private_referrers = {"no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin"}
    assert response["Referrer-Policy"] in private_referrers
    score += 5  # referrer-policy-private
    assert "Access-Control-Allow-Origin" not in response  # CORS not implemented: 0
    assert not response.cookies  # cookies-not-found: 0 (the home page sets none)
    assert score >= 90


def test_admin_change_list_nonces_its_inline_style(staff_client, seeded, monkeypatch):
    """Django writes a <style> when a ModelAdmin turns both action bars off: it gets the page's nonce."""
    from news.admin import CategoryAdmin

    monkeypatch.setattr(CategoryAdmin, "actions_on_top", False)
    monkeypatch.setattr(CategoryAdmin, "actions_on_bottom", False)
    response = staff_client.get("/admin/news/category/")
    nonce = response.content.decode().split('<style nonce="')[1].split('"')[0]
    assert f"'nonce-{nonce}'" in directives(response)["style-src"]
    assert "<style>" not in response.content.decode()


def test_admin_pages_without_inline_elements_carry_no_nonce(staff_client, seeded):
    assert "'nonce-" not in staff_client.get("/admin/news/category/")["Content-Security-Policy"]
