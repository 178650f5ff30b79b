import logging
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.management.base import BaseCommand
from django.test.utils import override_settings

from leases import demo
from portal import clock
from portal.demo import seed_demo
from returnkit.tasks import daily_sweep


class Command(BaseCommand):
    help = "Create the demo portfolio (safe to run again), or --leases N extra leases for benchmarks."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--leases", type=int, default=0, help="bulk-create this many leases for benchmarks")

    def handle(self, *args, leases: int, **options) -> None:
        today = clock.today()
        if leases:
            made = demo.seed_portfolio(leases, today)
            self.stdout.write(f"Created {made:,} leases.")
            return
        # The demo's own emails (a final bill, today's reminders with their PDF kits) are kept out
        # of the console; the sweep runs so the demo shows kits sent and notices waiting.
        # The in-process tasks' log lines ("Task … succeeded", kombu's "No hostname was supplied")
        # would come before the sign-ins a newcomer is looking for: only errors are shown.
        mailers = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
        with override_settings(MAILERS=mailers), _errors_only():
            sign_ins = seed_demo(today)
            daily_sweep(today.isoformat())
        self.stdout.write(self.style.SUCCESS(f"Demo sign-ins (password for all: {demo.DEMO_PASSWORD}):"))
        for email, what in sign_ins:
            self.stdout.write(f"  {email:<38} {what}")
        self.stdout.write("Operations and dealer staff add an authenticator app (two-factor) on their first sign-in.")
        unlinked = demo.unlinked_demo_lease()
        if unlinked:
            lessee = unlinked.parties.first().lessee
            self.stdout.write(
                f"To try linking a lease after signing up: account {unlinked.account_number}, "
                f"VIN ending {unlinked.vehicle.vin[-6:]}, ZIP {lessee.zip_code}"
            )


@contextmanager
def _errors_only() -> Iterator[None]:
    logging.disable(logging.WARNING)
    try:
        yield
    finally:
        logging.disable(logging.NOTSET)
