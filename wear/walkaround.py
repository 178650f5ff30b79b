"""The walk-around shared by the lessee's pre-inspection and the inspector's report: an area's forms."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest

from wear.areas import next_area
from wear.forms import ItemForm
from wear.models import Area, ConditionReport, PreInspection, WearItem, WearRule
from wear.services import item_add
from wear.standard import rules_for_area

Document = PreInspection | ConditionReport


@dataclass
class AreaPage:
    area: Area
    forms: list[ItemForm]
    items: list[WearItem]
    saved: bool = False
    # Keys and equipment: counted by the dealer at the return and billed on their own line at the
    # vehicle's own charge per item (VehicleEquipment.charge_each), shown here for information.
    equipment: list = field(default_factory=list)

    @property
    def next_area(self) -> Area | None:
        return next_area(self.area)


def area_or_404(code: str) -> Area:
    try:
        return Area(code)
    except ValueError:
        raise Http404("No such area") from None


def _items(document: Document, area: Area) -> list[WearItem]:
    return list(document.items.filter(area=area).prefetch_related("photos"))


def area_page(request: HttpRequest, document: Document, area: Area) -> AreaPage:
    """The area's forms; on a POST, the one form that was sent is saved or shows its errors."""
    rules = rules_for_area(document.standard, area)
    posted = _posted_rule(request, rules)
    forms = []
    saved = False
    for rule in rules:
        if rule is posted:
            form = ItemForm(request.POST, request.FILES, rule=rule)
            saved = _save(request, document, area, form)
            if saved:
                form = ItemForm(rule=rule)
        else:
            form = ItemForm(rule=rule)
        forms.append(form)
    return AreaPage(
        area=area,
        forms=forms,
        items=_items(document, area),
        saved=saved,
        equipment=list(document.lease.vehicle.equipment.all()) if area == Area.KEYS else [],
    )


def _posted_rule(request: HttpRequest, rules: list[WearRule]) -> WearRule | None:
    if request.method != "POST":
        return None
    wanted = request.POST.get("rule", "")
    return next((rule for rule in rules if str(rule.pk) == wanted), None)


def _save(request: HttpRequest, document: Document, area: Area, form: ItemForm) -> bool:
    if not form.is_valid():
        return False
    rule = form.rule
    try:
        item_add(
            document=document,
            area=area,
            rule=rule,
            band=form.cleaned_data.get("band"),
            quantity=form.cleaned_data.get("quantity") or 1,
            note=form.cleaned_data["note"],
            uploads=form.cleaned_data["photos"],
            user=request.user,
        )
    except ValidationError as error:
        form.add_error("photos" if _about_photos(error) else None, error)
        return False
    return True


def _about_photos(error: ValidationError) -> bool:
    """A refusal of the photos (code "photo", in any language) is shown under the photos field."""
    return any(e.code == "photo" for e in error.error_list)
