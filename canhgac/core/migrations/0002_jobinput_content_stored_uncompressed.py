"""Store uploaded job files uncompressed on PostgreSQL.

Feed lists arrive as text of 10+ MB; PostgreSQL's default EXTENDED storage pglz-compresses such a bytea value when
the job stores it (about 0.4 s for a 14 MB list), to save space on a row that is read once and deleted with its
job. EXTERNAL keeps it out of line but uncompressed. SQLite has no such setting: there the migration does nothing.
"""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps


def _set_content_storage(schema_editor: BaseDatabaseSchemaEditor, storage: str) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    quote = schema_editor.quote_name
    schema_editor.execute(f"ALTER TABLE {quote('core_jobinput')} ALTER COLUMN {quote('content')} SET STORAGE {storage}")


def store_uncompressed(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _set_content_storage(schema_editor, "EXTERNAL")


def store_compressed(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _set_content_storage(schema_editor, "EXTENDED")


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(store_uncompressed, store_compressed, elidable=False),
    ]
