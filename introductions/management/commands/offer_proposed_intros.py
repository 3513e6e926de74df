from django.core.management.base import BaseCommand

from introductions import outbox, services


class Command(BaseCommand):
    help = (
        "Offer every proposed introduction now (the beat task does this every few "
        "minutes): both members get the offer email, through the outbox."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--send-now",
            action="store_true",
            help="Also send the pending emails in this process (no worker needed).",
        )

    def handle(self, *args, **options):
        offered = services.intros_offer_proposed()
        self.stdout.write(f"Offered {offered} introductions.")
        if options["send_now"]:
            sent = 0
            for outbox_id in outbox.outbox_ids_pending():
                sent += outbox.outbox_send(outbox_id=outbox_id)
            self.stdout.write(f"Sent {sent} emails.")
