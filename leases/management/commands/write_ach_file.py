from django.core.management.base import BaseCommand

from leases.billing.tasks import write_ach_file


class Command(BaseCommand):
    help = "Settle debits old enough and write the NACHA file for what is waiting (the nightly task, now)."

    def handle(self, *args, **options) -> None:
        self.stdout.write(write_ach_file())
