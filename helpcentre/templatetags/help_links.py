from django import template
from django.core.cache import cache

from helpcentre.models import ARTICLES_VERSION_KEY, Article, articles_version
from portal.language import reader_language

register = template.Library()
SHOWN = 3
KEPT_SECONDS = 5 * 60  # the order follows reading figures: a few minutes behind is fine


@register.inclusion_tag("helpcentre/_help_links.html")
def help_links(topic: str) -> dict:
    """``{% help_links "turn-in" %}``: the most-read articles whose topics name this page, kept in
    the cache (titles in the reader's language, and links) with the articles' version they were made
    at, and used while that is the version (read with them: one round trip); one query on a miss."""
    key = f"help-links:{reader_language()}:{topic}"
    got = cache.get_many([ARTICLES_VERSION_KEY, key])
    version, kept = got.get(ARTICLES_VERSION_KEY) or articles_version(), got.get(key)
    if kept is not None and kept[0] == version:
        return {"articles": kept[1]}
    found = Article.objects.for_topic(topic).order_by("-view_count", "title")[:SHOWN]
    articles = [{"local_title": a.local_title, "get_absolute_url": a.get_absolute_url()} for a in found]
    cache.set(key, (version, articles), KEPT_SECONDS)
    return {"articles": articles}
