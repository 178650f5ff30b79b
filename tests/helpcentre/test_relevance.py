"""Each lessee question (typos and synonyms included) finds its article in the top 3, on
PostgreSQL (the test database) and on SQLite (``make run``'s database: a fresh file migrated
and searched by ``manage.py help_search`` in a subprocess)."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from helpcentre.search import search
from tests.helpcentre.questions import QUESTIONS, QUESTIONS_ES

ROOT = Path(__file__).resolve().parents[2]
IDS = [q for q, _ in QUESTIONS]
IDS_ES = [q for q, _ in QUESTIONS_ES]


def test_there_are_at_least_forty_questions_over_many_articles():
    assert len(QUESTIONS) >= 40
    assert len({slug for _, slug in QUESTIONS}) >= 40


def test_there_are_at_least_twenty_spanish_questions_over_many_articles():
    assert len(QUESTIONS_ES) >= 20
    assert len({slug for _, slug in QUESTIONS_ES}) >= 20


@pytest.mark.postgres
@pytest.mark.parametrize(("question", "slug"), QUESTIONS_ES, ids=IDS_ES)
def test_each_spanish_question_finds_its_article_in_the_top_three_on_postgresql(articles, question, slug):
    assert slug in [a.slug for a in search(question, limit=3, language="es").articles]


@pytest.mark.postgres
@pytest.mark.parametrize(("question", "slug"), QUESTIONS, ids=IDS)
def test_each_question_finds_its_article_in_the_top_three_on_postgresql(articles, question, slug):
    assert slug in [a.slug for a in search(question, limit=3).articles]


class SqliteSite:
    """A fresh SQLite database, migrated as ``make run`` does, and ``manage.py`` run against it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.env = {**os.environ, "DATABASE_URL": f"sqlite:///{path}", "REDIS_URL": "", "DEBUG": "1"}

    def manage(self, *args: str) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=300
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    def top_three(self, *questions: str, language: str = "en") -> dict[str, list[str]]:
        return json.loads(self.manage("help_search", "--json", "--top", "3", "--language", language, *questions))


@pytest.fixture(scope="module")
def sqlite_site(tmp_path_factory) -> SqliteSite:
    site = SqliteSite(tmp_path_factory.mktemp("sqlite") / "help.sqlite3")
    site.manage("migrate", "--noinput", "-v0")
    return site


@pytest.fixture(scope="module")
def sqlite_top_three(sqlite_site) -> dict[str, list[str]]:
    return sqlite_site.top_three(*IDS)


@pytest.mark.parametrize(("question", "slug"), QUESTIONS, ids=IDS)
def test_each_question_finds_its_article_in_the_top_three_on_sqlite(sqlite_top_three, question, slug):
    assert slug in sqlite_top_three[question]


@pytest.fixture(scope="module")
def sqlite_top_three_es(sqlite_site) -> dict[str, list[str]]:
    return sqlite_site.top_three(*IDS_ES, language="es")


@pytest.mark.parametrize(("question", "slug"), QUESTIONS_ES, ids=IDS_ES)
def test_each_spanish_question_finds_its_article_in_the_top_three_on_sqlite(sqlite_top_three_es, question, slug):
    assert slug in sqlite_top_three_es[question]


def test_on_sqlite_a_missing_search_table_falls_back_to_a_plain_match(sqlite_site, sqlite_top_three):
    with sqlite3.connect(sqlite_site.path) as db:
        db.execute("DROP TABLE helpcentre_article_fts")
    assert "security-deposit" in sqlite_site.top_three("security deposit")["security deposit"]
