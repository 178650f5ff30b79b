from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from portal import notify
from portal.models import EmailOptOut


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("leases:list")
    return render(request, "portal/home.html")


@require_safe
def help_centre(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/help.html")


@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"ok": True})


def bench_floor(request: HttpRequest, pk: int) -> HttpResponse:
    """The framework's floor on this machine: one primary-key query, a tiny response (benchmarks only)."""
    from leases.models import Lease

    return HttpResponse(Lease.objects.values_list("account_number", flat=True).get(pk=pk))


class EmailPreferencesForm(forms.Form):
    email_on = forms.MultipleChoiceField(
        label="Email me about", required=False, widget=forms.CheckboxSelectMultiple, choices=notify.switchable
    )


@login_required
@require_http_methods(["GET", "POST"])
def notification_preferences(request: HttpRequest) -> HttpResponse:
    """Which notices also come by email; the ones the law or the lease requires are listed, always on."""
    if request.method == "POST":
        form = EmailPreferencesForm(request.POST)
        if form.is_valid():
            notify.preferences_set(user=request.user, email_on=set(form.cleaned_data["email_on"]))
            messages.success(request, "Your email choices are saved.")
            return redirect("notification_preferences")
    else:
        off = set(EmailOptOut.objects.filter(user=request.user).values_list("kind", flat=True))
        form = EmailPreferencesForm(initial={"email_on": [kind for kind, _ in notify.switchable() if kind not in off]})
    required = [kind.label for kind in notify.Kind if notify.is_required(kind)]
    context = {"form": form, "required": required}
    return render(request, "portal/notification_preferences.html", context, status=400 if form.is_bound else 200)
