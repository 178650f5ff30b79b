"""Seed the plate rules the product knows. Operations edit them in the admin afterwards."""

from django.db import migrations

RULES = {
    "NY": (
        "Take the plates off before you hand the vehicle back and surrender them to the DMV. Do this "
        "before you cancel the vehicle's insurance: if the insurance ends while the plates are still "
        "registered, the DMV can suspend your registration and your driver license. Keep the receipt."
    ),
    "MD": (
        "Return the plates to the MVA no later than the day the vehicle's insurance is cancelled. "
        "Plates returned after that date cost a $200 penalty plus $7 for each further day."
    ),
    "MI": (
        "In Michigan the plate belongs to you, not the vehicle. Take it off before you hand the vehicle "
        "back; you can move it to your next vehicle."
    ),
    "MA": (
        "Cancel the vehicle's registration with the RMV after you return it. Once the registration is "
        "cancelled, you may destroy the plates or move them to another vehicle."
    ),
    "VA": "Virginia does not ask you to return the plates to the DMV when a leased vehicle goes back.",
    "CT": (
        "Ask the DMV what to do with the plates and the registration before you return the vehicle. "
        "We may write to you after the return to confirm what happened to the plates."
    ),
    "RI": (
        "Ask the DMV what to do with the plates and the registration before you return the vehicle. "
        "We may write to you after the return to confirm what happened to the plates."
    ),
}


def seed(apps, schema_editor):
    PlateRule = apps.get_model("returnkit", "PlateRule")
    for state, rule in RULES.items():
        PlateRule.objects.update_or_create(state=state, defaults={"rule": rule})


def unseed(apps, schema_editor):
    apps.get_model("returnkit", "PlateRule").objects.filter(state__in=RULES).delete()


class Migration(migrations.Migration):
    dependencies = [("returnkit", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
