from django.db import migrations, models


def park_express_in_title_case(apps, schema_editor):
    """The seed's English name was in capitals ("PARK EXPRESS"); leave any other name staff gave alone."""
    Category = apps.get_model("news", "Category")
    Category.objects.filter(slug="park-express", english_name="PARK EXPRESS").update(english_name="Park Express")


class Migration(migrations.Migration):
    dependencies = [("news", "0009_cover_size")]

    operations = [
        migrations.AddField(
            model_name="article",
            name="publisher_en",
            field=models.CharField(
                blank=True,
                help_text="英文版显示它，例如：Ministry of Science and Technology；留空则英文版显示中文发布人。",
                max_length=200,
                verbose_name="英文发布人",
            ),
        ),
        migrations.AddField(
            model_name="historicalarticle",
            name="publisher_en",
            field=models.CharField(
                blank=True,
                help_text="英文版显示它，例如：Ministry of Science and Technology；留空则英文版显示中文发布人。",
                max_length=200,
                verbose_name="英文发布人",
            ),
        ),
        migrations.AlterField(
            model_name="category",
            name="english_name",
            field=models.CharField(
                blank=True,
                help_text="例如：Park Express；英文网站的导航和栏目页显示它。",
                max_length=100,
                verbose_name="英文名称",
            ),
        ),
        migrations.AlterField(
            model_name="historicalcategory",
            name="english_name",
            field=models.CharField(
                blank=True,
                help_text="例如：Park Express；英文网站的导航和栏目页显示它。",
                max_length=100,
                verbose_name="英文名称",
            ),
        ),
        migrations.RunPython(park_express_in_title_case, migrations.RunPython.noop),
    ]
