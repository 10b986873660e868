"""No address gives a 500: bad page numbers and bad ids are 404s, on SQLite and on PostgreSQL.

The rule for page numbers, public lists and admin lists alike: a page number that names no page of
the list (not ASCII digits, 0, negative, past the last page, beyond any integer column) is a 404.
The rule for ids: an admin history page (django-simple-history) with an id that no record can have
is a 404; Django's own change/delete pages answer a missing id by returning to the admin index with
a message, which they keep.
"""

import pytest
from django.contrib import admin
from django.test import Client
from simple_history.admin import SimpleHistoryAdmin

from association.models import Document, DocumentVersion
from members.models import Member

pytestmark = pytest.mark.django_db

BAD_PAGES = [
    "99999999999999999999",
    "9223372036854775808",  # one past bigint
    "9223372036854775807",
    "2147483648",
    "1000000000",
    "0",
    "-1",
    "-9223372036854775809",
    "abc",
    "1.5",
    "1e3",
    "1_0",
    "٣",  # an Arabic-Indic digit, which int() accepts
    "9" * 5000,  # more digits than int() converts
]
PUBLIC_LISTS = [
    "/news/",
    "/news/park-express/",
    "/members/",
    "/members/?city=changsha",
    "/search/?q=高",
    "/search/?q=高新区",
    "/search/?q=高&type=news",
    "/search/?q=高&type=members",
    "/search/?q=高&type=documents",
    "/en/news/",
    "/en/news/park-express/",
    "/en/members/",
    "/en/search/?q=high",
    "/en/search/?q=high&type=members",
]
BAD_IDS = ["abc", "0", "-1", "99999999999999999999", "9223372036854775808", "2147483648", "1.5", "%20", "9" * 5000]
# Every admin list and page is asked for: fewer values, one of each kind.
ADMIN_BAD_IDS = ["abc", "-1", "9223372036854775808", "9" * 5000]
ADMIN_BAD_PAGES = ["0", "-1", "abc", "1_0", "9223372036854775808", "9" * 5000]


@pytest.fixture
def content(make_article):
    """Something on every list (two pages of news, so that pagination is really used)."""
    for number in range(25):
        make_article(f"高新区快讯{number}", title_en=f"High-tech news {number}", body_en="<p>High-tech zone.</p>")
    for number in range(30):
        Member.objects.create(name=f"高新区会员{number}", city="changsha", name_en=f"High-tech Zone {number}")
    document = Document.objects.create(slug="intro", title="协会简介", order=1)
    DocumentVersion.objects.create(
        document=document, body="<p>高新区</p>", status=DocumentVersion.Status.PUBLISHED, change_note="一"
    )


@pytest.fixture
def records(make_article):
    """A record of each tracked model (with history), for the admin pages."""
    make_article("高新区快讯")
    Member.objects.create(name="高新区会员", city="changsha")
    document = Document.objects.create(slug="intro", title="协会简介", order=1)
    DocumentVersion.objects.create(document=document, body="<p>正文</p>", change_note="一")


def with_page(url, page):
    return f"{url}{'&' if '?' in url else '?'}page={page}"


def quiet_client(**kwargs):
    return Client(raise_request_exception=False, **kwargs)


@pytest.mark.parametrize("url", PUBLIC_LISTS)
def test_a_bad_page_number_on_a_public_list_is_a_404(content, url):
    client = quiet_client()
    assert client.get(with_page(url, 1)).status_code == 200
    for page in BAD_PAGES:
        response = client.get(with_page(url, page))
        assert response.status_code == 404, (url, page[:30], response.status_code)


@pytest.mark.parametrize(
    "url", ["/news/", "/members/", "/search/?q=高新区&type=news", "/search/?q=高新区&type=members"]
)
def test_the_next_page_still_works_and_the_one_after_the_last_is_a_404(content, url):
    client = quiet_client()
    assert client.get(with_page(url, 2)).status_code == 200
    assert client.get(with_page(url, 3)).status_code == 404


def admin_models():
    return sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)


def history_admins():
    """Every model whose admin shows django-simple-history's 历史 page."""
    return [
        (model, model_admin) for model, model_admin in admin_models() if isinstance(model_admin, SimpleHistoryAdmin)
    ]


