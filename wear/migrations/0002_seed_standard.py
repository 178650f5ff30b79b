"""Seed version 1 of the wear standard. Operations copy it in the admin and publish their own."""

from django.db import migrations

PANELS = ["front", "left", "right", "rear", "roof"]
WHEELS = ["wheel_lf", "wheel_rf", "wheel_lr", "wheel_rr"]

SQUARE_BANDS = [
    ("inside", "It fits inside the Wear Square", "0"),
    ("up-to-double", "Bigger than the square, but two squares side by side would cover it", "175"),
    ("larger", "Bigger than two squares side by side", "350"),
]
CIRCLE_BANDS = [
    ("inside", "It fits inside the 1/2-inch circle", "0"),
    ("larger", "Bigger than the 1/2-inch circle", "150"),
]

# (code, name, guidance, areas, [(code, name, rule text, measure, charge kind, amount, cap, bands)])
STANDARD = [
    (
        "body",
        "Body",
        "Small dents, dings and scratches that the Wear Square covers are normal wear and cost nothing.",
        PANELS,
        [
            ("dent", "Dent or ding", "A dent or ding that fits inside the Wear Square is normal wear. A larger one is "
             "charged by its size; all dents on one panel together cost at most $500.",
             "square", "band", "0", "500", SQUARE_BANDS),
            ("scratch", "Scratch or scrape", "A scratch the Wear Square covers is normal wear, and so is one that "
             "does not go through the paint. A longer one is charged by its size; at most $400 a panel.",
             "square", "band", "0", "400", SQUARE_BANDS),
            ("puncture", "Hole, tear or puncture in the body", "Any hole or puncture through a panel is excess "
             "wear, whatever its size.", "none", "flat", "450", None, []),
        ],
    ),
    (
        "glass",
        "Glass",
        "A small chip in the glass that the 1/2-inch circle covers, away from the driver's view, is normal wear.",
        ["glass"],
        [
            ("chip", "Chip or star", "A chip that fits inside the 1/2-inch circle is normal wear; a larger one is "
             "charged as a repair.", "circle", "band", "0", None, CIRCLE_BANDS),
            ("crack", "Crack", "Any crack is excess wear because the glass must be replaced.",
             "none", "flat", "425", None, []),
            ("sightline", "Damage in the driver's line of sight", "Any chip or crack in the part of the "
             "windshield the driver looks through is excess wear, however small.", "none", "flat", "425", None, []),
        ],
    ),
    (
        "tyres",
        "Tires",
        "Each tire needs at least 4/32 of an inch of tread at its shallowest point (the tread mark on the "
        "Wear Square), and all four must match the maker's size and rating.",
        WHEELS,
        [
            ("tread", "Tread depth", "Measure at the shallowest point. Tread that reaches the 4/32-inch mark is "
             "fine; a tire below it is replaced at the lessee's cost.", "tread", "band", "0", None,
             [("ok", "The tread reaches the 4/32-inch mark", "0"),
              ("worn", "The tread is below the 4/32-inch mark", "180")]),
            ("sidewall", "Sidewall cut, bulge or plug", "Any cut, bulge or plug in a tire's sidewall makes it "
             "unsafe and is charged per tire.", "none", "per_item", "180", None, []),
            ("mismatch", "Tire that does not match", "A tire of another size, rating or season than the maker "
             "fitted is charged per tire.", "none", "per_item", "140", None, []),
        ],
    ),
    (
        "wheels",
        "Wheels",
        "Light scuffs on a wheel's rim, the kind the Wear Square covers, are normal wear.",
        WHEELS,
        [
            ("scuff", "Scuffed or scraped wheel", "Curb scuffs the Wear Square covers are normal wear; larger "
             "ones are refinished.", "square", "band", "0", None,
             [("inside", "It fits inside the Wear Square", "0"),
              ("larger", "Bigger than the Wear Square", "125")]),
            ("bent", "Bent, cracked or broken wheel", "A bent, cracked or broken wheel is replaced.",
             "none", "flat", "325", None, []),
        ],
    ),
    (
        "lights",
        "Lights",
        "Every light must work; light haze on a lens is normal wear.",
        ["front", "rear"],
        [
            ("broken", "Cracked, broken or not working light", "A cracked lens or a light that does not work is "
             "charged per light.", "none", "per_item", "160", None, []),
        ],
    ),
    (
        "interior",
        "Interior",
        "Everyday marks and stains that the 1/2-inch circle covers are normal wear.",
        ["interior"],
        [
            ("burn", "Burn", "A burn that fits inside the 1/2-inch circle is normal wear; a larger one is "
             "repaired.", "circle", "band", "0", None, CIRCLE_BANDS),
            ("stain", "Stain", "A stain that fits inside the 1/2-inch circle is normal wear; a larger one is "
             "cleaned or repaired.", "circle", "band", "0", None, CIRCLE_BANDS),
            ("tear", "Tear or hole in a seat, carpet or trim", "A tear that fits inside the 1/2-inch circle is "
             "normal wear; a larger one is repaired.", "circle", "band", "0", None, CIRCLE_BANDS),
        ],
    ),
    (
        "parts",
        "Missing or broken exterior parts",
        "Every exterior part the vehicle left the factory with should be on it and whole.",
        PANELS,
        [
            ("missing-part", "Missing or broken exterior part", "A mirror, trim piece, antenna or other exterior "
             "part that is missing or broken is charged per part.", "none", "per_item", "220", None, []),
        ],
    ),
    (
        "equipment",
        "Missing equipment and keys",
        "Bring back every key, remote and item of equipment the vehicle came with. Your dealer counts them at "
        "check-in and any charge appears on your final bill as its own line.",
        ["keys"],
        [
            ("key", "Missing key or remote", "Each key or keyless remote not returned is charged per item.",
             "none", "per_item", "275", None, []),
            ("equipment", "Missing equipment", "Each item of original equipment not returned (cargo cover, "
             "headrest screen, third-row seat and the like) is charged per item.", "none", "per_item", "150",
             None, []),
        ],
    ),
]


def seed(apps, schema_editor):
    Standard = apps.get_model("wear", "WearStandard")
    Category = apps.get_model("wear", "WearCategory")
    Rule = apps.get_model("wear", "WearRule")
    Band = apps.get_model("wear", "WearBand")
    if Standard.objects.filter(version=1).exists():
        return
    standard = Standard.objects.create(version=1, title="Wear and use standard", published=True)
    for c_order, (code, name, guidance, areas, rules) in enumerate(STANDARD):
        category = Category.objects.create(
            standard=standard, code=code, name=name, guidance=guidance, areas=areas, order=c_order,
            billed_separately=code == "equipment",
        )  # fmt: skip
        for r_order, (r_code, r_name, text, measure, kind, amount, cap, bands) in enumerate(rules):
            rule = Rule.objects.create(
                category=category, code=r_code, name=r_name, rule_text=text, measure=measure,
                charge_kind=kind, amount=amount, cap_per_panel=cap, order=r_order,
            )  # fmt: skip
            for b_order, (b_code, label, b_amount) in enumerate(bands):
                Band.objects.create(rule=rule, code=b_code, label=label, amount=b_amount, order=b_order)


class Migration(migrations.Migration):
    dependencies = [("wear", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
