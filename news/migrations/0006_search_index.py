from django.db import migrations, models

from search import fulltext as search
from richtext.text import html_to_text


def compute_tokens(apps, schema_editor):
    Article = apps.get_model("news", "Article")
    for article in Article.objects.only("id", "title", "body").iterator(chunk_size=200):
        tokens = search.index_text(html_to_text(article.body), titles=[article.title])
        Article.objects.filter(pk=article.pk).update(search_tokens=tokens)


class Migration(migrations.Migration):
    dependencies = [('news', '0005_history_fields')]

    operations = [
        migrations.AddField(
            model_name="article",
            name="search_tokens",
            field=models.TextField(blank=True, default="", editable=False, verbose_name="搜索索引"),
        ),
        migrations.RunPython(compute_tokens, migrations.RunPython.noop, elidable=True),
        search.CreateSearchIndex("article"),
    ]
