import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from returnkit.tasks import daily_sweep


class Command(BaseCommand):
    help = "Run the daily reminder sweep now (the same as beat's), e.g. to catch up a missed day."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--today", help="the day to sweep for, YYYY-MM-DD (default: today)")

    def handle(self, *args, today: str | None, **options) -> None:
        if today:
            try:
                dt.date.fromisoformat(today)
            except ValueError:
                raise CommandError(f"--today must be a date like 2026-11-25, not {today!r}.") from None
        counts = daily_sweep(today)
        for kind, count in counts.items():
            self.stdout.write(f"{kind:<12} {count:>7,} lease(s) handed out")
