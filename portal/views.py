from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("leases:list")
    return render(request, "portal/home.html")


@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"ok": True})


def bench_floor(request: HttpRequest, pk: int) -> HttpResponse:
    """The framework's floor on this machine: one primary-key query, a tiny response (benchmarks only)."""
    from leases.models import Lease

    return HttpResponse(Lease.objects.values_list("account_number", flat=True).get(pk=pk))
