"""图片库: uploaded once with a description, chosen again, and never deleted while a page shows it."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.test import Client

from association.models import Document, DocumentVersion
from imagelibrary.models import ImageInUse, LibraryImage
from tests.attachments import files

pytestmark = pytest.mark.django_db


def make_image(title="年会合影", alt="协会会长在年会上致辞", **fields):
    return LibraryImage.objects.create(
        title=title, alt=alt, image=files.upload("photo.png", files.image_bytes("PNG")), **fields
    )


def test_alt_text_is_required_unless_decorative():
    image = LibraryImage(title="合影", alt="", image=files.upload("a.png", files.image_bytes()))
    with pytest.raises(ValidationError) as refused:
        image.full_clean()
    assert "替代文字" in str(refused.value)
    LibraryImage(title="花边", alt="", decorative=True, image=files.upload("a.png", files.image_bytes())).full_clean()


def test_the_database_refuses_an_image_without_alt_text_or_decorative_mark():
    image = make_image()
    with pytest.raises(IntegrityError):
        LibraryImage.objects.filter(pk=image.pk).update(alt="")


def test_the_admin_add_form_requires_alt_text(staff_client):
    response = staff_client.post(
        "/admin/imagelibrary/libraryimage/add/",
        {"title": "合影", "alt": "", "image": files.upload("a.png", files.image_bytes())},
    )
    assert response.status_code == 200
    assert "替代文字" in str(response.context["adminform"].form.errors)
    assert not LibraryImage.objects.exists()


def test_upload_reencodes_and_stores_under_a_random_name(db):
    image = make_image()
    assert image.image.name.startswith("library/") and "photo" not in image.image.name
    assert (image.width, image.height) == (40, 30)


def test_a_disguised_image_is_refused(staff_client):
    response = staff_client.post(
        "/admin/imagelibrary/libraryimage/add/",
        {"title": "假图", "alt": "说明", "image": files.upload("a.png", files.HTML)},
    )
    assert response.status_code == 200
    assert not LibraryImage.objects.exists()


def test_the_admin_lists_thumbnails_and_searches_by_name(staff_client):
    make_image("年会合影")
    make_image("园区航拍", alt="园区鸟瞰")
    html = staff_client.get("/admin/imagelibrary/libraryimage/", {"q": "航拍"}).content.decode()
    assert "园区航拍" in html and "年会合影" not in html
    assert 'class="library-thumb"' in html


def test_the_chooser_lists_images_with_their_descriptions(staff_client):
    make_image("年会合影", alt="协会会长在年会上致辞")
    make_image("花边", alt="", decorative=True)
    html = staff_client.get("/admin/image-library/choose/", {"target": "id_body"}).content.decode()
    assert 'data-alt="协会会长在年会上致辞"' in html
    assert 'data-alt=""' in html  # decorative: empty alt
    assert 'data-target="id_body"' in html
    assert "library-chooser.js" in html
    assert "<script>" not in html  # no inline script under the admin's CSP


def test_the_chooser_is_for_staff_only(db):
    response = Client().get("/admin/image-library/choose/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_the_chooser_refuses_a_hostile_target(staff_client):
    html = staff_client.get("/admin/image-library/choose/", {"target": '"><script>x</script>'}).content.decode()
    assert 'data-target=""' in html


def test_deleting_an_image_in_use_is_refused_with_the_pages(staff_client, make_article):
    image = make_image()
    article = make_article("年会报道", body=f'<p><img src="{image.image.url}" alt="{image.alt}"></p>')
    document = Document.objects.create(slug="intro", title="协会简介")
    DocumentVersion.objects.create(document=document, body=f'<p><img src="{image.image.url}" alt=""></p>')

    with pytest.raises(ImageInUse) as refused:
        image.delete()
    labels = [label for label, _ in refused.value.usages]
    assert "文章：年会报道" in labels and any("协会简介" in label for label in labels)

    response = staff_client.post(f"/admin/imagelibrary/libraryimage/{image.pk}/delete/", {"post": "yes"})
    assert LibraryImage.objects.filter(pk=image.pk).exists()
    html = response.content.decode()
    assert "年会报道" in html and f"/admin/news/article/{article.pk}/change/" in html


def test_bulk_delete_of_an_image_in_use_is_refused(staff_client, make_article):
    image = make_image()
    make_article("年会报道", body=f'<p><img src="{image.image.url}" alt="x"></p>')
    staff_client.post(
        "/admin/imagelibrary/libraryimage/",
        {"action": "delete_selected", "_selected_action": [image.pk], "post": "yes"},
    )
    assert LibraryImage.objects.filter(pk=image.pk).exists()


def test_an_unused_image_can_be_deleted_and_its_file_goes(staff_client):
    image = make_image()
    storage, name = image.image.storage, image.image.name
    staff_client.post(f"/admin/imagelibrary/libraryimage/{image.pk}/delete/", {"post": "yes"})
    assert not LibraryImage.objects.exists()
    assert not storage.exists(name)


def test_the_editor_pages_load_the_library_button(staff_client, make_article):
    article = make_article()
    html = staff_client.get(f"/admin/news/article/{article.pk}/change/").content.decode()
    assert "js/library-button.js" in html


def test_history_records_library_changes(db):
    from audit.models import ChangeRecord

    make_image("年会合影")
    assert ChangeRecord.objects.filter(object_repr="年会合影").exists()
