"""The link check, the page cache's stamp and pending imports now belong to their own apps.

Their tables stay as they are (each new app's 0001 takes them over in its state); here they
leave hnda_site's state, and their content types follow them, so the permissions and the
admin's log entries that point at those content types keep pointing at the same models.
"""

from django.db import migrations

MOVED = {"linkcheck": "editorial", "brokenlink": "editorial", "pagecachestamp": "pagecache", "pendingimport": "spreadsheets"}


def move_content_types(apps, schema_editor, forward=True):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for model, new_label in MOVED.items():
        old_label = "hnda_site"
        if not forward:
            old_label, new_label = new_label, old_label
        old = ContentType.objects.using(db).filter(app_label=old_label, model=model).first()
        if old is None:
            continue
        # A content type Django made for the new app in the meantime (e.g. by a migration that creates
        # permissions) holds only what was just made for it; the old one holds the history.
        ContentType.objects.using(db).filter(app_label=new_label, model=model).delete()
        old.app_label = new_label
        old.save(update_fields=["app_label"])


def move_content_types_back(apps, schema_editor):
    move_content_types(apps, schema_editor, forward=False)


class Migration(migrations.Migration):
    dependencies = [
        ("hnda_site", "0008_english_edition"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("editorial", "0001_initial"),
        ("pagecache", "0001_initial"),
        ("spreadsheets", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="BrokenLink"),
                migrations.DeleteModel(name="LinkCheck"),
                migrations.DeleteModel(name="PageCacheStamp"),
                migrations.DeleteModel(name="PendingImport"),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
