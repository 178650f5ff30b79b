from django.core.management.base import BaseCommand, CommandError

from leases.models import Dealer
from portal import clock
from returnkit.turnin.slots import slots_generate


class Command(BaseCommand):
    help = "Create turn-in slots from each dealer's opening hours and bays (safe to run again)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--days", type=int, default=45)
        parser.add_argument("--dealer", action="append", default=[], help="dealer code (repeatable); default all")

    def handle(self, *args, days: int, dealer: list[str], **options) -> None:
        dealers = Dealer.objects.active()
        if dealer:
            dealers = dealers.with_codes(dealer)
            if not dealers.exists():
                raise CommandError("No active dealer with those codes.")
        for d in dealers:
            made = slots_generate(dealer=d, start=clock.today(), days=days)
            self.stdout.write(f"{d.code}: {made} new slots")
