"""Plate rules in Spanish (issue 15): a Spanish reader's kit gives the rule in Spanish, the seeded ones
written here; a rule operations add without one falls back to the English."""

from django.db import migrations, models

RULES_ES = {
    "NY": (
        "Quite las placas antes de entregar el vehículo y devuélvalas al DMV. Hágalo antes de cancelar el "
        "seguro del vehículo: si el seguro termina mientras las placas siguen registradas, el DMV puede "
        "suspender su registro y su licencia de conducir. Guarde el recibo."
    ),
    "MD": (
        "Devuelva las placas a la MVA a más tardar el día en que se cancele el seguro del vehículo. Las placas "
        "devueltas después de esa fecha tienen una multa de $200 más $7 por cada día adicional."
    ),
    "MI": (
        "En Michigan la placa es suya, no del vehículo. Quítela antes de entregar el vehículo; puede pasarla "
        "a su próximo vehículo."
    ),
    "MA": (
        "Cancele el registro del vehículo en el RMV después de devolverlo. Una vez cancelado el registro, "
        "puede destruir las placas o pasarlas a otro vehículo."
    ),
    "VA": "Virginia no le pide devolver las placas al DMV cuando se devuelve un vehículo arrendado.",
    "CT": (
        "Pregunte en el DMV qué hacer con las placas y el registro antes de devolver el vehículo. Es posible "
        "que le escribamos después de la devolución para confirmar qué pasó con las placas."
    ),
    "RI": (
        "Pregunte en el DMV qué hacer con las placas y el registro antes de devolver el vehículo. Es posible "
        "que le escribamos después de la devolución para confirmar qué pasó con las placas."
    ),
}


def seed(apps, schema_editor):
    PlateRule = apps.get_model("returnkit", "PlateRule")
    for state, rule in RULES_ES.items():
        PlateRule.objects.filter(state=state, rule_es="").update(rule_es=rule)


class Migration(migrations.Migration):
    dependencies = [("returnkit", "0002_seed_plate_rules")]
    operations = [
        migrations.AddField(
            model_name="platerule",
            name="rule_es",
            field=models.TextField(
                blank=True,
                help_text="The same in Spanish, for Spanish readers' kits (blank: the English).",
                verbose_name="rule in Spanish",
            ),
        ),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
