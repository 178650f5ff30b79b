from django.db.models import F
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from helpcentre import search
from helpcentre.misses import miss_record
from helpcentre.models import Article, Category
from helpcentre.render import body_html

SUGGESTIONS = 6


@require_safe
def help_home(request: HttpRequest) -> HttpResponse:
    """The search page: results for ?q=, the most-read articles for an empty query."""
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
