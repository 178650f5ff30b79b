"""Help centre search: time per search and per page over 500 articles, on the configured database.

A script, not a test (pytest does not collect it). From the project root:
    .venv/bin/python tests/perf/bench_search.py [--articles 500] [--searches 500]

It uses DATABASE_URL (default: the bench database `scripts/bench` uses; a SQLite URL works too),
migrates it, and inside one transaction that is rolled back at the end adds synthetic articles
(variants of the shipped ones) up to --articles, indexes them, then times:
- search(): the lessee questions of tests/helpcentre/questions.py, cycled to --searches, p50/p95;
- the results page and the suggestions JSON through Django's handler (no web server);
- relevance: how many questions still find their article (or a variant of it) in the top 3.
Nothing it creates is kept.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/leaseportal_bench")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

from helpcentre.content import REVIEWED_ON, articles_load  # noqa: E402
from helpcentre.models import Article  # noqa: E402
from helpcentre.search import index_rebuild, search  # noqa: E402
from tests.helpcentre.questions import QUESTIONS  # noqa: E402

MAKES = ("Toyota", "Honda", "Ford", "Subaru", "Kia", "Hyundai", "Nissan", "Mazda", "BMW", "Volvo")
STATES = ("New York", "Ohio", "Texas", "Oregon", "Georgia", "Illinois", "Arizona", "Maine", "Utah")


class Rollback(Exception):
    pass


def percentiles(times: list[float]) -> str:
    ordered = sorted(times)
    p95 = ordered[max(0, round(len(ordered) * 0.95) - 1)]
    return f"p50 {statistics.median(ordered):6.2f} ms  p95 {p95:6.2f} ms  max {ordered[-1]:6.2f} ms"


def grow_to(count: int) -> None:
    articles_load()
    bases = list(Article.objects.select_related("category"))
    extra = []
    for i in range(count - len(bases)):
        base = bases[i % len(bases)]
        make, state = MAKES[i % len(MAKES)], STATES[(i // len(MAKES)) % len(STATES)]
        extra.append(
            Article(
                title=f"{base.title} ({make}, {state})",
                slug=f"{base.slug}-v{i}",
                summary=base.summary,
                body=f"{base.body}\n\nFor a {make} registered in {state}, the same steps apply.\n",
                category=base.category,
                topics="",
                last_reviewed=REVIEWED_ON,
            )
        )
    Article.objects.bulk_create(extra)
    started = time.perf_counter()
    index_rebuild()
    print(f"{Article.objects.count()} articles; index rebuilt in {(time.perf_counter() - started) * 1000:.0f} ms")


def timed(call, queries: list[str]) -> list[float]:
    times = []
    for query in queries:
        started = time.perf_counter()
        call(query)
        times.append((time.perf_counter() - started) * 1000)
    return times


def run(articles: int, searches: int) -> None:
    grow_to(articles)
    questions = [q for q, _ in QUESTIONS]
    asked = (questions * (searches // len(questions) + 1))[:searches]
    search(asked[0])  # the vocabulary is built once per change of the articles
    print(f"search()          {percentiles(timed(search, asked))}  ({searches} searches)")
    client = Client()
    page, suggest = reverse("help"), reverse("helpcentre:search_json")
    pages = asked[:200]
    print(f"results page      {percentiles(timed(lambda q: client.get(page, {'q': q}), pages))}  (200 requests)")
    print(f"suggestions JSON  {percentiles(timed(lambda q: client.get(suggest, {'q': q}), pages))}  (200 requests)")
    found = sum(
        any(a.slug == slug or a.slug.startswith(slug + "-v") for a in search(q, limit=3).articles)
        for q, slug in QUESTIONS
    )
    print(f"relevance: {found} of {len(QUESTIONS)} questions find their article (or a variant) in the top 3")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=500)
    parser.add_argument("--searches", type=int, default=500)
    args = parser.parse_args()
    setup_test_environment()
    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor}")
    try:
        with transaction.atomic():
            run(args.articles, args.searches)
            raise Rollback
    except Rollback:
        pass


if __name__ == "__main__":
    main()
