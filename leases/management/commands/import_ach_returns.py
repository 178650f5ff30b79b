from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from leases.billing import ach
from portal import clock


class Command(BaseCommand):
    help = "Apply an ACH returns file: reverse each returned payment and tell the lessee. " + ach.RETURNS_FORMAT

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", type=Path)

    def handle(self, *args, path: Path, **options) -> None:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error}") from None
        result = ach.ach_returns_import(text=text, today=clock.today())
        self.stdout.write(f"Returned: {len(result.returned)}. Already returned before: {len(result.already)}.")
        for error in result.errors:
            self.stderr.write(error)
        if result.errors:
            raise CommandError(f"{len(result.errors)} line(s) could not be applied.")
