"""What changes which cached page data (``portal.cache.page_data``): each model pages are made from,
and the scopes a change to one of its rows touches: the lease it belongs to, a user, a dealer, or
everything (``"all"``: makes, dealers' details, the wear standard, plate rules, opening hours).

Every way a row changes forgets those scopes' versions: ``save`` and ``delete`` (signals),
``bulk_create`` and ``bulk_update`` (from the objects), and ``QuerySet.update`` (the rows' scopes
read first, in one query, only for these models; ``QuerySet.delete`` sends the delete signals row
by row once a model has receivers). The models
are named by label, so this foundation module imports no app.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.apps import apps
from django.db import models
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save

from portal.cache import GLOBAL_SCOPE, scopes_changed

LEASE_ROWS = (
    "portal.Notification",
    "leases.LeaseParty",
    "leases.OdometerReading",
    "leases.Inspection",
    "leases.EquipmentCharge",
    "leases.AuctionSale",
    "leases.FinalBill",
    "leases.BankAccount",
    "leases.Payment",
    "leases.Refund",
    "leases.BalanceHold",
    "leases.LedgerEntry",
    "leases.ExtensionRequest",
    "quotes.Quote",
    "returnkit.KitSnapshot",
    "returnkit.Reminder",
    "turnin.Appointment",
    "turnin.TurnIn",
    "messaging.Thread",
    "wear.ConditionReport",
    "wear.PreInspection",
)
GLOBAL_ROWS = (
    "leases.Make",
    "leases.Dealer",
    "returnkit.PlateRule",
    "turnin.TurnInSchedule",
    "turnin.OpeningHours",
    "wear.WearStandard",
    "wear.WearCategory",
    "wear.WearRule",
    "wear.WearBand",
    "wear.DisputeRule",
    "wear.InspectionCompany",
    "wear.Inspector",
)
# Rows no kept page is made from: look-up records, ACH files.
UNTRACKED = ("turnin.WalkInLookup", "leases.AchFile")
# label -> (scope kind, the lookup from the model to that scope's id); "" is everything.
SCOPES: dict[str, list[tuple[str, str]]] = {
    **{label: [("lease", "lease")] for label in LEASE_ROWS},
    **{label: [("all", "")] for label in GLOBAL_ROWS},
    "leases.Lease": [("lease", "pk")],
    "leases.Vehicle": [("lease", "leases")],
    "leases.VehicleEquipment": [("lease", "vehicle__leases")],
    "leases.Lessee": [("lease", "parties__lease"), ("user", "user")],
    "portal.User": [("user", "pk")],
    "turnin.TurnInSlot": [("lease", "appointments__lease"), ("dealer", "dealer")],
    "turnin.AppointmentEmail": [("lease", "appointment__lease")],
    "turnin.ReturnedItem": [("lease", "turnin__lease")],
    "messaging.Message": [("lease", "thread__lease")],
    "messaging.Attachment": [("lease", "message__thread__lease")],
    "wear.WearItem": [("lease", "report__lease"), ("lease", "pre_inspection__lease")],
    "wear.WearPhoto": [
        ("lease", "item__report__lease"),
        ("lease", "item__pre_inspection__lease"),
        ("lease", "dispute_item__dispute__report__lease"),
    ],
    "wear.WearDispute": [("lease", "report__lease")],
    "wear.WearDisputeItem": [("lease", "dispute__report__lease")],
}
SCOPES["portal.Notification"] = [("lease", "lease"), ("user", "user")]
SCOPES["leases.LeaseParty"] = [("lease", "lease"), ("user", "lessee__user")]
SCOPES["turnin.Appointment"] = [("lease", "lease"), ("dealer", "slot__dealer")]
SCOPES["turnin.TurnIn"] = [("lease", "lease"), ("dealer", "dealer")]
SCOPES["leases.Dealer"] = [("all", ""), ("dealer", "pk")]
# Who may use the dealer pages, and whether they have two-factor: kept per user (turnin.dealer_views).
SCOPES["turnin.DealerStaff"] = [("user", "user"), ("dealer", "dealer")]
SCOPES["mfa.Authenticator"] = [("user", "user")]

_by_model: dict[type[models.Model], list[tuple[str, str]]] = {}


def _attname(model: type[models.Model], path: str) -> str | None:
    """The column on the row itself that holds the scope's id, when there is one."""
    if path == "pk":
        return "pk"
    if "__" in path:
        return None
    field = model._meta.get_field(path)
    return field.attname if field.many_to_one or (field.one_to_one and field.concrete) else None


def _scopes(kind: str, ids: Iterable) -> set[str]:
    return {GLOBAL_SCOPE} if kind == "all" else {f"{kind}:{i}" for i in ids if i is not None}


