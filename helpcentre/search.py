"""Search that always answers something.

One pipeline for both databases: normalise the query, correct words no article contains to the
nearest word one does (typos), expand the lessees' synonyms (``synonyms.SYNONYMS``), then ask
the database's full-text search for articles matching any term, scored alike on both: first the
number of distinct terms an article matches, then how well (title over summary over body).

- PostgreSQL: the stored, weighted ``Article.search_vector`` (title A, summary B, body C,
  English stemming, GIN index), ``SearchRank``, and pg_trgm's word similarity between the query
  and the title, which also finds titles for misspellings the vocabulary missed;
- SQLite (``make run``): the FTS5 table ``helpcentre_article_fts`` (Porter stemming), with
  column filters for the weights and ``bm25`` to break ties.

Spanish readers (``models.reader_language``) search the Spanish text the same way, with accents
removed on both sides (lessees rarely type them): on PostgreSQL ``Article.search_vector_es``
(Spanish stemming), on SQLite ``helpcentre_article_fts_es`` filled with Spanish Snowball stems
(``snowballstemmer``; FTS5 has no Spanish stemmer); synonyms from ``synonyms.SYNONYMS_ES``;
typos corrected against the Spanish vocabulary.

An empty query lists the most-read articles; no match offers the closest titles. If the search
query fails for any database reason, a plain ``icontains`` on titles and summaries answers.
"""

from __future__ import annotations

import bisect
import difflib
import logging
import operator
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache, reduce

import snowballstemmer
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector, TrigramWordSimilarity
from django.db import DatabaseError, connection, transaction
from django.db.models import Case, Count, F, Max, Q, Value, When

from helpcentre.models import Article
from helpcentre.synonyms import SYNONYMS, SYNONYMS_ES
from portal.language import reader_language

log = logging.getLogger(__name__)

FTS_TABLE = "helpcentre_article_fts"
FTS_TABLE_ES = "helpcentre_article_fts_es"
MAX_QUERY = 200
RESULTS = 10
# PostgreSQL's default weights for A (title), B (summary) and C (body); the SQLite scoring uses the same.
COLUMN_WEIGHTS = {"title": 1.0, "summary": 0.4, "body": 0.2}
PLAIN_CANDIDATES = 100  # the fallback ranks at most this many matches
TITLE_SIMILARITY = 0.5  # pg_trgm word similarity above which a title matches on its own
WORD = re.compile(r"[a-z0-9\u00e0-\u00fc]+")
STOPWORDS = frozenset(
    WORD.findall(
        """a about am an and any are as at be been but by can could did do does doing for from get
    getting got had has have how i if in into is it its just me my of on or our out so than that
    the their them then there these they this to us was we what whats when where which who why
    will with would you your"""
    )
)

STOPWORDS_ES = frozenset(
    WORD.findall(
        """a al algo algun alguna como con cual cuales cuando de del donde el ella ellos en era es esa
    ese eso esta estan este esto estoy hay hacer hago la las le les lo los me mi mis muy necesito
    no nos o para pero por porque puedo puede que quiero se si sin sobre soy su sus te tengo ti
    tu tus un una uno unos usted ustedes y ya yo debo llega llegan llego"""
    )
)


@dataclass(frozen=True)
class Language:
    """What searching in one language needs: its fields, words and index."""

    code: str
    fields: tuple[str, str, str]  # title, summary, body
    stopwords: frozenset[str]
    synonyms: tuple[tuple[str, ...], ...]
    config: str  # PostgreSQL text search configuration
    vector: str  # the stored vector's field
    fts_table: str  # SQLite


ENGLISH = Language("en", ("title", "summary", "body"), STOPWORDS, SYNONYMS, "english", "search_vector", FTS_TABLE)
SPANISH = Language(
    "es", ("title_es", "summary_es", "body_es"), STOPWORDS_ES, SYNONYMS_ES, "spanish", "search_vector_es", FTS_TABLE_ES
)


def language_for(code: str | None = None) -> Language:
    return SPANISH if (code or reader_language()) == "es" else ENGLISH


