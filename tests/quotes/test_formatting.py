"""One way to show money and long dates: the engine's usd() and long_date(), as |usd and |long_date."""

from __future__ import annotations

import datetime as dt
import os
import re
import zoneinfo
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.template import engines
from django.utils import timezone

from quotes import engine


def render(source: str, **context) -> str:
    return engines["django"].from_string(source).render(context)


class TestFilters:
    def test_usd_is_built_in_and_is_the_engines_usd(self):
        assert render("{{ a|usd }}", a=Decimal("1234.56")) == "$1,234.56" == engine.usd(Decimal("1234.56"))
        assert render("{{ a|usd }}", a=Decimal("-500")) == "\u2212$500.00"  # a credit, with a real minus sign
        assert render("{{ a|usd }}", a=Decimal("0.125")) == "$0.13"  # through money(), half up
        assert render("{{ a|usd }}", a="1107.75") == "$1,107.75"  # decimal text from a JSON snapshot
        assert render("[{{ a|usd }}][{{ missing|usd }}]", a=None) == "[][]"

    def test_long_date_is_built_in_and_is_the_engines_long_date(self):
        day = dt.date(2026, 12, 5)
        assert render("{{ d|long_date }}", d=day) == "December 5, 2026" == engine.long_date(day)
        assert render("{{ d|long_date }}", d="2027-03-15") == "March 15, 2027"  # ISO text from a JSON snapshot
        assert render("[{{ d|long_date }}][{{ missing|long_date }}]", d=None) == "[][]"

    def test_an_aware_datetime_is_read_in_the_sites_time_zone_like_the_date_filter(self):
        late = dt.datetime(2026, 12, 16, 3, 30, tzinfo=dt.UTC)  # still December 15 in New York
        with timezone.override(zoneinfo.ZoneInfo("America/New_York")):
            assert render("{{ t|long_date }}", t=late) == "December 15, 2026"
        naive = dt.datetime(2026, 12, 15, 23, 0)  # a dealer's wall-clock time stays as it is
        assert render("{{ t|long_date }}", t=naive) == "December 15, 2026"

    def test_both_are_public_names_of_the_engine(self):
        assert {"usd", "long_date"} <= set(engine.__all__)


# --- the guard: no second way -----------------------------------------------------------------

# quotes/engine.py is the one place that formats by hand, and quotes/rules.py its words in the
# reader's language, with portal/dates.py (its long_date wraps the engine's); tests spell out the exact strings.
FORMATTERS = {Path("quotes/engine.py"), Path("quotes/rules.py"), Path("portal/dates.py")}
NOT_SCANNED = {"tests", "static", "node_modules", "media", "__pycache__"}

PYTHON_SECOND_WAYS = {
    r",\.2f": 'dollars by format spec ("{:,.2f}", f"{x:,.2f}"): call usd()',
    r"\$\{|\$%": 'a "$" glued to an f-string field or %-format: call usd()',
    r"%B": "a long date by strftime / f-string (%B): call long_date()",
    r"F j, Y": "a long date in Django's date format: call long_date()",
    # A value in a dict or pair made by usd()/long_date() is text for a template (a "*_display" string,
    # a kit payload, a fact); an exception's params= fill its sentence, which may call them.
    r"""^(?!.*\bparams=).*["']\s*[:,]\s*(engine\.)?(usd|long_date)\(""": "a pre-formatted string for a template: "
    "pass the Decimal or date and show it with |usd or |long_date",
}
TEMPLATE_SECOND_WAYS = {
    r"\$\s*\{\{": 'a "$" glued to a variable ("${{ x|intcomma }}"): use {{ x|usd }}',
    r"floatformat:\s*[\"']?-?2": "cents by floatformat: use |usd",
    r"F j, Y": 'a long date by |date:"F j, Y": use |long_date',
}


def second_ways(path: Path, text: str) -> list[str]:
    rules = PYTHON_SECOND_WAYS if path.suffix == ".py" else TEMPLATE_SECOND_WAYS
    return [
        f"{path}:{number}: {why}: {line.strip()}"
        for number, line in enumerate(text.splitlines(), 1)
        for pattern, why in rules.items()
        if re.search(pattern, line)
    ]


