"""The Quote snapshot: references, the sum of its lines, expiry, and what it says in words."""

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from quotes import engine
from quotes.models import REFERENCE_ALPHABET, Quote, is_valid_reference, new_reference, validate_reference
from quotes.services import quote_create

pytestmark = pytest.mark.django_db

END = dt.date(2026, 12, 15)


@pytest.fixture
def quote(personas, today) -> Quote:
    return quote_create(
        lease=personas.lease, user=personas.owner, event=engine.TurnIn(date=END, odometer=41012), today=today
    )


class TestReference:
    def test_a_new_reference_has_the_year_and_a_check_character(self):
        reference = new_reference(2026)
        assert reference.startswith("Q-2026-")
        assert len(reference) == len("Q-2026-") + 7
        assert is_valid_reference(reference)

    def test_any_one_mistyped_character_is_caught(self):
        reference = new_reference(2026)
        for position in range(len("Q-2026-"), len(reference)):
            for wrong in REFERENCE_ALPHABET:
                if wrong != reference[position]:
                    typo = reference[:position] + wrong + reference[position + 1 :]
                    assert not is_valid_reference(typo), typo

    @pytest.mark.parametrize("text", ["", "Q-2026-", "Q-26-ABCDEFG", "q-2026-0000000", "Q-2026-OOOOOOO", "X" * 14])
    def test_malformed_references_are_refused(self, text):
        assert not is_valid_reference(text)
        with pytest.raises(ValidationError):
            validate_reference(text)

    def test_references_are_unique(self, quote):
        clone = Quote.objects.get(pk=quote.pk)
        clone.pk, clone.public_id = None, uuid.uuid4()
        with pytest.raises(IntegrityError), transaction.atomic():
            clone.save(force_insert=True)


class TestSumOfLines:
    def test_a_quote_whose_total_is_not_the_sum_of_its_lines_is_refused(self, quote):
        quote.total = Decimal("1723.14")
        with pytest.raises(ValidationError) as refused:
            quote.clean()
        assert "not the sum of the quote's lines (1723.13)" in str(refused.value)

    def test_a_line_without_an_amount_is_refused(self, quote):
        quote.lines = [*quote.lines, {"code": "x", "label": "X", "rule": "r"}]
        with pytest.raises(ValidationError):
            quote.clean()

    def test_a_consistent_quote_is_accepted(self, quote):
        quote.clean()


class TestGoodThrough:
    def test_a_quote_holds_through_its_good_through_date(self, quote):
        assert not quote.is_expired(dt.date(2026, 12, 5))
        assert quote.is_expired(dt.date(2026, 12, 6))

    def test_the_database_refuses_a_good_through_date_before_the_quote(self, quote):
        with pytest.raises(IntegrityError), transaction.atomic():
            Quote.objects.filter(pk=quote.pk).update(good_through=dt.date(2026, 11, 1))


class TestInWords:
    @pytest.fixture
    def page(self, client, personas, quote) -> str:
        client.force_login(personas.owner)
        return client.get(quote.get_absolute_url()).content.decode()

    def test_what_was_asked(self, quote, page):
        assert [fact.label for fact in quote.input_facts()] == ["Return date", "Odometer"]
        assert "<dt>Return date</dt><dd>December 15, 2026</dd><dt>Odometer</dt><dd>41,012 miles</dd>" in page

    def test_the_lease_figures_behind_it(self, page):
        assert "<dt>Scheduled end date</dt><dd>December 15, 2026</dd>" in page
        assert "<dt>Monthly payment with tax</dt><dd>$452.74</dd>" in page
        assert "<dt>Mileage allowance</dt><dd>36,000 miles</dd>" in page
        assert "<dt>Extension fee a day</dt><dd>$14.88</dd>" in page

    def test_a_negative_net_means_we_owe_the_lessee(self, personas, today):
        low_miles = quote_create(
            lease=personas.lease, user=personas.owner, event=engine.TurnIn(date=END, odometer=30012), today=today
        )
        assert low_miles.net_after_deposit == Decimal("-105.00")  # 395.00 disposition − 500.00 deposit
        assert low_miles.we_owe
        assert low_miles.refund == Decimal("105.00")

    def test_newest_quotes_come_first(self, personas, today, quote):
        newer = quote_create(lease=personas.lease, user=personas.owner, event=engine.Extension(days=5), today=today)
        assert list(Quote.objects.filter(lease=personas.lease)) == [newer, quote]

    def test_a_customer_sees_only_quotes_on_their_own_leases(self, personas, quote):
        assert list(Quote.objects.for_customer(personas.co_lessee)) == [quote]
        assert not Quote.objects.for_customer(personas.outsider).exists()
