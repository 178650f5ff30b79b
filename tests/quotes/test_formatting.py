"""One way to show money and long dates: the engine's usd() and long_date(), as |usd and |long_date."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal

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
