"""Publishing a document is serialized: no version is built from stale text, no draft is published twice."""

import contextlib
import threading

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from association.models import Document, DocumentVersion, PublishedVersionError

pytestmark = pytest.mark.django_db


@pytest.fixture
def charter(db):
    return Document.objects.create(slug="charter", title="协会章程", publish_requires_details=True)


def publish_v1(document):
    return DocumentVersion.objects.create(
        document=document, body="<p>第一条 原文。</p>", status="published", change_note="成立大会通过"
    )


def draft(document, based_on, body="<p>第一条 修改。</p>", **fields):
    fields = {"effective_date": "2024-06-01", "change_note": "理事会通过"} | fields
    return DocumentVersion.objects.create(document=document, body=body, based_on=based_on, **fields)


def test_new_version_form_records_the_version_it_starts_from(staff_client, charter):
    publish_v1(charter)
    response = staff_client.get(reverse("admin:association_documentversion_add"), {"document": charter.pk})
    assert response.context["adminform"].form.initial["based_on"] == 1
    assert 'type="hidden" name="based_on" value="1"' in response.content.decode()


def test_a_draft_made_without_the_form_amends_the_version_current_then(charter):
    publish_v1(charter)
    assert DocumentVersion.objects.create(document=charter, body="<p>x</p>").based_on == 1


def test_a_draft_started_from_a_superseded_version_is_refused_with_a_link_to_compare(charter, admin_user):
    publish_v1(charter)
    first, second = draft(charter, based_on=1), draft(charter, based_on=1, body="<p>第一条 另一处修改。</p>")
    first.publish(user=admin_user)
    with pytest.raises(ValidationError) as error:
        second.publish(user=admin_user)
    message = error.value.message_dict["__all__"][0]
    assert "这份草稿以第1版为基础，而协会章程已发布了更新的第2版" in message
    assert f'<a href="{reverse("association:compare", args=["charter", 1, 2])}">比较第1版与第2版</a>' in message
    second.refresh_from_db()
    assert second.status == DocumentVersion.Status.DRAFT


