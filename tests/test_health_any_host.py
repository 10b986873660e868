"""/healthz answers a monitor whatever Host it sends; every other address still needs an allowed Host."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

ODD_HOSTS = ["203.0.113.7", "10.0.0.5:8000", "[2001:db8::1]:8000", "monitor.internal", "evil.example"]


@pytest.mark.parametrize("host", ODD_HOSTS)
def test_the_health_check_answers_whatever_the_host(host):
    client = Client(HTTP_HOST=host, raise_request_exception=False)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert "no-cache" in response["Cache-Control"]
    assert client.head("/healthz").status_code == 200


@pytest.mark.parametrize("host", ODD_HOSTS)
@pytest.mark.parametrize("path", ["/", "/news/", "/healthz/", "/healthz?x=1/..", "/admin/login/", "/en/healthz"])
def test_every_other_address_still_refuses_a_host_that_is_not_allowed(host, path):
    response = Client(HTTP_HOST=host, raise_request_exception=False).get(path)
    if path == "/healthz?x=1/..":
        assert response.status_code == 200  # the same address: a query string changes nothing
    else:
        assert response.status_code == 400, (host, path, response.status_code)


def test_the_health_check_still_reports_a_database_outage(settings):
    from unittest import mock

    from django.db import OperationalError

    with mock.patch("hnda_site.views.connection.cursor", side_effect=OperationalError("connection refused")):
        response = Client(HTTP_HOST="203.0.113.7").get("/healthz")
    assert response.status_code == 503