def plain(text: str) -> str:
    """Lower case without accents ("devolución" -> "devolucion"): how Spanish is indexed and searched."""
    return "".join(c for c in unicodedata.normalize("NFKD", text.lower()) if not unicodedata.combining(c))


@cache
def _spanish_stemmer():
    return snowballstemmer.stemmer("spanish")


def spanish_stems(text: str) -> str:
    """The text as Spanish Snowball stems, accents removed: what the SQLite Spanish index holds."""
    return " ".join(_spanish_stemmer().stemWords(WORD.findall(plain(text))))


@dataclass
class Results:
    query: str
    articles: list[Article]
    corrected: str = ""  # the query as searched, when typos were corrected
    popular: bool = False  # an empty query: the most-read articles
    fallback: bool = False  # the search index failed; a plain match answered
    suggestions: list[Article] = field(default_factory=list)


def normalise(query: str) -> str:
    """Lower case, single spaces, at most MAX_QUERY characters: how queries are compared and counted."""
    return " ".join(query.lower().split())[:MAX_QUERY]


def search(query: str, *, limit: int = RESULTS, language: str | None = None) -> Results:
    """Search in ``language`` ("en" or "es"; by default the reader's)."""
    lang = language_for(language)
    text = normalise(query)
    if not WORD.search(text):
        return Results(query=text, articles=list(Article.objects.most_read()[:limit]), popular=True)
    typed = WORD.findall(plain(text) if lang is SPANISH else text)
    words = corrected_words(typed, lang)
    corrected = " ".join(words)
    try:
        with transaction.atomic():
            ids = _search_ids(expand(words, lang), corrected, limit, lang)
        articles = _in_order(ids)
        fallback = False
    except DatabaseError:
        log.exception("help search failed; answering with a plain match")
        articles, fallback = _plain_match(words, limit, lang), True
    results = Results(
        query=text,
        articles=articles,
        corrected=corrected if corrected != " ".join(typed) else "",
        fallback=fallback,
    )
    if not articles:
        results.suggestions = closest_titles(text, lang)
    return results


# --- the query ----------------------------------------------------------------------------------


def expand(words: list[str], lang: Language = ENGLISH) -> list[tuple[str, ...]]:
    """The query as terms, each a tuple of alternative phrases: a phrase found in a synonym group
    (longest first) brings the whole group; other words stand alone; stopwords are dropped."""
    terms: list[tuple[str, ...]] = []
    i = 0
    while i < len(words):
        group, length = _synonym_at(words, i, lang.synonyms)
        if group:
            terms.append(group)
            i += length
            continue
        if words[i] not in lang.stopwords and (len(words[i]) > 1 or words[i].isdigit()):
            terms.append((words[i],))
        i += 1
    return list(dict.fromkeys(terms))


def _synonym_at(words: list[str], i: int, synonyms) -> tuple[tuple[str, ...], int]:
    best: tuple[tuple[str, ...], int] = ((), 0)
    for group in synonyms:
        for phrase in group:
            parts = phrase.split()
            if len(parts) > best[1] and words[i : i + len(parts)] == parts:
                best = (group, len(parts))
    return best


def vocabulary(lang: Language = ENGLISH) -> frozenset[str]:
    """Every word of every published article and of the synonyms in one language (Spanish
    without accents), rebuilt when an article changes."""
    stamp = tuple(Article.objects.published().aggregate(n=Count("id"), at=Max("updated_at")).values())
    cached = _vocabulary_cache.setdefault(lang.code, {})
    if cached.get("stamp") != stamp:
        words = {w for group in lang.synonyms for phrase in group for w in phrase.split()}
        for row in Article.objects.published().values_list(*lang.fields):
            text = " ".join(row).lower()
            words.update(WORD.findall(plain(text) if lang is SPANISH else text))
        known = frozenset(w for w in words if len(w) > 2)
        cached.update(stamp=stamp, words=known, sorted=sorted(known))
    return cached["words"]


_vocabulary_cache: dict[str, dict] = {}


