from django import template
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import translation

from helpcentre.models import ARTICLES_VERSION_KEY, Article, articles_version
from portal.cache import drawn_once
from portal.language import reader_language

register = template.Library()
SHOWN = 3
KEPT_SECONDS = 5 * 60  # the order follows reading figures: a few minutes behind is fine


@register.simple_tag
def help_links(topic: str) -> str:
    """``{% help_links "turn-in" %}``: the most-read articles whose topics name this page, kept in
    the cache (titles in the reader's language, and links) with the articles' version they were made
    at, and used while that is the version (read with them: one round trip); one query on a miss.
    The box drawn from them is kept in the worker, by language and the links it shows."""
    language = reader_language()
    key = f"help-links:{language}:{topic}"
    got = cache.get_many([ARTICLES_VERSION_KEY, key])
    version, kept = got.get(ARTICLES_VERSION_KEY) or articles_version(), got.get(key)
    if kept is not None and kept[0] == version:
        articles = kept[1]
    else:
        found = Article.objects.for_topic(topic).order_by("-view_count", "title")[:SHOWN]
        articles = [{"local_title": a.local_title, "get_absolute_url": a.get_absolute_url()} for a in found]
        cache.set(key, (version, articles), KEPT_SECONDS)
    links = tuple((article["local_title"], article["get_absolute_url"]) for article in articles)
    return drawn(language, links)


@drawn_once(maxsize=256)
def drawn(language: str, links: tuple[tuple[str, str], ...]) -> str:
    """The help box for these (title, address) links, in ``language`` (safe HTML: the template escapes)."""
    articles = [{"local_title": title, "get_absolute_url": url} for title, url in links]
    with translation.override(language):
        return render_to_string("helpcentre/_help_links.html", {"articles": articles})
