from django.db import migrations

from profiles.taxonomy import load_taxonomy


def seed_taxonomy(apps, schema_editor):
    load_taxonomy(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("profiles", "0001_initial"),
    ]

    operations = [
        # Reversing keeps the rows: members may already link to these tags.
        migrations.RunPython(seed_taxonomy, migrations.RunPython.noop, elidable=False),
    ]
