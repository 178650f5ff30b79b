import datetime as dt

import pytest
from django.urls import reverse

from leases.models import Lessee, OdometerReading, VehicleEquipment
from tests.factories import make_lease, make_lessee, make_user

pytestmark = pytest.mark.django_db
# Exact, and the same whatever the number of leases, quotes or readings the page shows.
MY_VEHICLES_QUERIES = 2  # user, the leases in one query (session, unread counts and help links: cache)
# An open lease, its second page (help links and the header's counts kept in the cache), the wear panel one query;
# tests/quotes/test_views.py checks it with 1 and 20 quotes.
LEASE_PAGE_QUERIES = 10
# Any of those pages once its data is kept (portal.cache.page_data, tests/portal/test_page_cache.py):
# the user row, nothing else.
KEPT_PAGE_QUERIES = 1


def lease_urls(lease) -> list[str]:
    return [
        reverse("leases:detail", args=[lease.public_id]),
        reverse("leases:odometer", args=[lease.public_id]),
    ]


class TestOwnerScoping:
    def test_owner_and_co_lessee_see_the_lease(self, client, personas):
        for user in (personas.owner, personas.co_lessee):
            client.force_login(user)
            for url in lease_urls(personas.lease):
                assert client.get(url).status_code == 200, url

    def test_outsider_gets_404_on_every_lease_url(self, client, personas):
        client.force_login(personas.outsider)
        for url in lease_urls(personas.lease):
            assert client.get(url).status_code == 404, url
        odometer = reverse("leases:odometer", args=[personas.lease.public_id])
        assert client.post(odometer, {"miles": 99999, "reading_date": "2026-11-20"}).status_code == 404
        assert personas.lease.odometer_readings.count() == 1

    def test_unknown_uuid_is_404(self, client, personas):
        client.force_login(personas.owner)
        assert client.get("/vehicles/00000000-0000-0000-0000-000000000000/").status_code == 404

    def test_row_ids_are_not_urls(self, client, personas):
        client.force_login(personas.owner)
        assert client.get(f"/vehicles/{personas.lease.pk}/").status_code == 404


class TestMyVehicles:
    def test_lists_only_my_leases_with_end_date_and_miles(self, client, personas):
        OdometerReading.objects.create(
            lease=personas.lease, reading_date=dt.date(2026, 11, 1), miles=30012, source="lessee"
        )
        client.force_login(personas.owner)
        response = client.get(reverse("leases:list"))
        page = response.content.decode()
        assert personas.lease.account_number in page
        assert personas.other_lease.account_number not in page
        assert "Dec 15, 2026" in page
        assert "20 days left" in page
        assert "30,000" in page  # driven to date: 30,012 − 12

    def test_query_count_does_not_grow_with_leases(self, client, django_assert_num_queries):
        one, ten = make_user(), make_user()
        make_lease(make_lessee(one))
        ten_lessee = make_lessee(ten)
        for _ in range(10):
            make_lease(ten_lessee)

        for user in (one, ten):
            client.force_login(user)
            client.get(reverse("leases:list"))  # keeps the header's counts and help links in the cache
            with django_assert_num_queries(MY_VEHICLES_QUERIES):
                assert client.get(reverse("leases:list")).status_code == 200

    def test_a_user_without_a_lease_is_invited_to_link_one(self, client):
        client.force_login(make_user())
        assert "Link your lease to get started" in client.get(reverse("leases:list")).content.decode()


class TestLeasePage:
    def test_query_count_does_not_grow_with_leases_readings_or_equipment(
        self, client, personas, django_assert_num_queries
    ):
        lease, url = personas.lease, reverse("leases:detail", args=[personas.lease.public_id])
        client.force_login(personas.owner)
        client.get(url)  # keeps the header's counts and help links in the cache
        with django_assert_num_queries(LEASE_PAGE_QUERIES):
            assert client.get(url).status_code == 200

        owner = lease.parties.get(role="primary").lessee
        for _ in range(5):
            make_lease(owner)
        for day in range(1, 21):
            OdometerReading.objects.create(
                lease=lease, reading_date=dt.date(2026, 10, day), miles=29_000 + day * 40, source="lessee"
            )
        for name in ("Cargo cover", "Floor mats", "Owner's manual"):
            VehicleEquipment.objects.create(vehicle=lease.vehicle, name=name, quantity=1)
        with django_assert_num_queries(LEASE_PAGE_QUERIES):  # the lease changed: made again, and kept
            assert client.get(url).status_code == 200
        with django_assert_num_queries(KEPT_PAGE_QUERIES):
            assert client.get(url).status_code == 200


