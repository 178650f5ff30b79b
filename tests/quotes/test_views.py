"""The lessee's quote pages through the test client: scoping, each form, the quote page, compare."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from leases.billing.ledger import entry_post
from leases.models import Lease, OdometerReading
from quotes import engine
from quotes.engine import usd
from quotes.models import Quote
from quotes.services import quote_create
from tests.factories import make_lease, make_lessee
from tests.leases.test_views import KEPT_PAGE_QUERIES, LEASE_PAGE_QUERIES

pytestmark = pytest.mark.django_db
# Made (session, unread counts and help links from the cache); once kept: KEPT_PAGE_QUERIES.
QUOTE_PAGE_QUERIES = 2
COMPARE_QUERIES = 4
RECOUNT = 1  # new notices (a quote saved): the header counts them once

END = dt.date(2026, 12, 15)
KIND_SLUGS = ("turn-in", "buyout", "early-return", "extension")
# A valid POST for each kind on the default lease, pinned to 2026-11-25.
GOOD_POSTS = {
    "turn-in": {"return_date": "2026-12-15", "odometer": "41012"},
    "buyout": {"purchase_date": "2026-11-25", "apply_security_deposit": "yes"},
    "early-return": {"return_date": "2026-12-01", "realized_value": "18000.00", "odometer": "40012"},
    "extension": {"days": "30"},
}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def read(lease: Lease, on: dt.date, miles: int) -> None:
    OdometerReading.objects.create(lease=lease, reading_date=on, miles=miles, source=OdometerReading.Source.LESSEE)


def give(lease: Lease, user, event=None) -> Quote:
    event = event or engine.TurnIn(date=END, odometer=41012)
    return quote_create(lease=lease, user=user, event=event, today=dt.date(2026, 11, 25))


def new_url(lease: Lease, slug: str) -> str:
    return reverse("quotes:new", args=[lease.public_id, slug])


def quote_urls(quote: Quote) -> list[str]:
    lease_id, quote_id = quote.lease.public_id, quote.public_id
    return [
        reverse("quotes:detail", args=[lease_id, quote_id]),
        reverse("quotes:pdf", args=[lease_id, quote_id]),
        reverse("quotes:short", args=[quote_id]),
        reverse("quotes:short_pdf", args=[quote_id]),
    ]


def lease_urls(lease: Lease) -> list[str]:
    return [
        reverse("quotes:choose", args=[lease.public_id]),
        reverse("quotes:compare", args=[lease.public_id]),
        *(new_url(lease, slug) for slug in KIND_SLUGS),
    ]


def post(client, slug: str, lease: Lease, **data):
    return client.post(new_url(lease, slug), data)


def text(response) -> str:
    return response.content.decode()


class TestOwnerScoping:
    def test_owner_and_co_lessee_get_every_page(self, client, personas):
        quote = give(personas.lease, personas.owner)
        for user in (personas.owner, personas.co_lessee):
            client.force_login(user)
            for url in lease_urls(personas.lease) + quote_urls(quote)[:2]:
                assert client.get(url).status_code == 200, url
            for url in quote_urls(quote)[2:]:
                assert client.get(url).status_code == 302, url

    def test_owner_and_co_lessee_can_both_ask_for_quotes(self, client, personas):
        for user in (personas.owner, personas.co_lessee):
            client.force_login(user)
            assert post(client, "extension", personas.lease, days="10").status_code == 302
        assert [q.created_by for q in Quote.objects.order_by("id")] == [personas.owner, personas.co_lessee]

    def test_the_short_links_lead_to_the_quote_under_its_lease(self, client, personas):
        quote = give(personas.lease, personas.owner)
        client.force_login(personas.co_lessee)
        detail, pdf, short, short_pdf = quote_urls(quote)
        assert client.get(short)["Location"] == detail
        assert client.get(short_pdf)["Location"] == pdf

    def test_outsider_gets_404_on_every_url_and_creates_nothing(self, client, personas):
        quote = give(personas.lease, personas.owner)
        client.force_login(personas.outsider)
        for url in lease_urls(personas.lease) + quote_urls(quote):
            assert client.get(url).status_code == 404, url
        for slug, data in GOOD_POSTS.items():
            assert post(client, slug, personas.lease, **data).status_code == 404
        compare_url = reverse("quotes:compare", args=[personas.lease.public_id])
        assert client.post(compare_url, {"option": "return"}).status_code == 404
        assert list(Quote.objects.all()) == [quote]

    def test_read_only_pages_refuse_a_post_from_anyone(self, client, personas):
        quote = give(personas.lease, personas.owner)
        for user in (personas.owner, personas.outsider):
            client.force_login(user)
            for url in [reverse("quotes:choose", args=[personas.lease.public_id]), *quote_urls(quote)]:
                assert client.post(url).status_code == 405, url  # the same for every id: it confirms nothing

    def test_anonymous_is_sent_to_sign_in(self, client, personas):
        quote = give(personas.lease, personas.owner)
        for url in lease_urls(personas.lease) + quote_urls(quote):
            for response in (client.get(url), client.post(url, GOOD_POSTS["extension"])):
                assert response.status_code == 302, url
                assert response["Location"].startswith(reverse("account_login")), url
        assert Quote.objects.count() == 1

    def test_another_lease_s_quote_under_my_lease_url_is_404(self, client, personas):
        mine_too = make_lease(personas.lease.parties.get(role="primary").lessee)
        quote_on_other = give(mine_too, personas.owner)
        outsiders_quote = give(personas.other_lease, personas.outsider)
        client.force_login(personas.owner)
        for quote in (quote_on_other, outsiders_quote):
            for name in ("quotes:detail", "quotes:pdf"):
                assert client.get(reverse(name, args=[personas.lease.public_id, quote.public_id])).status_code == 404
        assert client.get(reverse("quotes:short", args=[outsiders_quote.public_id])).status_code == 404

    def test_row_ids_and_unknown_kinds_are_404(self, client, personas):
        client.force_login(personas.owner)
        assert client.get(f"/vehicles/{personas.lease.pk}/quotes/new/").status_code == 404
        assert client.get(new_url(personas.lease, "lunch")).status_code == 404
        assert client.get(reverse("quotes:short", args=["00000000-0000-0000-0000-000000000000"])).status_code == 404


class TestTurnInForm:
    def test_the_form_is_prefilled_and_says_wear_is_excluded(self, client, personas):
        read(personas.lease, dt.date(2026, 11, 20), 40100)
        client.force_login(personas.owner)

        page = text(client.get(new_url(personas.lease, "turn-in")))

        assert 'name="odometer" value="40100"' in page
        assert 'name="return_date" value="2026-12-15"' in page
        assert "excludes potential excess wear charges" in page
        assert "Past-due amounts" in page and "Personal property tax" in page
        assert "to June 13, 2027" in page  # 180 days after December 15, 2026

    def test_the_worked_example_gives_the_documented_figures(self, client, personas):
        client.force_login(personas.owner)

        response = post(client, "turn-in", personas.lease, **GOOD_POSTS["turn-in"])

        quote = Quote.objects.get()
        assert response.status_code == 302
        assert response["Location"] == quote.get_absolute_url()
        assert (quote.total, quote.net_after_deposit) == (Decimal("1723.13"), Decimal("1223.13"))
        page = text(client.get(response["Location"]))
        assert "$1,723.13" in page and "$1,223.13" in page
        assert "5,000 miles over your 36,000-mile allowance × $0.25 a mile" in page
        assert "6.25% tax on $1,250.00 of excess mileage and wear charges" in page
        assert quote.reference in page
        assert "good through <strong>December 5, 2026</strong>" in page
        assert "View / print (PDF)" in page

    def test_commas_in_the_miles_are_fine(self, client, personas):
        client.force_login(personas.owner)
        assert post(client, "turn-in", personas.lease, return_date="2026-12-15", odometer="41,012").status_code == 302
        assert Quote.objects.get().total == Decimal("1723.13")

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            ({"return_date": "2026-11-24"}, "can&#x27;t be in the past"),
            ({"return_date": "2027-06-14"}, "Choose June 13, 2027 or earlier"),
            ({"return_date": "next week"}, "Enter a date like 2026-12-15."),
            ({"odometer": "40099"}, "40,099 miles is below your last reading of 40,100 miles on November 20, 2026"),
            ({"odometer": "lots"}, "Enter the miles as a whole number, like 41012."),
            ({"odometer": ""}, "This field is required."),
        ],
    )
    def test_bad_input_is_explained_on_the_form_and_saves_nothing(self, client, personas, data, message):
        read(personas.lease, dt.date(2026, 11, 20), 40100)
        client.force_login(personas.owner)

        response = post(client, "turn-in", personas.lease, **{**GOOD_POSTS["turn-in"], **data})

        assert response.status_code == 400
        assert message in text(response)
        assert not Quote.objects.exists()

    def test_an_engine_refusal_is_a_form_error_not_a_500(self, client, personas):
        # A reading below the odometer at signing (a typo at the dealer) lets the form accept
        # 6 miles; the engine refuses it, and the lessee is told so on the form.
        read(personas.lease, dt.date(2026, 11, 20), 5)
        client.force_login(personas.owner)

        response = post(client, "turn-in", personas.lease, return_date="2026-12-15", odometer="6")

        assert response.status_code == 400
        assert "We couldn&#x27;t quote that: odometer 6 is below the start odometer 12" in text(response)
        assert not Quote.objects.exists()


class TestBuyoutForm:
    def test_the_form_explains_the_price(self, client, personas):
        client.force_login(personas.owner)
        page = text(client.get(new_url(personas.lease, "buyout")))
        assert "adjusted lease balance" in page
        assert "purchase option price</strong> in your lease, $19,500.00" in page
        # The deposit is applied, not asked about: either answer came to the same amount to pay.
        assert "security deposit to the price?" not in page and 'name="apply_security_deposit"' not in page
        assert "Your $500.00 security deposit is taken off the price." in page
        assert 'name="purchase_date" value="2026-11-25"' in page  # today (tests.factories.TODAY), not the end date
        assert 'max="2026-12-05"' in page  # the last day a quote given today can still be paid

    def test_a_date_past_the_good_through_date_is_refused(self, client, personas):
        client.force_login(personas.owner)
        response = post(client, "buyout", personas.lease, purchase_date="2026-12-06", apply_security_deposit="no")
        assert response.status_code == 400
        assert "A buyout quote is good for 10 days, so choose a date by December 5, 2026" in text(response)
        assert not Quote.objects.exists()

    def test_the_last_day_a_quote_can_be_paid_is_accepted(self, client, personas):
        client.force_login(personas.owner)
        response = post(client, "buyout", personas.lease, purchase_date="2026-12-05", apply_security_deposit="no")
        assert response.status_code == 302
        quote = Quote.objects.get()
        assert quote.event_date == quote.good_through == dt.date(2026, 12, 5)

    def test_buying_today_with_the_deposit_applied(self, client, personas):
        client.force_login(personas.owner)

        assert post(client, "buyout", personas.lease, **GOOD_POSTS["buyout"]).status_code == 302

        quote = Quote.objects.get()
        amounts = {line["code"]: line["amount"] for line in quote.lines}
        assert amounts["purchase_price"] == "19467.40"  # the adjusted lease balance on November 25
        assert amounts["security_deposit_applied"] == "-500.00"
        assert quote.total == Decimal("20484.11")  # 19,467.40 + 300.00 + 1,216.71 − 500.00
        assert quote.net_after_deposit == Decimal("20484.11")
        assert "Your $500.00 deposit is applied above." in text(client.get(quote.get_absolute_url()))

    @pytest.mark.parametrize(
        ("day", "message"),
        [("2026-11-24", "can&#x27;t be in the past"), ("2027-06-14", "so choose a date by December 5, 2026")],
    )
    def test_purchase_dates_outside_the_range_are_refused(self, client, personas, day, message):
        client.force_login(personas.owner)
        response = post(client, "buyout", personas.lease, purchase_date=day, apply_security_deposit="no")
        assert response.status_code == 400
        assert message in text(response)
        assert not Quote.objects.exists()


class TestTurnInWindow:
    """From TURN_IN_WINDOW_DAYS before the scheduled end a return is a turn-in, priced as of the end
    date; before that, an early return."""

    def test_a_return_in_the_window_is_priced_as_on_the_end_date(self, client, personas, settings):
        settings.TURN_IN_WINDOW_DAYS = 30
        client.force_login(personas.owner)
        assert post(client, "turn-in", personas.lease, return_date="2026-12-01", odometer="41012").status_code == 302
        quote = Quote.objects.get()
        assert quote.event_date == END
        assert quote.total == Decimal("1723.13")

    def test_a_turn_in_before_the_window_is_sent_to_the_early_return_quote(self, client, personas, settings):
        settings.TURN_IN_WINDOW_DAYS = 10  # the window opens December 5
        client.force_login(personas.owner)
        response = post(client, "turn-in", personas.lease, return_date="2026-12-01", odometer="41012")
        assert response.status_code == 400
        assert "A return before December 5, 2026 ends your lease early" in text(response)
        assert not Quote.objects.exists()

    def test_no_early_return_once_the_window_has_opened(self, client, personas, settings):
        settings.TURN_IN_WINDOW_DAYS = 30  # the window opened November 15; today is November 25
        client.force_login(personas.owner)
        page = text(client.get(reverse("quotes:choose", args=[personas.lease.public_id])))
        assert "Your turn-in window opened on November 15, 2026" in page
        response = post(client, "early-return", personas.lease, **GOOD_POSTS["early-return"])
        assert "a return now is a turn-in" in text(response)
        assert not Quote.objects.exists()


class TestEarlyReturnForm:
    @pytest.fixture(autouse=True)
    def _no_turn_in_window(self, settings):
        """The personas lease ends in 20 days: with no turn-in window, every day before the end is
        an early return, so these tests can price one."""
        settings.TURN_IN_WINDOW_DAYS = 0

    def test_the_value_is_prefilled_with_the_residual_and_explained(self, client, personas):
        client.force_login(personas.owner)
        page = text(client.get(new_url(personas.lease, "early-return")))
        assert 'name="realized_value" value="19500.00"' in page
        assert "residual value, $19,500.00" in page
        assert "wholesale" in page and "appraisal" in page
        assert "excludes potential excess wear charges" in page

    def test_an_early_return_quote(self, client, personas):
        client.force_login(personas.owner)

        assert post(client, "early-return", personas.lease, **GOOD_POSTS["early-return"]).status_code == 302

        quote = Quote.objects.get()
        amounts = {line["code"]: line["amount"] for line in quote.lines}
        assert amounts["remaining_balance"] == "1477.18"  # ALB 19,477.18 on December 1 − 18,000.00
        assert amounts["excess_mileage"] == "1107.00"  # 40,000 driven − 35,572 earned by then, × 0.25
        assert quote.total == Decimal("3048.37")
        assert quote.net_after_deposit == Decimal("2548.37")

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            ({"return_date": "2026-12-15"}, "choose December 14, 2026 or earlier"),
            ({"return_date": "2026-11-01"}, "can&#x27;t be in the past"),
            ({"realized_value": "about 18k"}, "Enter an amount in dollars, like 18500.00."),
            ({"realized_value": "-1"}, "greater than or equal to 0"),
        ],
    )
    def test_bad_input_is_refused(self, client, personas, data, message):
        client.force_login(personas.owner)
        response = post(client, "early-return", personas.lease, **{**GOOD_POSTS["early-return"], **data})
        assert response.status_code == 400
        assert message in text(response)
        assert not Quote.objects.exists()

    def test_not_offered_once_the_end_date_has_come(self, client, personas, settings):
        settings.PORTAL_TODAY = END
        client.force_login(personas.owner)
        assert "a return now is a turn-in" in text(
            client.get(reverse("quotes:choose", args=[personas.lease.public_id]))
        )
        response = post(
            client, "early-return", personas.lease, **{**GOOD_POSTS["early-return"], "return_date": "2026-12-15"}
        )
        assert "a return now is a turn-in" in text(response)
        assert not Quote.objects.exists()


class TestExtensionForm:
    def test_the_fee_and_the_limit_come_before_the_question(self, client, personas):
        client.force_login(personas.owner)
        page = text(client.get(new_url(personas.lease, "extension")))
        assert page.index("$14.88") < page.index('name="days"')
        assert page.index("180 days left") < page.index('name="days"')

    def test_days_already_granted_count_against_the_limit(self, client, personas):
        Lease.objects.filter(pk=personas.lease.pk).update(extended_days=170)
        client.force_login(personas.owner)
        assert "10 days left" in text(client.get(new_url(personas.lease, "extension")))
        response = post(client, "extension", personas.lease, days="11")
        assert "extended by 10 more days at most" in text(response)
        assert post(client, "extension", personas.lease, days="10").status_code == 302
        assert Quote.objects.get().total == Decimal("148.80")

    @pytest.mark.parametrize(
        ("days", "message"),
        [
            ("181", "extended by 180 more days at most"),
            ("0", "greater than or equal to 1"),
            ("a month", "whole number"),
        ],
    )
    def test_bad_days_are_refused(self, client, personas, days, message):
        client.force_login(personas.owner)
        response = post(client, "extension", personas.lease, days=days)
        assert response.status_code == 400
        assert message in text(response)
        assert not Quote.objects.exists()


class TestLeasesNotOpen:
    @pytest.mark.parametrize("move", ["mark_returned", "mark_purchased"])
    def test_no_new_quotes(self, client, personas, move):
        getattr(personas.lease, move)()
        client.force_login(personas.owner)
        for url in lease_urls(personas.lease):
            response = client.get(url)
            assert response.status_code == 409, url
            assert "No new quotes for this lease" in text(response)
        for slug, data in GOOD_POSTS.items():
            assert post(client, slug, personas.lease, **data).status_code == 409
        assert (
            client.post(reverse("quotes:compare", args=[personas.lease.public_id]), {"option": "return"}).status_code
            == 409
        )
        assert not Quote.objects.exists()

    def test_earlier_quotes_can_still_be_read(self, client, personas):
        quote = give(personas.lease, personas.owner)
        personas.lease.mark_returned()
        client.force_login(personas.owner)
        page = text(client.get(quote.get_absolute_url()))
        assert "$1,723.13" in page
        lease_page = text(client.get(reverse("leases:detail", args=[personas.lease.public_id])))
        assert quote.reference in lease_page
        assert "Request a quote" not in lease_page


class TestQuotePage:
    def test_a_refund_says_we_owe_you(self, client, personas):
        quote = give(personas.lease, personas.owner, engine.TurnIn(date=END, odometer=30012))
        client.force_login(personas.owner)
        page = text(client.get(quote.get_absolute_url()))
        assert 'We owe you</dt><dd class="money">$105.00' in page

    def test_after_the_good_through_date_it_says_expired_and_offers_a_new_one(self, client, personas, settings):
        quote = give(personas.lease, personas.owner)
        client.force_login(personas.owner)

        settings.PORTAL_TODAY = dt.date(2026, 12, 5)
        assert "has expired" not in text(client.get(quote.get_absolute_url()))

        settings.PORTAL_TODAY = dt.date(2026, 12, 6)
        page = text(client.get(quote.get_absolute_url()))
        assert "This quote has expired." in page
        assert f'href="{new_url(personas.lease, "turn-in")}"' in page

    def test_the_page_shows_the_snapshot_after_the_lease_is_edited(self, client, personas):
        quote = give(personas.lease, personas.owner)
        Lease.objects.filter(pk=personas.lease.pk).update(
            residual_value=Decimal("18000.00"), disposition_fee=Decimal("595.00"), security_deposit=Decimal("0")
        )
        client.force_login(personas.owner)
        page = text(client.get(quote.get_absolute_url()))
        assert "$1,723.13" in page and "$1,223.13" in page and "The turn-in fee in your lease: $395.00" in page

    def test_the_query_count_does_not_grow_with_the_lease_s_quotes(self, client, personas, django_assert_num_queries):
        first = give(personas.lease, personas.owner)
        client.force_login(personas.owner)
        client.get(first.get_absolute_url())  # keeps the header's counts and help links in the cache
        with django_assert_num_queries(QUOTE_PAGE_QUERIES):
            assert client.get(first.get_absolute_url()).status_code == 200
        for _ in range(19):
            give(personas.lease, personas.owner)
        with django_assert_num_queries(QUOTE_PAGE_QUERIES + RECOUNT):  # the lease changed: made again
            assert client.get(first.get_absolute_url()).status_code == 200
        with django_assert_num_queries(KEPT_PAGE_QUERIES):
            assert client.get(first.get_absolute_url()).status_code == 200


class TestLeasePage:
    def test_the_lease_page_offers_quotes_and_lists_them_newest_first(self, client, personas):
        older = give(personas.lease, personas.owner)
        newer = give(personas.lease, personas.owner, engine.Extension(days=30))
        client.force_login(personas.co_lessee)

        page = text(client.get(reverse("leases:detail", args=[personas.lease.public_id])))

        assert reverse("quotes:choose", args=[personas.lease.public_id]) in page
        assert reverse("quotes:compare", args=[personas.lease.public_id]) in page
        assert page.index(newer.reference) < page.index(older.reference)
        assert "$446.40" in page and "$1,723.13" in page

    def test_the_query_count_does_not_grow_with_the_lease_s_quotes(self, client, personas, django_assert_num_queries):
        client.force_login(personas.owner)
        url = reverse("leases:detail", args=[personas.lease.public_id])

        give(personas.lease, personas.owner)
        client.get(url)  # keeps the header's counts and help links in the cache
        with django_assert_num_queries(LEASE_PAGE_QUERIES):
            assert client.get(url).status_code == 200
        for _ in range(19):
            give(personas.lease, personas.owner)
        with django_assert_num_queries(LEASE_PAGE_QUERIES + RECOUNT):  # the lease changed: made again
            assert client.get(url).status_code == 200
        with django_assert_num_queries(KEPT_PAGE_QUERIES):
            page = text(client.get(url))
        assert "15 older quotes" in page


class TestComparePage:
    def test_the_query_count_does_not_grow_with_readings_quotes_or_leases(
        self, client, personas, django_assert_num_queries
    ):
        url = reverse("quotes:compare", args=[personas.lease.public_id])
        client.force_login(personas.owner)
        client.get(url)  # keeps the header's counts and help links in the cache
        with django_assert_num_queries(COMPARE_QUERIES):
            assert client.get(url).status_code == 200

        for day in range(1, 21):
            read(personas.lease, dt.date(2026, 10, day), 29_000 + day * 40)
        for _ in range(5):
            give(personas.lease, personas.owner)
            make_lease(personas.lease.parties.get(role="primary").lessee)
        with django_assert_num_queries(COMPARE_QUERIES + RECOUNT):  # the lease changed: made again
            assert client.get(url).status_code == 200
        with django_assert_num_queries(KEPT_PAGE_QUERIES):
            assert client.get(url).status_code == 200

    def test_options_side_by_side_with_the_differences(self, client, personas):
        read(personas.lease, dt.date(2026, 11, 15), 40012)
        client.force_login(personas.owner)

        page = text(client.get(reverse("quotes:compare", args=[personas.lease.public_id])))

        for title in (
            "Return it on December 15, 2026",
            "Buy it on December 15, 2026",
            "Buy it today",
            "Extend 30 days",
            "Extend 90 days",
        ):
            assert title in page
        assert "Buying costs $19,262.16 more up front than returning, and you keep the car." in page
        assert "$1,256.59" in page and "$20,518.75" in page and "$446.40" in page and "$1,339.20" in page
        assert "about 41,138 miles" in page
        assert page.count(">Save as a quote</button>") == 4  # not "Buy it on December 15": see below
        assert not Quote.objects.exists()  # computed on the fly

    def test_saving_an_option_stores_the_figures_shown(self, client, personas):
        read(personas.lease, dt.date(2026, 11, 15), 40012)
        client.force_login(personas.owner)

        response = client.post(reverse("quotes:compare", args=[personas.lease.public_id]), {"option": "return"})

        quote = Quote.objects.get()
        assert response["Location"] == quote.get_absolute_url()
        assert (quote.kind, quote.total, quote.net_after_deposit) == ("turn_in", Decimal("1756.59"), Decimal("1256.59"))
        assert quote.inputs["odometer"] == "41138"

    def test_buying_today_shows_and_saves_what_the_buyout_form_saves(self, client, personas):
        entry_post(lease=personas.lease, kind="past_due", amount=Decimal("120.00"), posted_on=dt.date(2026, 11, 20))
        client.force_login(personas.owner)
        compare_url = reverse("quotes:compare", args=[personas.lease.public_id])
        form_post = {"purchase_date": "2026-11-25", "apply_security_deposit": "yes"}  # the form's own defaults

        assert post(client, "buyout", personas.lease, **form_post).status_code == 302
        page = text(client.get(compare_url))
        assert client.post(compare_url, {"option": "buy_today"}).status_code == 302

        from_form, from_compare = Quote.objects.order_by("pk")
        assert from_compare.inputs == from_form.inputs
        assert from_compare.lines == from_form.lines
        assert (from_compare.total, from_compare.net_after_deposit) == (from_form.total, from_form.net_after_deposit)
        assert from_form.total == Decimal("20604.11")  # 20,484.11 with the $120.00 past due
        assert page.count(usd(from_form.total)) >= 1

    def test_a_buyout_too_far_ahead_to_be_paid_is_shown_but_not_saved(self, client, personas):
        client.force_login(personas.owner)
        url = reverse("quotes:compare", args=[personas.lease.public_id])

        page = text(client.get(url))
        assert "A buyout quote is good for 10 days, so you can save this one from December 5, 2026" in page
        assert 'value="buy_end"' not in page

        response = client.post(url, {"option": "buy_end"})
        assert response.status_code == 400
        assert "can&#x27;t be saved" in text(response)
        assert not Quote.objects.exists()

    def test_a_buyout_within_the_good_through_days_can_be_saved(self, client, personas, settings):
        settings.QUOTE_GOOD_THROUGH_DAYS = 20  # the end date, December 15, is now payable on a quote given today
        client.force_login(personas.owner)
        response = client.post(reverse("quotes:compare", args=[personas.lease.public_id]), {"option": "buy_end"})
        assert response.status_code == 302
        assert Quote.objects.get().event_date == END

    def test_an_unknown_option_saves_nothing(self, client, personas):
        client.force_login(personas.owner)
        response = client.post(reverse("quotes:compare", args=[personas.lease.public_id]), {"option": "extend_9999"})
        assert response.status_code == 400
        assert "can&#x27;t be saved" in text(response)
        assert not Quote.objects.exists()

    def test_a_lease_from_another_customer_with_make_lessee(self, client, personas):
        # A brand-new lessee with no online account sees nothing of it.
        stranger_lease = make_lease(make_lessee())
        client.force_login(personas.owner)
        assert client.get(reverse("quotes:compare", args=[stranger_lease.public_id])).status_code == 404


class TestAmountsOwed:
    def test_past_due_and_property_tax_come_from_the_account(self, client, personas):
        entry_post(lease=personas.lease, kind="past_due", amount=Decimal("452.74"), posted_on=dt.date(2026, 11, 15))
        entry_post(lease=personas.lease, kind="property_tax", amount=Decimal("210.50"), posted_on=dt.date(2026, 11, 1))
        client.force_login(personas.owner)

        page = text(client.get(new_url(personas.lease, "turn-in")))
        assert "$452.74" in page and "$210.50" in page

        assert post(client, "turn-in", personas.lease, **GOOD_POSTS["turn-in"]).status_code == 302
        quote = Quote.objects.get()
        amounts = {line["code"]: line["amount"] for line in quote.lines}
        assert (amounts["past_due"], amounts["property_tax"]) == ("452.74", "210.50")
        assert quote.total == Decimal("2386.37")  # the worked example's 1,723.13 + 452.74 + 210.50


class TestAdmin:
    def test_operations_can_read_a_quote_but_not_change_it(self, client, personas, staff):
        quote = give(personas.lease, personas.owner)
        client.force_login(staff)

        listing = client.get(reverse("admin:quotes_quote_changelist"), {"q": quote.reference})
        assert listing.status_code == 200
        assert quote.reference in text(listing)
        page = client.get(reverse("admin:quotes_quote_change", args=[quote.pk]))
        assert page.status_code == 200
        assert 'name="_save"' not in text(page)
        assert client.get(reverse("admin:quotes_quote_add")).status_code == 403
