import logging
import sys

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from portal import errors, notify
from portal.adapter import persona_home, persona_of
from portal.celery import app as celery_app
from portal.models import EmailOptOut

log = logging.getLogger(__name__)


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(persona_home(persona_of(request.user)))
    return render(request, "portal/home.html")


@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database, the cache and the broker all answer; 503 naming those that do not."""
    checks = {"database": _database_answers, "cache": _cache_answers, "broker": _broker_answers}
    failed = []
    for name, answers in checks.items():
        try:
            answers()
        except Exception as error:  # noqa: BLE001 - any failure is the answer
            log.warning("healthz: %s is not answering: %s", name, error)
            failed.append(name)
    body = {"ok": not failed, "failed": failed} | {name: name not in failed for name in checks}
    response = JsonResponse(body, status=503 if failed else 200)
    if failed:
        response["Retry-After"] = str(errors.RETRY_AFTER_SECONDS)
    return response


def _database_answers() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _cache_answers() -> None:
    ping = getattr(cache, "ping", None)  # the Redis cache; a local-memory cache always answers
    if ping is not None:
        ping()


def _broker_answers() -> None:
    if celery_app.conf.task_always_eager:
        return  # no broker: tasks run in-process
    with celery_app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=2)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: the branded page, drawn without the database; a 503 when the database is
    what failed (an error raised outside a view, such as reading the session, arrives here)."""
    if isinstance(sys.exc_info()[1], errors.DATABASE_ERRORS):
        return errors.database_down_response()
    return errors.static_page("500.html", status=500)


def bench_floor(request: HttpRequest, pk: int) -> HttpResponse:
    """The framework's floor on this machine: one primary-key query, a tiny response (benchmarks only)."""
    from leases.models import Lease

    return HttpResponse(Lease.objects.values_list("account_number", flat=True).get(pk=pk))


@login_required
def bench_shell(request: HttpRequest) -> HttpResponse:
    """The signed-in page shell: base.html with nothing in it (benchmarks only)."""
    return render(request, "base.html")


class EmailPreferencesForm(forms.Form):
    email_on = forms.MultipleChoiceField(
        label=gettext_lazy("Email me about"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=notify.switchable,
    )


@login_required
@require_http_methods(["GET", "POST"])
def notification_preferences(request: HttpRequest) -> HttpResponse:
    """Which notices also come by email; the ones the law or the lease requires are listed, always on."""
    if request.method == "POST":
        form = EmailPreferencesForm(request.POST)
        if form.is_valid():
            notify.preferences_set(user=request.user, email_on=set(form.cleaned_data["email_on"]))
            messages.success(request, _("Your email choices are saved."))
            return redirect("notification_preferences")
    else:
        off = set(EmailOptOut.objects.filter(user=request.user).values_list("kind", flat=True))
        form = EmailPreferencesForm(initial={"email_on": [kind for kind, _ in notify.switchable() if kind not in off]})
    required = [kind.label for kind in notify.Kind if notify.is_required(kind)]
    context = {"form": form, "required": required}
    return render(request, "portal/notification_preferences.html", context, status=400 if form.is_bound else 200)
