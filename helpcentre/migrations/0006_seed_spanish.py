"""The Spanish text of the shipped categories and articles (helpcentre/seed/*.es.*), indexed.
Fills only Spanish fields that are empty, so operations' edits survive."""

from django.db import migrations


def load(apps, schema_editor):
    from helpcentre.content import spanish_load
    from helpcentre.search import index_rebuild

    Article = apps.get_model("helpcentre", "Article")
    spanish_load(category_model=apps.get_model("helpcentre", "Category"), article_model=Article)
    index_rebuild(article_model=Article, using=schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("helpcentre", "0005_spanish_search_index")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
