"""The app servers' health check, which the reverse proxy and monitoring use."""

from unittest import mock

from django.db import OperationalError


def test_health_check_answers_ok_while_the_database_answers(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert "no-cache" in response["Cache-Control"]


def test_health_check_is_503_when_the_database_is_unreachable(client, db):
    with mock.patch("hnda_site.views.connection.cursor", side_effect=OperationalError("connection refused")):
        response = client.get("/healthz")
    assert response.status_code == 503


def test_health_check_is_not_redirected_to_https(client, db, settings):
    """The proxy checks app servers over plain HTTP, so the HTTPS redirect spares it (and only it)."""
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
    assert client.get("/").status_code == 301
