"""Full-text index on tickets: FTS5 with triggers on SQLite, a GIN expression index on
PostgreSQL (see sweetspot/search/index.py). Vendor-specific SQL runs inside RunPython, guarded
by connection.vendor."""

from django.db import migrations


def forwards(apps, schema_editor):
    from sweetspot.search import index

    index.install(schema_editor)


def backwards(apps, schema_editor):
    from sweetspot.search import index

    index.uninstall()


class Migration(migrations.Migration):
    dependencies = [("desk", "0002_timeentry_billed_at_timeentry_subcontractor_and_more")]

    operations = [migrations.RunPython(forwards, backwards)]
