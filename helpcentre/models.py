"""Help articles as data operations edit in the admin, and the searches that found nothing."""

from __future__ import annotations

import re
import time

from django.contrib.postgres.search import SearchVectorField
from django.core.cache import cache
from django.db import models
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.urls import reverse

from portal.language import in_language, reader_language

TOPIC_KEY = re.compile(r"^[a-z0-9-]+$")
LANGUAGES = ("en", "es")


class InReaderLanguage:
    """``local_<field>``: the Spanish field (``<field>_es``) for a Spanish reader when the object
    has its Spanish text, else the English field. One rule for every help page and the JSON."""

    TRANSLATED: tuple[str, ...] = ()

    @property
    def has_spanish(self) -> bool:
        return all(getattr(self, f"{field}_es") for field in self.TRANSLATED)

    @property
    def translation_missing(self) -> bool:
        return reader_language() == "es" and not self.has_spanish

    def in_reader_language(self, field: str) -> str:
        return in_language(getattr(self, field), getattr(self, f"{field}_es") if self.has_spanish else "")


class Category(InReaderLanguage, models.Model):
    name = models.CharField(max_length=80)
    slug = models.SlugField(unique=True)
    summary = models.CharField(max_length=200, blank=True)
    name_es = models.CharField("name (Spanish)", max_length=80, blank=True)
    summary_es = models.CharField("summary (Spanish)", max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(default=0, help_text="Lower comes first.")

    class Meta:
        ordering = ("position", "name")
        verbose_name_plural = "categories"

    TRANSLATED = ("name",)

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("helpcentre:category", args=[self.slug])

    @property
    def local_name(self) -> str:
        return self.in_reader_language("name")

    @property
    def local_summary(self) -> str:
        return self.in_reader_language("summary")


class ArticleQuerySet(models.QuerySet):
    def published(self) -> ArticleQuerySet:
        # The search vector is only read by the search query itself.
        return self.filter(published=True).defer("search_vector", "search_vector_es")

    def most_read(self) -> ArticleQuerySet:
        return self.published().order_by("-view_count", "title")

    def for_topic(self, topic: str) -> ArticleQuerySet:
        """Articles tagged with the page key ``topic`` (a whole word of ``topics``)."""
        if not TOPIC_KEY.match(topic):
            return self.none()
        return self.published().filter(topics__iregex=rf"(^|[ ,]){topic}($|[ ,])")


class Article(InReaderLanguage, models.Model):
    title = models.CharField(max_length=150)
    slug = models.SlugField(max_length=80, unique=True)
    summary = models.CharField(max_length=300, help_text="One or two sentences; shown in results.")
    body = models.TextField(
        help_text="Markdown. {{ lessor_name }}, {{ customer_phone }}, {{ payments_phone }}, {{ hours }} "
        "and the other LESSOR settings are filled in when the page is shown."
    )
    title_es = models.CharField("title (Spanish)", max_length=150, blank=True)
    summary_es = models.CharField("summary (Spanish)", max_length=300, blank=True)
    body_es = models.TextField(
        "body (Spanish)",
        blank=True,
        help_text="Markdown, the same placeholders. Empty: Spanish readers see the English.",
    )
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="articles")
    related = models.ManyToManyField("self", blank=True, symmetrical=False, related_name="+")
    topics = models.CharField(
        max_length=200,
        blank=True,
        help_text="Page keys, separated by spaces: the pages that link here as contextual help "
        "(vehicles, lease, quote, compare, return-kit, turn-in, pay, statement).",
    )
    last_reviewed = models.DateField()
    view_count = models.PositiveIntegerField(default=0, editable=False)
    published = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)
    # PostgreSQL only (weighted tsvector, GIN index); on SQLite the FTS5 table helpcentre_article_fts.
    search_vector = SearchVectorField(null=True, editable=False)
    # The Spanish text's vector (Spanish stemming, accents removed); on SQLite helpcentre_article_fts_es.
    search_vector_es = SearchVectorField(null=True, editable=False)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ("title",)

    TRANSLATED = ("title", "summary", "body")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("helpcentre:article", args=[self.slug])

    @property
    def local_title(self) -> str:
        return self.in_reader_language("title")

    @property
    def local_summary(self) -> str:
        return self.in_reader_language("summary")

    @property
    def local_body(self) -> str:
        return self.in_reader_language("body")


ARTICLES_VERSION_KEY = "help-articles-version"


def articles_version() -> str:
    """Changes whenever an article is saved or deleted: part of the key of what is cached from them."""
    return cache.get_or_set(ARTICLES_VERSION_KEY, lambda: str(time.time_ns()), None) or "none"


@receiver([post_save, post_delete], sender=Article)
def _article_changed(sender, **kwargs) -> None:
    cache.set(ARTICLES_VERSION_KEY, str(time.time_ns()), None)


class SearchMiss(models.Model):
    """A search that found nothing, normalised, so operations see what lessees ask that we lack."""

    query = models.CharField(max_length=200, unique=True)
    count = models.PositiveIntegerField(default=1)
    first_seen = models.DateTimeField()
    last_seen = models.DateTimeField()

    class Meta:
        ordering = ("-count", "-last_seen")
        verbose_name = "search with no results"
        verbose_name_plural = "searches with no results"

    def __str__(self) -> str:
        return self.query
