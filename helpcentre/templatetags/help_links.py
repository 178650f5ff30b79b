from django import template

from helpcentre.models import Article

register = template.Library()
SHOWN = 3


@register.inclusion_tag("helpcentre/_help_links.html")
def help_links(topic: str) -> dict:
    """``{% help_links "turn-in" %}``: the most-read articles whose topics name this page (one query)."""
    return {"articles": list(Article.objects.for_topic(topic).order_by("-view_count", "title")[:SHOWN])}