def scopes_of_rows(model: type[models.Model], rows: Iterable[models.Model]) -> set[str]:
    """The scopes of these rows, read from the rows where the ids are on them, else one query."""
    rows = list(rows)
    found: set[str] = set()
    lookups = []
    for kind, path in _by_model.get(model, ()):
        attname = _attname(model, path) if path else ""
        if not path:
            found |= _scopes(kind, [None]) if kind == "all" else set()
        elif attname:
            found |= _scopes(kind, (getattr(row, attname) for row in rows))
        else:
            lookups.append((kind, path))
    pks = [row.pk for row in rows if row.pk is not None]
    if lookups and pks:
        found |= scopes_of_queryset(model._base_manager.filter(pk__in=pks), lookups)
    return found


def scopes_of_queryset(queryset: models.QuerySet, lookups=None) -> set[str]:
    """The scopes of the rows ``queryset`` matches: one query (none for the global models)."""
    lookups = _by_model.get(queryset.model, ()) if lookups is None else lookups
    found = {GLOBAL_SCOPE} if any(kind == "all" for kind, _ in lookups) else set()
    paths = [(kind, path) for kind, path in lookups if path]
    if not paths:
        return found
    columns = [path for _, path in paths]
    for values in queryset.order_by().values_list(*columns).distinct():
        for (kind, _), value in zip(paths, values, strict=True):
            found |= _scopes(kind, [value])
    return found


def _saved(sender, instance, raw=False, **kwargs) -> None:
    if not raw:
        scopes_changed(scopes_of_rows(sender, [instance]))


def _before_save(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    """A row moved to another lease, user or dealer: the old one's pages change too."""
    if raw or instance.pk is None or instance._state.adding:
        return
    movable = [(kind, path) for kind, path in _by_model.get(sender, ()) if path and path != "pk" and "__" in path]
    if sender._meta.label == "turnin.Appointment" and (update_fields is None or "slot" in update_fields):
        scopes_changed(scopes_of_queryset(sender._base_manager.filter(pk=instance.pk), movable))


def _deleted(sender, instance, **kwargs) -> None:
    # Again once gone, from the row's own columns (a page computed in between).
    scopes_changed(_direct_scopes(sender, instance))


def _direct_scopes(model, instance) -> set[str]:
    found: set[str] = set()
    for kind, path in _by_model.get(model, ()):
        attname = _attname(model, path) if path else ""
        if not path or attname:
            found |= _scopes(kind, [getattr(instance, attname) if attname else None])
    return found


def _before_delete(sender, instance, **kwargs) -> None:
    # Before the row goes: the scopes reached through other rows can still be read.
    scopes_changed(scopes_of_rows(sender, [instance]))


class _TrackedQuerySet:
    """Django's own ``update``, ``bulk_create`` and ``bulk_update``, wrapped below for the tracked models."""

    update = models.QuerySet.update
    bulk_create = models.QuerySet.bulk_create
    bulk_update = models.QuerySet.bulk_update


def _update(self, **kwargs):
    if self.model not in _by_model:
        return _TrackedQuerySet.update(self, **kwargs)
    before = scopes_of_queryset(self)
    done = _TrackedQuerySet.update(self, **kwargs)
    if done:
        scopes_changed(before | scopes_of_queryset(self) if _moves(self.model, kwargs) else before)
    return done


def _moves(model, fields: dict) -> bool:
    """Whether an update sets a column a scope is read through (rare: then the new scopes too)."""
    heads = {path.split("__")[0] for _, path in _by_model.get(model, ()) if path}
    return any(name.removesuffix("_id") in heads for name in fields)


def _bulk_create(self, objs, *args, **kwargs):
    made = _TrackedQuerySet.bulk_create(self, objs, *args, **kwargs)
    if self.model in _by_model:
        scopes_changed(scopes_of_rows(self.model, made))
    return made


def _bulk_update(self, objs, fields, *args, **kwargs):
    objs = list(objs)
    done = _TrackedQuerySet.bulk_update(self, objs, fields, *args, **kwargs)
    if self.model in _by_model:
        scopes_changed(scopes_of_rows(self.model, objs))
    return done


def connect() -> None:
    """Called once from ``PortalConfig.ready``."""
    if _by_model:
        return
    for label, lookups in SCOPES.items():
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        _by_model[model] = lookups
        uid = f"page-cache:{label}"
        post_save.connect(_saved, sender=model, dispatch_uid=uid)
        pre_save.connect(_before_save, sender=model, dispatch_uid=uid)
        pre_delete.connect(_before_delete, sender=model, dispatch_uid=uid)
        post_delete.connect(_deleted, sender=model, dispatch_uid=uid)
    models.QuerySet.update = _update
    models.QuerySet.bulk_create = _bulk_create
    models.QuerySet.bulk_update = _bulk_update
