"""Honest errors: a 503 with Retry-After when the database is out; a 500 that promises only what happens."""

import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.db import InterfaceError, OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def database_down(django_db_blocker):
    """Every query fails as it does when the server refuses connections."""
    refused = OperationalError('connection to server at "127.0.0.1", port 1 failed: Connection refused')
    with django_db_blocker.unblock(), mock.patch.object(BaseDatabaseWrapper, "ensure_connection", side_effect=refused):
        yield


@pytest.mark.parametrize("url", ["/", "/news/", "/members/", "/about/charter/", "/search/?q=园区"])
def test_database_outage_is_a_chinese_503_with_retry_after(database_down, url):
    response = Client(raise_request_exception=False).get(url)
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    content = response.content.decode()
    assert "网站暂时无法访问" in content and "错误代码 503" in content


def test_database_outage_in_the_admin_is_a_503(database_down):
    """Staff carry a session cookie: loading the session is the first query that fails."""
    client = Client(raise_request_exception=False)
    client.cookies["sessionid"] = "a-session-key-of-a-logged-in-staff-member"
    response = client.get("/admin/news/article/")
    assert response.status_code == 503
    assert "网站暂时无法访问" in response.content.decode()
    login = Client(raise_request_exception=False).post("/admin/login/", {"username": "a", "password": "b"})
    assert login.status_code == 503


def test_lost_connection_is_a_503_too(django_db_blocker):
    closed = InterfaceError("connection already closed")
    with django_db_blocker.unblock(), mock.patch.object(BaseDatabaseWrapper, "ensure_connection", side_effect=closed):
        response = Client(raise_request_exception=False).get("/news/")
    assert response.status_code == 503


def test_other_errors_are_a_500_without_promises_when_nobody_is_notified(settings, db):
    settings.ADMINS = []
    with mock.patch("hnda_site.views.HomeView.get_context_data", side_effect=ValueError("bug")):
        response = Client(raise_request_exception=False).get("/")
    assert response.status_code == 500
    assert "Retry-After" not in response
    content = response.content.decode()
    assert "服务器出错" in content
    assert "技术人员已收到通知" not in content


def test_500_page_says_technicians_were_notified_when_they_are(settings, db, mailoutbox):
    settings.ADMINS = [("管理员", "ops@example.com")]
    with mock.patch("hnda_site.views.HomeView.get_context_data", side_effect=ValueError("bug")):
        response = Client(raise_request_exception=False).get("/")
    assert response.status_code == 500
    assert "技术人员已收到通知" in response.content.decode()
    assert [message.to for message in mailoutbox] == [["ops@example.com"]]


def test_database_server_that_refuses_connections_is_a_503():
    """No mock: the site pointed at a closed port, as when PostgreSQL is down."""
    code = (
        "import django; django.setup(); from django.test import Client; "
        "r = Client(raise_request_exception=False).get('/news/'); print(r.status_code, r['Retry-After'])"
    )
    result = subprocess.run(  # noqa: S603 - our own settings
        [sys.executable, "-c", code],
        cwd=REPO,
        env={
            "DJANGO_SETTINGS_MODULE": "hnda_site.settings_test",
            "DATABASE_URL": "postgres://hnda@127.0.0.1:1/hnda",
            "PATH": os.environ.get("PATH", ""),
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.split() == ["503", "120"], result.stderr[-2000:]
