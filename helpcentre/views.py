from django.conf import settings
from django.db.models import F
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from helpcentre import search
from helpcentre.misses import miss_record
from helpcentre.models import Article, Category
from helpcentre.render import body_html
from portal import ratelimit

SUGGESTIONS = 6


def _too_many(request: HttpRequest) -> bool:
    """Searches (not the empty one, which lists the most-read articles) are counted per address:
    the suggestions as you type call this too, so the limit is generous."""
    if not search.WORD.search(search.normalise(request.GET.get("q", ""))):
        return False
    key = f"help-search:{ratelimit.client_ip(request)}"
    return not ratelimit.hit(key, limit=settings.HELP_SEARCHES_PER_MINUTE, window_seconds=60)


def _refusal() -> str:
    return _(
        "Too many searches from your connection in the last minute. Wait a minute and try again, "
        "or browse the topics below."
    )


@require_safe
def help_home(request: HttpRequest) -> HttpResponse:
    """The search page: results for ?q=, the most-read articles for an empty query."""
    if _too_many(request):
        results = search.Results(query=search.normalise(request.GET.get("q", "")), articles=[])
        context = {"results": results, "refused": _refusal(), "categories": Category.objects.all()}
        return render(request, "helpcentre/home.html", context, status=429)
    results = search.search(request.GET.get("q", ""))
    if not results.articles and not results.popular:
        miss_record(query=results.query)
    return render(
        request,
        "helpcentre/home.html",
        {"results": results, "categories": Category.objects.all() if not results.articles or results.popular else ()},
    )


@require_safe
def search_json(request: HttpRequest) -> JsonResponse:
    """The same results as the page, best first, for the search box's suggestions, in the reader's language."""
    if _too_many(request):
        return JsonResponse({"error": _refusal()}, status=429)
    results = search.search(request.GET.get("q", ""), limit=SUGGESTIONS)
    return JsonResponse(
        [{"title": a.local_title, "url": a.get_absolute_url(), "snippet": a.local_summary} for a in results.articles],
        safe=False,
    )


@require_safe
def categories(request: HttpRequest) -> HttpResponse:
    return render(request, "helpcentre/categories.html", {"categories": Category.objects.all()})


@require_safe
def category(request: HttpRequest, slug: str) -> HttpResponse:
    chosen = get_object_or_404(Category, slug=slug)
    articles = Article.objects.published().filter(category=chosen)
    return render(request, "helpcentre/category.html", {"category": chosen, "articles": articles})


@require_safe
def article(request: HttpRequest, slug: str) -> HttpResponse:
    shown = get_object_or_404(Article.objects.published().select_related("category"), slug=slug)
    Article.objects.filter(pk=shown.pk).update(view_count=F("view_count") + 1)
    return render(
        request,
        "helpcentre/article.html",
        {"article": shown, "body": body_html(shown.local_body), "related": shown.related.published()},
    )
