import json
import time

from django.core.management.base import BaseCommand, CommandError

from matching import selectors, services, tasks
from matching.models import Round, RoundPair


class Command(BaseCommand):
    help = (
        "Run a matching round. By default the round is queued to Celery (a worker "
        "must be running) and the command waits for it, up to --wait seconds; "
        "--sync runs it in this process instead, with no worker (handy on the demo "
        "data). Prints the round's figures and a few proposed intros."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Score and pair, but propose no introduction and touch no member.",
        )
        parser.add_argument(
            "--sync", action="store_true", help="Run in this process, not in Celery."
        )
        parser.add_argument(
            "--resume",
            type=int,
            metavar="ID",
            help="Continue round ID from where it stopped (crashed or failed).",
        )
        parser.add_argument(
            "--wait",
            type=float,
            default=900.0,
            help="Seconds to wait for a queued round (0: print its id and return).",
        )
        parser.add_argument(
            "--examples", type=int, default=5, help="Proposed intros to print."
        )

    def handle(self, *args, **options):
        if options["examples"] < 0:
            raise CommandError("--examples cannot be negative.")
        if options["wait"] < 0:
            raise CommandError("--wait cannot be negative.")
        if options["resume"] is not None:
            round_ = Round.objects.filter(pk=options["resume"]).first()
            if round_ is None:
                raise CommandError(f"There is no round {options['resume']}.")
            round_id = round_.pk
            if options["sync"]:
                round_ = services.round_run_sync(round_id=round_id)
            else:
                tasks.resume_round.delay(round_id)
        else:
            # Created here rather than by the task, so that its id is known without
            # waiting for a worker.
            round_ = services.round_create(
                trigger=Round.Trigger.COMMAND, dry_run=options["dry_run"]
            )
            if round_ is None:
                running = selectors.round_unfinished_id()
                raise CommandError(
                    f"Round {running} is still running; try again later, or"
                    f" continue it with --resume {running} if it is stuck."
                )
            round_id = round_.pk
            if options["sync"]:
                round_ = services.round_run_sync(round_id=round_id)
            else:
                tasks.start_round.delay(round_id=round_id)

        if not options["sync"]:
            if not options["wait"]:
                self.stdout.write(f"Round {round_id} queued.")
                return
            round_ = self._wait(round_id, options["wait"])
        self._report(round_, options["examples"])

    def _wait(self, round_id: int, seconds: float) -> Round:
        deadline = time.monotonic() + seconds
        while True:
            round_ = Round.objects.get(pk=round_id)
            if round_.status in Round.FINISHED_STATES:
                return round_
            if time.monotonic() > deadline:
                hint = (
                    " Is a Celery worker running?"
                    if round_.status == Round.Status.PENDING
                    else ""
                )
                raise CommandError(
                    f"Round {round_id} is still {round_.status} after {seconds:g} s;"
                    f" it goes on in the background.{hint}"
                )
            time.sleep(0.5)

    def _report(self, round_: Round, examples: int) -> None:
        if round_.status == Round.Status.FAILED:
            raise CommandError(f"{round_} failed: {round_.error}")
        w = self.stdout.write
        w(self.style.SUCCESS(str(round_)))
        w(f"  members considered  {round_.members_considered}")
        w(f"  members auto-paused {round_.members_paused}")
        w(f"  candidate pairs     {round_.candidate_pairs}")
        w(f"  pairs chosen        {round_.pairs_chosen}")
        w(f"  intros proposed     {round_.intros_created}")
        w(
            f"  members served      {round_.members_served}"
            f" / {round_.members_with_candidate} with a qualifying candidate"
        )
        w(f"  outside windows     {round_.pairs_outside_windows} pairs")
        w(f"  left out            {round_.left_out.count()}")
        w(
            "  seconds             "
            f"load {round_.seconds_load:.2f}, score {round_.seconds_score:.2f}, "
            f"pair {round_.seconds_pair:.2f}, write {round_.seconds_write:.2f}"
        )
        pairs = RoundPair.objects.filter(round=round_).select_related(
            "member_a", "member_b"
        )[:examples]
        for pair in pairs:
            w(f"\n  {pair.member_a} & {pair.member_b}  (score {pair.score:.3f})")
            w("    " + json.dumps(pair.explanation, ensure_ascii=False))
