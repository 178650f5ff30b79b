from django import template
from django.core.cache import cache

from helpcentre.models import Article, articles_version
from portal.language import reader_language

register = template.Library()
SHOWN = 3
KEPT_SECONDS = 5 * 60  # the order follows reading figures: a few minutes behind is fine


@register.inclusion_tag("helpcentre/_help_links.html")
def help_links(topic: str) -> dict:
    """``{% help_links "turn-in" %}``: the most-read articles whose topics name this page, kept in
    the cache (titles in the reader's language, and links) until an article is saved or deleted;
    one query on a miss."""
    key = f"help-links:{articles_version()}:{reader_language()}:{topic}"
    articles = cache.get(key)
    if articles is None:
        found = Article.objects.for_topic(topic).order_by("-view_count", "title")[:SHOWN]
        articles = [{"local_title": a.local_title, "get_absolute_url": a.get_absolute_url()} for a in found]
        cache.set(key, articles, KEPT_SECONDS)
    return {"articles": articles}
