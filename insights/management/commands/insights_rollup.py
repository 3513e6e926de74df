from django.core.management.base import BaseCommand

from insights.services import insights_rollup


class Command(BaseCommand):
    help = "Bring the insights page's summary tables up to date."

    def add_arguments(self, parser):
        parser.add_argument(
            "--full",
            action="store_true",
            help="Recompute every round, week and member.",
        )

    def handle(self, *args, full: bool = False, **options):
        result = insights_rollup(full=full)
        self.stdout.write(
            f"{'Full' if result.full else 'Incremental'} rollup: "
            f"{result.rounds} rounds, {result.weeks} weeks, "
            f"{'all' if result.members < 0 else result.members} members; "
            + ", ".join(f"{step} {s:.1f} s" for step, s in result.seconds.items())
            + "."
        )
