from django.core.management.base import BaseCommand

from helpcentre.search import index_rebuild


class Command(BaseCommand):
    help = "Rebuild the help centre's search index (after editing articles outside the admin)."

    def handle(self, *args, **options) -> None:
        index_rebuild()
        self.stdout.write("help search index rebuilt")
