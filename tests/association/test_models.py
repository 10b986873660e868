"""协会文件: numbering, the current version, the version in force on a date, published versions never change."""

import threading
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import IntegrityError, connection, connections, transaction
from django.test.utils import CaptureQueriesContext

from association.models import Document, DocumentVersion, PublishedVersionError

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_versions_are_numbered_one_two_three_per_document(charter, intro, make_version):
    assert [make_version(charter).number for _ in range(3)] == [1, 2, 3]
    assert make_version(intro, body="<p>简介</p>").number == 1
    assert make_version(charter, published=False).number == 4


def test_two_versions_cannot_share_a_number(charter, make_version):
    version = make_version(charter)
    with pytest.raises(IntegrityError), transaction.atomic():
        DocumentVersion.objects.bulk_create([DocumentVersion(document=charter, number=version.number, body="x")])


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_staff_saving_at_the_same_time_get_different_numbers():
    """Real concurrent saves on PostgreSQL: every version gets its own next number, none fails."""
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is tested on PostgreSQL (.ci/run); SQLite serializes writers")
    document = Document.objects.create(slug="charter", title="协会章程")
    threads, per_thread = 6, 4
    barrier = threading.Barrier(threads)
    failures = []

    def save_versions():
        barrier.wait()
        try:
            for _ in range(per_thread):
                DocumentVersion.objects.create(document=document, body="<p>草稿</p>")
        except Exception as error:  # reported below, with the others
            failures.append(repr(error))
        finally:
            connections.close_all()

    workers = [threading.Thread(target=save_versions) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert failures == []
    numbers = sorted(DocumentVersion.objects.values_list("number", flat=True))
    assert numbers == list(range(1, threads * per_thread + 1))


def test_current_version_is_the_newest_published_one(charter, intro, make_version):
    make_version(charter)
    second = make_version(charter)
    make_version(charter, published=False)
    intro_v1 = make_version(intro, body="<p>简介</p>")
    assert set(DocumentVersion.objects.current()) == {second, intro_v1}


def test_in_force_on_a_date_follows_effective_dates(charter, make_version):
    v1 = make_version(charter, effective_date=date(2017, 9, 29))
    v2 = make_version(charter, effective_date=date(2021, 3, 1))
    make_version(charter, published=False, effective_date=date(2022, 1, 1))
    in_force = DocumentVersion.objects.filter(document=charter).in_force_on
    assert in_force(date(2017, 9, 28)).first() is None
    assert in_force(date(2017, 9, 29)).first() == v1
    assert in_force(date(2021, 2, 28)).first() == v1
    assert in_force(date(2021, 3, 1)).first() == v2
    assert in_force(date(2030, 1, 1)).first() == v2


# 00:30 in Beijing is still the day before in UTC: the publication day is Beijing's.
@time_machine.travel(datetime(2024, 5, 6, 0, 30, tzinfo=SHANGHAI), tick=False)
def test_version_without_effective_date_is_in_force_from_its_publication_day(intro, make_version):
    version = make_version(intro, body="<p>简介</p>")
    in_force = DocumentVersion.objects.filter(document=intro).in_force_on
    assert in_force(date(2024, 5, 6)).first() == version
    assert in_force(date(2024, 5, 5)).first() is None


# --- Models: a published version never changes -------------------------------------------------------


def test_published_version_refuses_a_changed_save(charter, make_version):
    version = make_version(charter)
    stored = version.body
    version.body = "<p>改写历史</p>"
    with pytest.raises(PublishedVersionError):
        version.save()
    version = DocumentVersion.objects.get(pk=version.pk)
    version.change_note = "改了说明"
    with pytest.raises(PublishedVersionError):
        version.save()
    assert DocumentVersion.objects.values_list("body", "change_note").get(pk=version.pk) == (stored, "测试")


def test_saving_a_published_version_unchanged_writes_nothing(charter, make_version):
    version = make_version(charter)
    with CaptureQueriesContext(connection) as queries:
        DocumentVersion.objects.get(pk=version.pk).save()
    assert not [q for q in queries if q["sql"].startswith("UPDATE")]


def test_published_version_refuses_deletion_by_any_path(charter, make_version):
    version = make_version(charter)
    with pytest.raises(PublishedVersionError):
        version.delete()
    with pytest.raises(PublishedVersionError):
        DocumentVersion.objects.filter(document=charter).delete()
    with pytest.raises(PublishedVersionError):
        DocumentVersion.objects.filter(pk=version.pk).update(body="<p>改写</p>")
    assert DocumentVersion.objects.filter(pk=version.pk, body=version.body).exists()


def test_drafts_can_be_edited_and_deleted(charter, make_version):
    draft = make_version(charter, published=False)
    draft.body = "<p>第一条 修改后的草稿。</p>"
    draft.save()
    assert DocumentVersion.objects.get(pk=draft.pk).body == "<p>第一条 修改后的草稿。</p>"
    draft.delete()
    assert not DocumentVersion.objects.exists()


def test_a_document_with_versions_cannot_be_deleted(charter, make_version):
    from django.db.models import ProtectedError

    make_version(charter)
    with pytest.raises(ProtectedError):
        charter.delete()


def test_publishing_turns_a_draft_into_a_published_version_once(intro, make_version, admin_user):
    draft = make_version(intro, body="<p>简介</p>", published=False, change_note="")
    draft.publish(user=admin_user)
    draft.refresh_from_db()
    assert draft.is_published and draft.published_at and draft.published_by == admin_user
    with pytest.raises(PublishedVersionError):
        draft.publish()


def test_charter_needs_effective_date_and_change_note_to_publish(charter, make_version):
    from django.core.exceptions import ValidationError

    draft = make_version(charter, published=False, change_note="")
    with pytest.raises(ValidationError) as error:
        draft.publish()
    assert error.value.message_dict == {
        "effective_date": ["发布协会章程必须填写生效日期。"],
        "change_note": ["发布协会章程必须填写修改说明（例如：经哪次会员大会审议通过）。"],
    }
    assert DocumentVersion.objects.get(pk=draft.pk).status == DocumentVersion.Status.DRAFT


def test_an_older_draft_cannot_be_published_over_a_newer_version(intro, make_version):
    from django.core.exceptions import ValidationError

    make_version(intro, body="<p>一</p>")
    stale = make_version(intro, body="<p>二</p>", published=False)
    make_version(intro, body="<p>三</p>")
    with pytest.raises(ValidationError, match="已发布了更新的第3版"):
        stale.publish()
