"""The search index each database needs: a GIN index on the stored vector (PostgreSQL), or an
FTS5 virtual table the app keeps filled (SQLite). Not in the model's Meta, because each exists
on one database only."""

from django.db import migrations

FTS = "helpcentre_article_fts"
GIN = "helpcentre_article_search_gin"


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(f"CREATE INDEX {GIN} ON helpcentre_article USING gin (search_vector)")
    elif vendor == "sqlite":
        schema_editor.execute(
            f"CREATE VIRTUAL TABLE {FTS} USING fts5(title, summary, body, tokenize = 'porter unicode61')"
        )


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {GIN}")
    elif vendor == "sqlite":
        schema_editor.execute(f"DROP TABLE IF EXISTS {FTS}")


class Migration(migrations.Migration):
    dependencies = [("helpcentre", "0001_articles")]
    operations = [migrations.RunPython(create, drop)]