def project_files() -> list[Path]:
    """Every .py, .html and .txt file of the project (its apps and templates), as paths from its root."""
    root = Path(settings.BASE_DIR)
    found = []
    for folder, subfolders, names in os.walk(root):
        subfolders[:] = [name for name in subfolders if not name.startswith(".") and name not in NOT_SCANNED]
        for name in names:
            relative = (Path(folder) / name).relative_to(root)
            if relative.suffix in {".py", ".html", ".txt"} and relative not in FORMATTERS:
                found.append(relative)
    return sorted(found)


@pytest.mark.parametrize(
    ("name", "line"),
    [
        ("a.py", 'return f"Payment {self.reference} of ${self.amount:,.2f}"'),
        ("a.py", 'return "{:,.2f}".format(amount)'),
        ("a.py", '"excess_mile_rate": f"${terms.excess_mile_rate:.2f}",'),
        ("a.py", 'f"This quote prices a purchase on {day:%B} {day.day}, {day.year}"'),
        ("a.py", '"date": f"{floor_date:%B %-d, %Y}"'),
        ("a.py", 'dateformat.format(day, "F j, Y")'),
        ("a.py", '"balance_display": usd(abs(money.balance)),'),
        ("a.py", '{**line, "display": usd(Decimal(line["amount"])), "is_credit": Decimal(line["amount"]) < 0}'),
        ("a.py", '"amount": usd(payment.amount),'),
        ("a.py", '"end_date": long_date(lease.maturity_date),'),
        ("a.py", 'facts.append(("Monthly payment with tax", usd(derived["total_payment"])))'),
        ("a.html", "<dd>${{ lease.residual_value|intcomma }}</dd>"),
        ("a.html", "<dd>${{ lease.excess_mile_rate|floatformat:2 }}</dd>"),
        ("a.html", '{{ p.amount|floatformat:"2g" }}'),
        ("a.txt", 'Made on: {{ payment.made_on|date:"F j, Y" }}'),
        ("a.html", '{{ slot.wall_start|date:"l, F j, Y" }}'),
    ],
)
def test_the_guard_catches_each_second_way(name, line):
    assert second_ways(Path(name), line)


@pytest.mark.parametrize(
    ("name", "line"),
    [
        ("a.py", 'facts.append(Fact("Odometer", f"{int(inputs[\'odometer\']):,} miles"))'),
        ("a.py", 'value.initial = f"{residual:.2f}"  # an input\'s value, not a figure on show'),
        ("a.py", 'raise QuoteLapsed(f"This quote was good through {long_date(day)}")'),
        ("a.py", 'params={"miles": f"{miles:,}", "last": f"{floor_miles:,}", "date": long_date(floor_date)},'),
        ("a.py", 'return f"Please pay {usd(money.balance)} by {long_date(bill.due_on)}, online."'),
        ("a.py", 'return dateformat.format(slot.wall_start, r"l, F j \\a\\t P")'),
        ("a.html", '{{ amount|usd }} on {{ day|long_date }}, {{ slot.wall_start|date:"l" }}'),
        ("a.html", '{{ m.miles|floatformat:1 }} miles, {{ r.reading_date|date:"M j, Y" }}, {{ day|date:"D M j" }}'),
        ("a.html", '<a href="?day={{ day|date:\'Y-m-d\' }}">{{ window_opens|date:"F j" }}</a>'),
    ],
)
def test_the_guard_lets_other_formats_be(name, line):
    assert not second_ways(Path(name), line)


def test_no_template_or_module_formats_money_or_a_long_date_a_second_way():
    """The house rule: |usd and |long_date over Decimals and dates (usd() and long_date() in Python)."""
    files = project_files()
    assert Path("templates/pdf/statement.html") in files and Path("leases/billing/views.py") in files
    assert not FORMATTERS & set(files) and not any(path.parts[0] == "tests" for path in files)
    root = Path(settings.BASE_DIR)
    problems = [problem for path in files for problem in second_ways(path, (root / path).read_text())]
    assert not problems, "\n".join(problems)
