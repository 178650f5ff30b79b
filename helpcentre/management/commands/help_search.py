import json

from django.core.management.base import BaseCommand

from helpcentre.search import search


class Command(BaseCommand):
    help = "Search the help centre as a lessee would; prints the slugs found, best first."

    def add_arguments(self, parser) -> None:
        parser.add_argument("queries", nargs="+")
        parser.add_argument("--top", type=int, default=3)
        parser.add_argument("--language", choices=("en", "es"), default="en", help="the reader's language")
        parser.add_argument("--json", action="store_true", dest="as_json", help="one JSON object {query: [slugs]}")

    def handle(self, *args, queries: list[str], top: int, language: str, as_json: bool, **options) -> None:
        found = {q: [a.slug for a in search(q, limit=top, language=language).articles] for q in queries}
        if as_json:
            self.stdout.write(json.dumps(found))
            return
        for query, slugs in found.items():
            self.stdout.write(f"{query}: {', '.join(slugs) or '(nothing)'}")
