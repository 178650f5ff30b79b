"""The Spanish text's search index: a GIN index on ``search_vector_es`` (PostgreSQL), or a
second FTS5 table the app fills with Spanish stems (SQLite)."""

from django.db import migrations

FTS = "helpcentre_article_fts_es"
GIN = "helpcentre_article_search_es_gin"


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(f"CREATE INDEX {GIN} ON helpcentre_article USING gin (search_vector_es)")
    elif vendor == "sqlite":
        schema_editor.execute(
            f"CREATE VIRTUAL TABLE {FTS} USING fts5(title, summary, body, tokenize = 'unicode61 remove_diacritics 2')"
        )


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {GIN}")
    elif vendor == "sqlite":
        schema_editor.execute(f"DROP TABLE IF EXISTS {FTS}")


class Migration(migrations.Migration):
    dependencies = [("helpcentre", "0004_spanish_text")]
    operations = [migrations.RunPython(create, drop)]