def admin_url(model, suffix=""):
    return f"/admin/{model._meta.app_label}/{model._meta.model_name}/{suffix}"


def test_the_history_pages_checked_are_every_simple_history_admin():
    """Found, not listed: every admin showing django-simple-history's page is checked below. (A tracked
    model whose admin shows Django's own 历史 page answers a bad id as Django does: see further down.)"""
    models = {model._meta.label for model, _ in history_admins()}
    assert {"news.Article", "news.Category", "members.Member", "association.Document"} <= models
    tracked = {model for model, _ in admin_models() if hasattr(model._meta, "simple_history_manager_attribute")}
    assert models <= {model._meta.label for model in tracked}


@pytest.mark.parametrize("bad_id", BAD_IDS)
def test_a_history_page_with_a_bad_id_is_a_404_on_every_tracked_model(admin_user, records, bad_id):
    client = quiet_client()
    client.force_login(admin_user)
    for model, _model_admin in history_admins():
        for suffix in (f"{bad_id}/history/", f"{bad_id}/history/1/", f"1/history/{bad_id}/"):
            response = client.get(admin_url(model, suffix))
            assert response.status_code == 404, (model._meta.label, suffix[:40], response.status_code)


def test_a_history_page_of_a_record_that_exists_still_opens(admin_user, records):
    client = quiet_client()
    client.force_login(admin_user)
    member = Member.objects.first()
    assert client.get(admin_url(Member, f"{member.pk}/history/")).status_code == 200
    record = member.history.first()
    assert client.get(admin_url(Member, f"{member.pk}/history/{record.history_id}/")).status_code == 200


@pytest.mark.parametrize("bad_id", ADMIN_BAD_IDS)
def test_no_admin_page_of_any_model_fails_on_a_bad_id(admin_user, records, bad_id):
    """Change, delete and history of every registered model: a 404 or Django's return to the index."""
    client = quiet_client()
    client.force_login(admin_user)
    for model, _model_admin in admin_models():
        for suffix in (f"{bad_id}/change/", f"{bad_id}/delete/", f"{bad_id}/history/", f"{bad_id}/"):
            response = client.get(admin_url(model, suffix))
            assert response.status_code in (302, 403, 404), (model._meta.label, suffix[:40], response.status_code)
            if response.status_code == 302:
                assert response["Location"] in ("/admin/", admin_url(model, f"{bad_id}/change/")), response["Location"]


@pytest.mark.parametrize("page", ADMIN_BAD_PAGES)
def test_a_bad_page_number_on_any_admin_list_is_a_404(admin_user, records, page):
    client = quiet_client()
    client.force_login(admin_user)
    lists = [model for model, _ in admin_models() if client.get(admin_url(model)).status_code == 200]
    assert len(lists) >= 10  # (site settings is one record: its list opens the record)
    for model in lists:
        response = client.get(admin_url(model, f"?p={page}"))
        assert response.status_code == 404, (model._meta.label, page[:30], response.status_code)


def test_admin_lists_still_page(admin_user, content, monkeypatch):
    monkeypatch.setattr(admin.site._registry[Member], "list_per_page", 20)
    client = quiet_client()
    client.force_login(admin_user)
    assert client.get(admin_url(Member, "?p=1")).status_code == 200
    assert client.get(admin_url(Member, "?p=2")).status_code == 200  # 30 members, 20 a page
    assert client.get(admin_url(Member, "?p=3")).status_code == 404
    assert client.get(admin_url(Member, "?p=3&all=")).status_code == 200  # "show all" ignores the page


def test_an_old_version_opens_read_only_and_cannot_be_saved_back(admin_user, records):
    """The page of one old version (linked from the 历史 page) failed with a 500 (the form asked for the
    non-editable edit_version); it opens, and a POST to it, which the library would save, is refused."""
    client = quiet_client()
    client.force_login(admin_user)
    member = Member.objects.first()
    old_name = member.name
    member.name = "改过的名称"
    member.save()
    record = member.history.earliest()
    url = admin_url(Member, f"{member.pk}/history/{record.history_id}/")
    response = client.get(url)
    assert response.status_code == 200
    assert old_name in response.content.decode()
    assert 'name="_save"' not in response.content.decode()
    assert client.post(url, {"name": old_name}).status_code == 403
    member.refresh_from_db()
    assert member.name == "改过的名称"
