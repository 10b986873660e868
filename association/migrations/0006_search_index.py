from django.db import migrations, models

from search import fulltext as search
from richtext.text import html_to_text


def compute_tokens(apps, schema_editor):
    # The queryset of the real model refuses to update published versions; the historical one does not.
    DocumentVersion = apps.get_model("association", "DocumentVersion")
    for version in DocumentVersion.objects.select_related("document").iterator(chunk_size=100):
        document = version.document
        tokens = search.index_text(html_to_text(version.body), titles=[document.title, document.full_title])
        DocumentVersion.objects.filter(pk=version.pk).update(search_tokens=tokens)


class Migration(migrations.Migration):
    dependencies = [('association', '0005_history_fields')]

    operations = [
        migrations.AddField(
            model_name="documentversion",
            name="search_tokens",
            field=models.TextField(blank=True, default="", editable=False, verbose_name="搜索索引"),
        ),
        migrations.RunPython(compute_tokens, migrations.RunPython.noop, elidable=True),
        search.CreateSearchIndex("documentversion"),
    ]