def test_admin_refuses_to_publish_from_a_superseded_version_and_links_to_compare(staff_client, charter):
    publish_v1(charter)
    draft(charter, based_on=1).publish()
    response = staff_client.post(
        reverse("admin:association_documentversion_add"),
        {
            "document": charter.pk,
            "body": "<p>第一条 基于旧文本。</p>",
            "effective_date": "2024-06-01",
            "change_note": "理事会通过",
            "based_on": "1",
            "_publish": "保存并发布",
        },
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "这份草稿以第1版为基础，而协会章程已发布了更新的第2版" in content
    assert 'href="/about/charter/compare/1/2/"' in content
    assert not DocumentVersion.objects.filter(number=3).exists()


def test_publishing_the_same_draft_twice_keeps_the_first_note_and_publisher(charter, admin_user, django_user_model):
    publish_v1(charter)
    version = draft(charter, based_on=1)
    mine, theirs = DocumentVersion.objects.get(pk=version.pk), DocumentVersion.objects.get(pk=version.pk)
    mine.publish(user=admin_user)
    other = django_user_model.objects.create_user("other", is_staff=True)
    theirs.change_note = "被覆盖的说明"
    with pytest.raises(PublishedVersionError, match=r"已于.*由admin发布，不能再次发布"):
        theirs.publish(user=other)
    version.refresh_from_db()
    assert (version.change_note, version.published_by) == ("理事会通过", admin_user)


def test_admin_publish_of_a_draft_published_meanwhile_is_refused(staff_client, charter, django_user_model):
    publish_v1(charter)
    version = draft(charter, based_on=1)
    first = django_user_model.objects.create_user("first", is_staff=True)
    version.publish(user=first)
    url = reverse("admin:association_documentversion_change", args=[version.pk])
    response = staff_client.post(
        url, {"body": "<p>第一条 再改。</p>", "effective_date": "2024-06-01", "change_note": "覆盖", "_publish": "1"}
    )
    assert response.status_code == 302 and response["Location"] == url
    assert "已于" in str(next(iter(get_messages(response.wsgi_request))))
    version.refresh_from_db()
    assert (version.change_note, version.published_by, version.body) == ("理事会通过", first, "<p>第一条 修改。</p>")


def test_publish_action_names_the_superseded_draft_with_a_working_link(staff_client, charter):
    publish_v1(charter)
    stale = draft(charter, based_on=1)
    draft(charter, based_on=1).publish()
    response = staff_client.post(
        reverse("admin:association_documentversion_changelist"),
        {"action": "publish", "_selected_action": [stale.pk]},
        follow=True,
    )
    content = response.content.decode()
    assert "未发布：这份草稿以第1版为基础，而协会章程已发布了更新的第3版" in content
    # The link is a link (the rest of the message escaped), from the draft's base to the current version.
    assert '<a href="/about/charter/compare/1/3/">比较第1版与第3版</a>' in content


# --- Two staff members at the same moment (PostgreSQL) ----------------------------------------------


def race(monkeypatch, *jobs):
    """Run each job in its own thread: each loads its draft, then all publish at once.

    The checks of ``clean()`` wait for the other thread to reach them too (a second, bounded
    rendezvous): without the document lock both threads check the same stored state, as two
    requests arriving together would. With the lock the second one cannot get there while the
    first holds it, the rendezvous times out and the first one goes on.
    """
    start, checks = threading.Barrier(len(jobs)), threading.Barrier(len(jobs), timeout=1)
    clean = DocumentVersion.clean

    def clean_together(version):
        with contextlib.suppress(threading.BrokenBarrierError):
            checks.wait()
        clean(version)

    monkeypatch.setattr(DocumentVersion, "clean", clean_together)
    outcomes = [None] * len(jobs)

    def run(index, load, publish):
        try:
            loaded = load()
            start.wait()
            publish(loaded)
            outcomes[index] = "published"
        except (ValidationError, PublishedVersionError) as error:
            outcomes[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(index, *job)) for index, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def needs_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is tested on PostgreSQL (.ci/run); SQLite serializes writers")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_staff_publishing_from_the_same_version_at_once_one_is_refused(monkeypatch, django_user_model):
    needs_postgres()
    charter = Document.objects.create(slug="charter", title="协会章程", publish_requires_details=True)
    publish_v1(charter)
    alice = django_user_model.objects.create_user("alice", is_staff=True)
    bob = django_user_model.objects.create_user("bob", is_staff=True)
    drafts = [draft(charter, based_on=1, body="<p>甲的修改</p>"), draft(charter, based_on=1, body="<p>乙的修改</p>")]

    outcomes = race(
        monkeypatch,
        (lambda: DocumentVersion.objects.get(pk=drafts[0].pk), lambda version: version.publish(user=alice)),
        (lambda: DocumentVersion.objects.get(pk=drafts[1].pk), lambda version: version.publish(user=bob)),
    )

    assert outcomes.count("published") == 1, outcomes
    refused = next(outcome for outcome in outcomes if outcome != "published")
    assert isinstance(refused, ValidationError) and "已发布了更新的第" in str(refused)
    assert DocumentVersion.objects.published().filter(document=charter).count() == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_same_draft_published_twice_at_once_is_published_once(monkeypatch, django_user_model):
    needs_postgres()
    charter = Document.objects.create(slug="charter", title="协会章程", publish_requires_details=True)
    publish_v1(charter)
    version = draft(charter, based_on=1)
    users = [django_user_model.objects.create_user(name, is_staff=True) for name in ("alice", "bob")]

    def publisher(user):
        def publish(loaded):
            loaded.change_note = f"{user.username}的说明"
            loaded.publish(user=user)

        return publish

    outcomes = race(
        monkeypatch,
        (lambda: DocumentVersion.objects.get(pk=version.pk), publisher(users[0])),
        (lambda: DocumentVersion.objects.get(pk=version.pk), publisher(users[1])),
    )

    assert outcomes.count("published") == 1, outcomes
    winner = users[outcomes.index("published")]
    assert isinstance(next(o for o in outcomes if o != "published"), PublishedVersionError)
    version.refresh_from_db()
    assert (version.published_by, version.change_note) == (winner, f"{winner.username}的说明")


def test_a_draft_claiming_a_version_that_does_not_exist_is_refused(charter):
    publish_v1(charter)
    forged = draft(charter, based_on=7)
    with pytest.raises(ValidationError, match="基于版本（第7版）不存在"):
        forged.publish()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_staff_pressing_save_and_publish_at_once_one_is_refused(monkeypatch, django_user_model):
    """The admin's 保存并发布, from two browsers that both opened 以现行文本新建版本 on version 1."""
    needs_postgres()
    charter = Document.objects.create(slug="charter", title="协会章程", publish_requires_details=True)
    publish_v1(charter)
    add_url = reverse("admin:association_documentversion_add")

    def open_form(name):
        def load():
            client = Client()
            client.force_login(django_user_model.objects.create_superuser(name, f"{name}@example.com", "x"))
            assert client.get(add_url, {"document": charter.pk}).context["adminform"].form.initial["based_on"] == 1
            return client

        return load

    def save_and_publish(text):
        def publish(client):
            data = {"document": charter.pk, "body": f"<p>{text}</p>", "effective_date": "2024-06-01"}
            data |= {"change_note": text, "based_on": "1", "_publish": "保存并发布"}
            response = client.post(add_url, data)
            if response.status_code != 302:
                raise ValidationError(response.context["adminform"].form.non_field_errors())

        return publish

    outcomes = race(
        monkeypatch,
        (open_form("alice"), save_and_publish("甲的修改")),
        (open_form("bob"), save_and_publish("乙的修改")),
    )

    assert outcomes.count("published") == 1, outcomes
    refused = next(outcome for outcome in outcomes if outcome != "published")
    assert "这份草稿以第1版为基础，而协会章程已发布了更新的第2版" in str(refused)
    assert list(DocumentVersion.objects.filter(document=charter).values_list("number", "status")) == [
        (2, "published"),
        (1, "published"),
    ]
