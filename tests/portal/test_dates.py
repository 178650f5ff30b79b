"""Short dates drop the year only when it is this year's (the portal clock's): a reading taken in
October 2023 must not read as "Oct 24" in 2026."""

import datetime as dt

from django.test import override_settings
from django.utils import translation

from portal.dates import short_date


@override_settings(PORTAL_TODAY=dt.date(2026, 12, 1))
def test_a_short_date_without_the_year_keeps_it_when_it_is_another_year():
    with translation.override("en"):
        assert short_date(dt.date(2026, 10, 24), year=False) == "Oct 24"
        assert short_date(dt.date(2023, 10, 24), year=False) == "Oct 24, 2023"
        assert short_date(dt.date(2027, 1, 5), year=False) == "Jan 5, 2027"
    with translation.override("es"):
        assert short_date(dt.date(2026, 10, 24), year=False) == "24 de octubre"
        assert short_date(dt.date(2023, 10, 24), year=False) == "24 de octubre de 2023"


@override_settings(PORTAL_TODAY=dt.date(2026, 12, 1))
def test_a_short_date_with_the_year_always_shows_it():
    with translation.override("en"):
        assert short_date(dt.date(2026, 10, 24)) == "Oct 24, 2026"
