from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("profiles", "0003_privacy_settings"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="profile",
            index=models.Index(
                condition=models.Q(
                    ("listed_in_directory", True), ("onboarded_at__isnull", False)
                ),
                fields=["display_name", "id"],
                name="profile_directory_order",
            ),
        ),
        # One most-common-value slot per tag (about a thousand): the planner then
        # knows how many members hold any tag, rare or popular.
        migrations.RunSQL(
            "ALTER TABLE profiles_memberinterest "
            "ALTER COLUMN interest_id SET STATISTICS 1000",
            "ALTER TABLE profiles_memberinterest "
            "ALTER COLUMN interest_id SET STATISTICS -1",
        ),
    ]