def corrected_words(words: list[str], lang: Language = ENGLISH) -> list[str]:
    """Each word we have never seen, not even as the start of a longer word ("financ" of
    "financing"), replaced by the closest word we have (difflib), if one is close enough."""
    known = vocabulary(lang)
    out = []
    for word in words:
        stem = word[: max(4, len(word) - 2)]
        if len(word) < 4 or word in known or word in lang.stopwords or word.isdigit() or _starts_any(stem, lang):
            out.append(word)
            continue
        match = difflib.get_close_matches(word, known, n=1, cutoff=0.75)
        out.append(match[0] if match else word)
    return out


def _starts_any(stem: str, lang: Language) -> bool:
    ordered = _vocabulary_cache[lang.code]["sorted"]
    at = bisect.bisect_left(ordered, stem)
    return at < len(ordered) and ordered[at].startswith(stem)


def closest_titles(text: str, lang: Language = ENGLISH, *, count: int = 3) -> list[Article]:
    """'Did you mean': the published titles most like the query, whatever it was."""
    titles = list(Article.objects.published().exclude(**{lang.fields[0]: ""}).values_list("id", lang.fields[0]))
    scored = sorted(titles, key=lambda row: -difflib.SequenceMatcher(None, text, row[1].lower()).ratio())
    return _in_order([pk for pk, _ in scored[:count]])


# --- the backends -------------------------------------------------------------------------------


def _search_ids(terms: list[tuple[str, ...]], corrected: str, limit: int, lang: Language) -> list[int]:
    if connection.vendor == "postgresql":
        return _postgres_ids(terms, corrected, limit, lang)
    if connection.vendor == "sqlite":
        return _sqlite_ids(terms, limit, lang)
    raise DatabaseError(f"no full-text search on {connection.vendor}")


def _postgres_ids(terms: list[tuple[str, ...]], corrected: str, limit: int, lang: Language) -> list[int]:
    """Articles matching any term (through the GIN index), scored by the distinct terms they
    match first (so the article about *financing* a *buyout* beats one that says "buyout" ten
    times), then the weighted rank, then the title's trigram similarity to the query. When that
    finds too few, titles alone that look like the query (pg_trgm) fill up the list."""
    similarity = TrigramWordSimilarity(Value(corrected), lang.fields[0])
    vector = lang.vector
    ids: list[int] = []
    if terms:
        each = [SearchQuery(_tsquery_term(term), search_type="raw", config=lang.config) for term in terms]
        anything = reduce(operator.or_, each)
        matched = reduce(operator.add, [Case(When(**{vector: q}, then=Value(1.0)), default=Value(0.0)) for q in each])
        score = matched + SearchRank(F(vector), anything) + similarity * Value(0.2)
        rows = Article.objects.filter(published=True, **{vector: anything}).annotate(score=score)
        ids = list(rows.order_by("-score", "title").values_list("id", flat=True)[:limit])
    if len(ids) < limit:
        alike = Article.objects.filter(published=True).exclude(id__in=ids).annotate(similarity=similarity)
        alike = alike.filter(similarity__gte=TITLE_SIMILARITY).order_by("-similarity", "title")
        ids += list(alike.values_list("id", flat=True)[: limit - len(ids)])
    return ids


def _tsquery_term(term: tuple[str, ...]) -> str:
    """'turn <-> in | return | drop <-> off': one term's alternatives. Words are [a-z0-9] only,
    so nothing here can break the tsquery syntax."""
    return " | ".join(" <-> ".join(phrase.split()) for phrase in term)


def _sqlite_ids(terms: list[tuple[str, ...]], limit: int, lang: Language) -> list[int]:
    """Scored as on PostgreSQL: for each term an article matches, 1 plus the weight of the best
    column it matches in (title over summary over body); bm25 over the whole query breaks ties.
    (bm25 alone would let one rare synonym outweigh a common word in the title.)"""
    scores: dict[int, float] = defaultdict(float)
    table = lang.fts_table
    if lang is SPANISH:  # the table holds stems
        terms = [tuple(dict.fromkeys(spanish_stems(phrase) for phrase in term)) for term in terms]
    with connection.cursor() as cursor:
        for term in terms:
            alternatives = " OR ".join(f'"{phrase}"' for phrase in term)
            best: dict[int, float] = {}
            for column, weight in COLUMN_WEIGHTS.items():
                cursor.execute(
                    f"SELECT rowid FROM {table} WHERE {table} MATCH %s",  # noqa: S608 - constants only
                    [f"{column} : ({alternatives})"],
                )
                for (rowid,) in cursor.fetchall():
                    best[rowid] = max(best.get(rowid, 0.0), weight)
            for rowid, weight in best.items():
                scores[rowid] += 1 + weight
        everything = " OR ".join(f'"{phrase}"' for term in terms for phrase in term)
        cursor.execute(
            f"SELECT rowid, -bm25({table}, %s, %s, %s) FROM {table} WHERE {table} MATCH %s",  # noqa: S608
            [*COLUMN_WEIGHTS.values(), everything],
        )
        for rowid, relevance in cursor.fetchall():
            scores[rowid] += 0.1 * relevance / (1 + relevance)
    return sorted(scores, key=lambda rowid: (-scores[rowid], rowid))[:limit]


