from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from profiles.taxonomy import load_taxonomy


class Command(BaseCommand):
    help = (
        "Create any specialty, interest tag, goal or resource from the seed "
        "taxonomy that is missing. Safe to re-run: existing rows, including "
        "retired and merged tags, are left as the admins keep them."
    )

    def handle(self, *args, **options) -> None:
        with transaction.atomic():
            created = load_taxonomy(apps)
        summary = ", ".join(f"{count} {what}" for what, count in created.items())
        self.stdout.write(f"Taxonomy loaded; created {summary}.")
