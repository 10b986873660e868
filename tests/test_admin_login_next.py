"""After the admin's login form, a ``next`` that is refused lands on the admin index (not /accounts/profile/)."""

import pytest
from django.contrib.auth.models import User
from django.test import Client

PASSWORD = "correct-Horse-battery-9"

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(db):
    return User.objects.create_user("editor", "editor@example.com", PASSWORD, is_staff=True)


@pytest.mark.parametrize(
    "next_url",
    ["https://evil.example/admin/", "//evil.example/", "javascript:alert(1)", "http://testserver:8080/admin/"],
)
def test_a_refused_next_lands_on_the_admin_index(editor, next_url):
    client = Client()
    response = client.post("/admin/login/", {"username": "editor", "password": PASSWORD, "next": next_url})
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.get(response["Location"]).status_code == 200


def test_an_allowed_next_is_still_followed(editor):
    response = Client().post(
        "/admin/login/", {"username": "editor", "password": PASSWORD, "next": "/admin/news/article/"}
    )
    assert response["Location"] == "/admin/news/article/"
