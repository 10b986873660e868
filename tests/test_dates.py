"""Dates within sense: staff and imports cannot store 0001-01-01, and a row stored before cannot break a page."""

import importlib
from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, connection, transaction
from django.db.migrations.loader import MigrationLoader
from django.urls import reverse
from django.utils import timezone

from association.models import Document, DocumentVersion
from hnda_site.dates import PlausibleDateValidator
from members.models import Member
from members.resources import MemberResource
from news.models import Article

pytestmark = pytest.mark.django_db


def test_validator_accepts_dates_between_1949_and_2100():
    validate = PlausibleDateValidator()
    for value in [date(1949, 1, 1), date(2020, 12, 18), date(2100, 12, 31), timezone.now(), None]:
        validate(value)


@pytest.mark.parametrize("value", [date(1, 1, 1), date(1948, 12, 31), date(2101, 1, 1), date(9999, 12, 31)])
def test_validator_refuses_implausible_dates_in_chinese(value):
    with pytest.raises(ValidationError) as error:
        PlausibleDateValidator()(value)
    assert "日期应在1949年1月1日至2100年12月31日之间" in error.value.messages[0]


def test_validator_with_years_ahead_refuses_a_date_more_than_a_year_away():
    validate = PlausibleDateValidator(years_ahead=1)
    today = timezone.localdate()
    validate(today + timedelta(days=360))
    with pytest.raises(ValidationError, match=r"日期不能晚于.*今天起1年内"):
        validate(today + timedelta(days=400))


def test_article_form_refuses_year_one_with_a_chinese_message(staff_client, category):
    response = staff_client.post(
        reverse("admin:news_article_add"),
        {
            "title": "公元元年",
            "category": category.pk,
            "status": "published",
            "published_at_0": "0001-01-01",
            "published_at_1": "00:00:00",
            "body": "<p>正文</p>",
        },
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "日期应在1949年1月1日至2100年12月31日之间" in errors["published_at"][0]
    assert not Article.objects.exists()


def test_charter_effective_date_at_most_a_year_ahead(staff_client):
    charter = Document.objects.create(slug="charter", title="协会章程")
    too_late = timezone.localdate() + timedelta(days=400)
    response = staff_client.post(
        reverse("admin:association_documentversion_add"),
        {"document": charter.pk, "body": "<p>第一条</p>", "effective_date": too_late.isoformat(), "change_note": "x"},
    )
    assert response.status_code == 200
    assert "日期不能晚于" in response.context["adminform"].form.errors["effective_date"][0]
    assert not DocumentVersion.objects.exists()


def test_member_import_refuses_an_implausible_joining_date(db):
    from import_export.formats import base_formats

    headers = ",".join(MemberResource.column_names())
    row = "长沙高新技术产业开发区,长沙高新区,长沙市,国家级,高新技术产业开发区,,,,0001-01-01,,"
    dataset = base_formats.CSV(encoding="utf-8-sig").create_dataset(f"{headers}\n{row}\n")
    result = MemberResource().import_data(dataset, dry_run=True, rollback_on_validation_errors=True)
    assert result.has_validation_errors()
    assert "日期应在1949年1月1日至" in result.invalid_rows[0].error_dict["入会日期"][0]
    assert not Member.objects.exists()


def test_the_database_refuses_an_implausible_date_from_any_path(make_article):
    article = make_article()
    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.filter(pk=article.pk).update(published_at=datetime(1, 1, 2, tzinfo=UTC))
    with pytest.raises(IntegrityError), transaction.atomic():
        Member.objects.create(name="远古园区", city="changsha", kind="other", joined_on=date(1, 1, 1))


def run_date_fixes():
    """The data migrations that move out-of-range dates into range (they run before the constraints)."""
    migrated = MigrationLoader(connection).project_state().apps  # historical models, as in a migration
    for module in [
        "news.migrations.0002_dates_within_range",
        "association.migrations.0002_dates_and_version_base",
        "members.migrations.0002_dates_within_range",
    ]:
        migration = importlib.import_module(module)
        for operation in migration.Migration.operations:
            if hasattr(operation, "code"):
                operation.code(migrated, None)


@pytest.mark.postgres
def test_a_bc_timestamp_stored_before_is_moved_into_range_and_pages_work(client, staff_client, make_article):
    """0001-01-01 in Beijing is a BC timestamp on PostgreSQL, which psycopg cannot read: the list,
    the admin and search failed. The migration moves it to the time the article was written."""
    if connection.vendor != "postgresql":
        pytest.skip("BC timestamps are a PostgreSQL matter")
    article = make_article("坏日期的文章")
    with connection.cursor() as cursor:
        # As it was before the constraint existed (the test's transaction undoes this).
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE news_article DROP CONSTRAINT article_published_at_plausible")
        cursor.execute("UPDATE news_article SET published_at = '0001-01-01 00:00:00+08' WHERE id = %s", [article.pk])
    with pytest.raises(DataError), transaction.atomic():
        list(Article.objects.values_list("published_at", flat=True))

    run_date_fixes()

    article.refresh_from_db()
    assert article.published_at == article.created_at
    for url in ["/news/", "/news/park-express/", article.get_absolute_url(), "/search/?q=坏日期"]:
        assert client.get(url).status_code == 200, url
    assert "坏日期的文章" in client.get("/news/").content.decode()
    for url in ["/admin/news/article/", reverse("admin:news_article_change", args=[article.pk])]:
        assert staff_client.get(url).status_code == 200, url


@pytest.mark.postgres
def test_out_of_range_dates_of_versions_and_members_are_cleared(db):
    if connection.vendor != "postgresql":
        pytest.skip("constraints are dropped with PostgreSQL's transactional DDL")
    document = Document.objects.create(slug="charter", title="协会章程")
    version = DocumentVersion.objects.create(document=document, body="<p>一</p>", status="published")
    member = Member.objects.create(name="长沙高新区", city="changsha", kind="high_tech")
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(
            "ALTER TABLE association_documentversion DROP CONSTRAINT document_version_effective_date_plausible"
        )
        cursor.execute("ALTER TABLE members_member DROP CONSTRAINT member_joined_on_plausible")
        cursor.execute(
            "UPDATE association_documentversion SET effective_date = '0001-01-01' WHERE id = %s", [version.pk]
        )
        cursor.execute("UPDATE members_member SET joined_on = '9999-12-31' WHERE id = %s", [member.pk])
    run_date_fixes()
    version.refresh_from_db()
    member.refresh_from_db()
    assert (version.effective_date, member.joined_on) == (None, None)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_local_day_writes_what_the_date_filter_writes(language):
    """|local_day is |date:_("Y年n月j日") without Django's format machinery, in Asia/Shanghai."""
    from django.template import Context, Template
    from django.utils import translation

    template = Template('{% load i18n site_tags %}{{ day|local_day }}|{{ day|date:_("Y年n月j日") }}')
    days = [
        datetime(2020, 12, 18, 15, 59, tzinfo=UTC),  # 23:59 in Beijing
        datetime(2020, 12, 18, 16, 0, tzinfo=UTC),  # the next day in Beijing
        date(2021, 1, 5),
    ]
    with translation.override(language):
        for day in days:
            fast, slow = template.render(Context({"day": day})).split("|")
            assert fast == slow
    assert Template("{% load site_tags %}{{ day|local_day }}").render(Context({"day": days[1]})) == "2020年12月19日"
    assert Template("{% load site_tags %}{{ day|local_day }}").render(Context({"day": None})) == ""