def _plain_match(words: list[str], limit: int, lang: Language = ENGLISH) -> list[Article]:
    """Titles and summaries containing the words, those with the most words (title first) on top."""
    wanted = [w for w in words if w not in lang.stopwords] or words
    title_field, summary_field, _ = lang.fields
    match = Q()
    for word in wanted:
        match |= Q(**{f"{title_field}__icontains": word}) | Q(**{f"{summary_field}__icontains": word})
    found = Article.objects.most_read().select_related("category").filter(match)[:PLAIN_CANDIDATES]

    def hits(article: Article) -> int:
        title, summary = plain(getattr(article, title_field)), plain(getattr(article, summary_field))
        return sum(2 * (w in title) + (w in summary) for w in wanted)

    return sorted(found, key=hits, reverse=True)[:limit]


def _in_order(ids: list[int]) -> list[Article]:
    found = Article.objects.published().select_related("category").in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]


# --- keeping the index up to date ---------------------------------------------------------------


def search_vector() -> SearchVector:
    return (
        SearchVector("title", weight="A", config="english")
        + SearchVector("summary", weight="B", config="english")
        + SearchVector("body", weight="C", config="english")
    )


def search_vector_es(title: str, summary: str, body: str) -> SearchVector:
    """The Spanish text's vector, accents removed first (as queries are)."""
    return (
        SearchVector(Value(plain(title)), weight="A", config="spanish")
        + SearchVector(Value(plain(summary)), weight="B", config="spanish")
        + SearchVector(Value(plain(body)), weight="C", config="spanish")
    )


def index_rebuild(*, article_model=None, using=None) -> None:
    """Bring the search index up to date with every article (a few milliseconds for hundreds).
    Called after each admin change, by the data migration and by ``manage.py help_reindex``."""
    model = article_model or Article
    conn = using or connection
    # The data migration before the Spanish fields existed passes a model without them.
    spanish = any(f.name == SPANISH.fields[0] for f in model._meta.get_fields())
    if conn.vendor == "postgresql":
        articles = model.objects.using(conn.alias)
        articles.update(search_vector=search_vector())
        for pk, *texts in articles.values_list("id", *SPANISH.fields) if spanish else ():
            articles.filter(pk=pk).update(search_vector_es=search_vector_es(*texts))
    elif conn.vendor == "sqlite":
        with conn.cursor() as cursor:
            cursor.execute(f"DELETE FROM {FTS_TABLE}")  # noqa: S608
            cursor.execute(
                f"INSERT INTO {FTS_TABLE}(rowid, title, summary, body) "  # noqa: S608
                "SELECT id, title, summary, body FROM helpcentre_article WHERE published"
            )
            if spanish:
                _sqlite_spanish_fill(cursor, model.objects.using(conn.alias))


def _sqlite_spanish_fill(cursor, articles) -> None:
    cursor.execute(f"DELETE FROM {FTS_TABLE_ES}")  # noqa: S608
    rows = articles.filter(published=True).values_list("id", *SPANISH.fields)
    cursor.executemany(
        f"INSERT INTO {FTS_TABLE_ES}(rowid, title, summary, body) VALUES (%s, %s, %s, %s)",  # noqa: S608
        [(pk, *(spanish_stems(text) for text in texts)) for pk, *texts in rows],
    )
