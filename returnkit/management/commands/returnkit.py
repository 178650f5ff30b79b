from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from leases.selectors import lease_by_account_number
from portal import clock
from returnkit.services import kit_for_lease, kit_pdf_bytes


class Command(BaseCommand):
    help = "Write one lease's Vehicle Return Kit as a PDF (the stored kit, rebuilt if the lease changed)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("account_number", help="the lease account number (10 digits)")
        parser.add_argument("-o", "--output", help="where to write the PDF (default: kit-<account>.pdf)")

    def handle(self, *args, account_number: str, output: str | None, **options) -> None:
        account_number = account_number.strip()
        lease = lease_by_account_number(account_number)
        if lease is None:
            raise CommandError(f"No lease has account number {account_number!r}.")
        kit = kit_for_lease(lease, today=clock.today())
        path = Path(output or f"kit-{account_number}.pdf")
        path.write_bytes(kit_pdf_bytes(kit))
        self.stdout.write(f"Wrote {path}: {kit.pages} pages, figures as of {kit.prepared_on:%Y-%m-%d}.")