class TestOdometerForm:
    def test_valid_reading_is_saved_and_shown(self, client, personas):
        client.force_login(personas.owner)
        url = reverse("leases:odometer", args=[personas.lease.public_id])
        response = client.post(url, {"miles": "30500", "reading_date": "2026-11-20"}, follow=True)
        assert "30,500 miles recorded" in response.content.decode()
        assert personas.lease.odometer_readings.latest().miles == 30500

    def test_rollback_is_refused_on_the_form_and_nothing_saved(self, client, personas):
        OdometerReading.objects.create(
            lease=personas.lease, reading_date=dt.date(2026, 11, 1), miles=30012, source="lessee"
        )
        client.force_login(personas.owner)
        url = reverse("leases:odometer", args=[personas.lease.public_id])
        response = client.post(url, {"miles": "29000", "reading_date": "2026-11-20"})
        assert response.status_code == 200
        assert "below the last reading of 30,012 miles" in response.content.decode()
        assert personas.lease.odometer_readings.count() == 2

    def test_text_instead_of_a_number_is_refused(self, client, personas):
        client.force_login(personas.owner)
        url = reverse("leases:odometer", args=[personas.lease.public_id])
        response = client.post(url, {"miles": "lots", "reading_date": "2026-11-20"})
        assert "Enter a whole number" in response.content.decode()
        assert personas.lease.odometer_readings.count() == 1


class TestLinkLease:
    url = reverse("leases:link")

    def details(self, lease, **overrides):
        lessee = lease.parties.get().lessee
        data = {
            "account_number": lease.account_number,
            "vin_last6": lease.vehicle.vin[-6:].lower(),
            "zip_code": lessee.zip_code,
        }
        data.update(overrides)
        return data

    def test_right_details_link_the_lease(self, client):
        user = make_user()
        lease = make_lease(make_lessee(None, zip_code="02139"))
        client.force_login(user)
        response = client.post(self.url, self.details(lease))
        assert response.status_code == 302
        assert Lessee.objects.get(parties__lease=lease).user == user
        assert client.get(reverse("leases:detail", args=[lease.public_id])).status_code == 200

    @pytest.mark.parametrize("field", ["account_number", "vin_last6", "zip_code"])
    def test_any_wrong_detail_gets_the_same_generic_message(self, client, field):
        user = make_user()
        lease = make_lease(make_lessee(None, zip_code="02139"))
        wrong = {"account_number": "4000000006", "vin_last6": "ZZZZZZ", "zip_code": "99999"}[field]
        client.force_login(user)
        response = client.post(self.url, self.details(lease, **{field: wrong}))
        assert "couldn&#x27;t match those details" in response.content.decode()
        assert Lessee.objects.get(parties__lease=lease).user is None

    def test_a_lease_already_linked_to_someone_else_cannot_be_taken(self, client):
        owner, thief = make_user(), make_user()
        lease = make_lease(make_lessee(owner, zip_code="02139"))
        client.force_login(thief)
        response = client.post(self.url, self.details(lease))
        assert "couldn&#x27;t match those details" in response.content.decode()
        assert Lessee.objects.get(parties__lease=lease).user == owner

    def test_failed_attempts_are_limited_per_person(self, client):
        lease = make_lease(make_lessee(None, zip_code="02139"))
        client.force_login(make_user())
        for _ in range(5):
            client.post(self.url, self.details(lease, zip_code="99999"))
        response = client.post(self.url, self.details(lease))  # even the right details, now
        assert response.status_code == 429
        assert "Too many attempts" in response.content.decode()
        assert Lessee.objects.get(parties__lease=lease).user is None

    def test_attempts_are_limited_per_ip_across_accounts(self, client):
        client.force_login(make_user())
        for n in range(20):
            client.post(self.url, {"account_number": f"40000{n:05d}", "vin_last6": "ABCDEF", "zip_code": "10001"})
        lease = make_lease(make_lessee(None, zip_code="02139"))
        assert client.post(self.url, self.details(lease)).status_code == 429


class TestLeaseTerms:
    def test_the_lease_terms_show_dollars_and_cents_and_the_long_end_date(self, client, personas):
        client.force_login(personas.owner)
        page = " ".join(client.get(reverse("leases:detail", args=[personas.lease.public_id])).content.decode().split())
        assert "Scheduled end date: <strong>December 15, 2026</strong>" in page
        assert 'Charge for each mile over</dt><dd class="col-sm-6">$0.25</dd>' in page
        assert 'Purchase option price</dt><dd class="col-6">$19,500.00</dd>' in page
        assert 'Turn-in (disposition) fee</dt><dd class="col-6">$395.00</dd>' in page
        assert 'Security deposit</dt><dd class="col-6">$500.00</dd>' in page
