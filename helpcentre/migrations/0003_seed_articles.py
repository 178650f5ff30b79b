"""The help articles we ship (helpcentre/seed/), indexed for search. Loading adds only the slugs
that are missing, so operations' edits survive."""

from django.db import migrations


def load(apps, schema_editor):
    from helpcentre.content import articles_load
    from helpcentre.search import index_rebuild

    Article = apps.get_model("helpcentre", "Article")
    articles_load(category_model=apps.get_model("helpcentre", "Category"), article_model=Article)
    index_rebuild(article_model=Article, using=schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("helpcentre", "0002_search_index")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
