from django.db import migrations, models

from search import fulltext as search
from richtext.text import html_to_text


def compute_tokens(apps, schema_editor):
    Member = apps.get_model("members", "Member")
    cities = dict(Member._meta.get_field("city").choices)
    kinds = dict(Member._meta.get_field("kind").choices)
    for member in Member.objects.iterator(chunk_size=200):
        tokens = search.index_text(
            cities.get(member.city, ""),
            kinds.get(member.kind, ""),
            member.address,
            html_to_text(member.introduction),
            titles=[member.name, member.short_name],
        )
        Member.objects.filter(pk=member.pk).update(search_tokens=tokens)


class Migration(migrations.Migration):
    dependencies = [('members', '0006_history_fields')]

    operations = [
        migrations.AddField(
            model_name="member",
            name="search_tokens",
            field=models.TextField(blank=True, default="", editable=False, verbose_name="搜索索引"),
        ),
        migrations.RunPython(compute_tokens, migrations.RunPython.noop, elidable=True),
        search.CreateSearchIndex("member"),
    ]
