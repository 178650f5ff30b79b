"""A system check: the originator's NACHA details in settings.ACH must be writable as they stand.

``manage.py check`` (and so every process start) names the setting that is wrong, instead of the
nightly file failing, or worse, going out with a field cut or blanked.
"""

from __future__ import annotations

from types import SimpleNamespace

from django.conf import settings
from django.core import checks

from leases.billing import nacha

_ORIGINATOR_FIELDS = (
    "immediate_destination",
    "immediate_destination_name",
    "immediate_origin",
    "immediate_origin_name",
    "company_name",
    "company_id",
)


def ach_settings_check(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    ach = settings.ACH
    found = []
    if problem := nacha.originator_problem(SimpleNamespace(**{name: ach[name] for name in _ORIGINATOR_FIELDS})):
        found.append(checks.Error(f"settings.ACH: {problem}.", id="leases.E001"))
    offset = (ach["offset_routing"], ach["offset_account"])
    if any(offset) and (nacha.routing_number_problem(offset[0]) or nacha.account_number_problem(offset[1])):
        found.append(
            checks.Error(
                "settings.ACH: ACH_OFFSET_ROUTING must be a valid routing number and ACH_OFFSET_ACCOUNT "
                "4 to 17 digits (or leave both empty).",
                id="leases.E002",
            )
        )
    return found
