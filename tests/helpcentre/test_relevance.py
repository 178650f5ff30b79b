"""Each lessee question (typos and synonyms included) finds its article in the top 3, on
PostgreSQL (the test database) and on SQLite (``make run``'s database: a fresh file migrated
and searched by ``manage.py help_search`` in a subprocess)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from helpcentre.search import search
from tests.helpcentre.questions import QUESTIONS

ROOT = Path(__file__).resolve().parents[2]
IDS = [q for q, _ in QUESTIONS]


def test_there_are_at_least_forty_questions_over_many_articles():
    assert len(QUESTIONS) >= 40
    assert len({slug for _, slug in QUESTIONS}) >= 40


@pytest.mark.postgres
@pytest.mark.parametrize(("question", "slug"), QUESTIONS, ids=IDS)
def test_each_question_finds_its_article_in_the_top_three_on_postgresql(articles, question, slug):
    assert slug in [a.slug for a in search(question, limit=3).articles]


@pytest.fixture(scope="module")
def sqlite_top_three(tmp_path_factory) -> dict[str, list[str]]:
    database = tmp_path_factory.mktemp("sqlite") / "help.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "REDIS_URL": "", "DEBUG": "1"}

    def manage(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    manage("migrate", "--noinput", "-v0")
    return json.loads(manage("help_search", "--json", "--top", "3", *IDS))


@pytest.mark.parametrize(("question", "slug"), QUESTIONS, ids=IDS)
def test_each_question_finds_its_article_in_the_top_three_on_sqlite(sqlite_top_three, question, slug):
    assert slug in sqlite_top_three[question]
