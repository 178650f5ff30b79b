"""The kit link on the lease page, the kit PDF, and notifications: each lessee sees only their own."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from leases.models import Lease
from portal.context_processors import unread_notifications
from portal.models import Notification
from returnkit.models import KitSnapshot, Reminder
from tests.returnkit.pdf import text

pytestmark = pytest.mark.django_db


def kit_url(lease) -> str:
    return reverse("returnkit:kit_pdf", args=[lease.public_id])


def notify(user, lease, title: str = "Your Vehicle Return Kit is ready", **extra) -> Notification:
    return Notification.objects.create(
        user=user, lease=lease, kind="kit_120", title=title, link=f"/vehicles/{lease.public_id}/", **extra
    )


class TestKitPdf:
    def test_owner_and_co_lessee_get_their_kit_inline(self, client, personas):
        for user in (personas.owner, personas.co_lessee):
            client.force_login(user)
            response = client.get(kit_url(personas.lease))
            assert response.status_code == 200
            assert response["Content-Type"] == "application/pdf"
            expected = f'inline; filename="vehicle-return-kit-{personas.lease.account_number}.pdf"'
            assert response["Content-Disposition"] == expected
            pdf = b"".join(response.streaming_content)
            assert personas.lease.account_number in text(pdf)
        assert KitSnapshot.objects.filter(lease=personas.lease).count() == 1  # rendered once, then reused

    def test_outsider_gets_404(self, client, personas):
        client.force_login(personas.outsider)
        assert client.get(kit_url(personas.lease)).status_code == 404
        assert not KitSnapshot.objects.exists()

    def test_unknown_uuid_and_row_ids_are_404(self, client, personas):
        client.force_login(personas.owner)
        assert client.get("/vehicles/00000000-0000-0000-0000-000000000000/return-kit.pdf").status_code == 404
        assert client.get(f"/vehicles/{personas.lease.pk}/return-kit.pdf").status_code == 404


    def test_an_unchanged_kit_is_served_from_its_row_alone_and_a_change_makes_a_new_one(
        self, client, personas, django_assert_num_queries
    ):
        from leases.models import OdometerReading
        from portal import clock

        client.force_login(personas.owner)
        client.get(kit_url(personas.lease))
        client.get(kit_url(personas.lease))  # the current kit kept for this user
        with django_assert_num_queries(2):  # the user, the kit's row
            first = b"".join(client.get(kit_url(personas.lease)).streaming_content)
        OdometerReading.objects.create(lease=personas.lease, reading_date=clock.today(), miles=38_765, source="lessee")
        second = b"".join(client.get(kit_url(personas.lease)).streaming_content)
        assert "38,765" in text(second) and "38,765" not in text(first)
        assert KitSnapshot.objects.filter(lease=personas.lease).count() == 2
        outsider = client.__class__()
        outsider.force_login(personas.outsider)
        assert outsider.get(kit_url(personas.lease)).status_code == 404  # kept per user, never shared

    def test_a_kept_kit_whose_file_has_gone_is_drawn_again(self, client, personas):
        client.force_login(personas.owner)
        for _ in range(2):
            client.get(kit_url(personas.lease))
        kit = KitSnapshot.objects.get(lease=personas.lease)
        kit.pdf.storage.delete(kit.pdf.name)
        response = client.get(kit_url(personas.lease))
        assert response.status_code == 200
        assert personas.lease.account_number in text(b"".join(response.streaming_content))


class TestLeasePagePanel:
    def test_offers_the_kit_and_says_when_it_was_sent(self, client, personas):
        client.force_login(personas.owner)
        page = client.get(reverse("leases:detail", args=[personas.lease.public_id])).content.decode()
        assert "Print your Vehicle Return Kit" in page
        assert kit_url(personas.lease) in page
        assert "Kit sent on" not in page

        Reminder.objects.create(
            lease=personas.lease,
            kind=Reminder.Kind.KIT_120,
            status=Reminder.Status.SENT,
            claim_token="00000000-0000-0000-0000-000000000002",
            due_on="2026-08-17",
            sent_at=timezone.make_aware(timezone.datetime(2026, 8, 17, 10, 0)),
        )
        page = client.get(reverse("leases:detail", args=[personas.lease.public_id])).content.decode()
        assert "Kit sent on August 17, 2026." in page

    def test_a_returned_vehicle_is_not_offered_a_kit(self, client, personas):
        Lease.objects.filter(pk=personas.lease.pk).update(status=Lease.Status.RETURNED)
        client.force_login(personas.owner)
        page = client.get(reverse("leases:detail", args=[personas.lease.public_id])).content.decode()
        assert "Print your Vehicle Return Kit" not in page


class TestNotifications:
    def test_lists_my_notifications_and_marks_them_read(self, client, personas):
        mine = notify(personas.owner, personas.lease)
        notify(personas.outsider, personas.other_lease, title="Someone else's notice")
        client.force_login(personas.owner)

        page = client.get(reverse("returnkit:notifications")).content.decode()

        assert "Your Vehicle Return Kit is ready" in page
        assert "Someone else&#x27;s notice" not in page and "Someone else's notice" not in page
        assert f'href="/vehicles/{personas.lease.public_id}/"' in page
        assert "New" in page
        mine.refresh_from_db()
        assert mine.read_at is not None
        assert Notification.objects.get(user=personas.outsider).read_at is None
        assert "New</span>" not in client.get(reverse("returnkit:notifications")).content.decode()

    def test_outsider_sees_none_of_mine(self, client, personas):
        notify(personas.owner, personas.lease)
        client.force_login(personas.outsider)
        page = client.get(reverse("returnkit:notifications")).content.decode()
        assert "You have no notifications" in page
        assert str(personas.lease.public_id) not in page

    def test_header_shows_the_unread_count(self, client, personas):
        for _ in range(3):
            notify(personas.owner, personas.lease)
        notify(personas.owner, personas.lease, read_at=timezone.now())
        client.force_login(personas.owner)
        page = client.get(reverse("leases:list")).content.decode()
        assert '3<span class="visually-hidden"> unread</span>' in page

    def test_the_count_is_one_small_query_for_a_signed_in_user(self, personas, django_assert_num_queries):
        notify(personas.owner, personas.lease)
        request = RequestFactory().get("/")
        request.user = personas.owner
        context = unread_notifications(request)
        with django_assert_num_queries(1):
            assert context["unread_notifications"] == 1
            assert context["unread_notifications"] > 0  # evaluated once, then cached

    def test_the_count_costs_nothing_for_anonymous_users(self, django_assert_num_queries):
        request = RequestFactory().get("/")
        request.user = AnonymousUser()
        with django_assert_num_queries(0):
            assert unread_notifications(request) == {}
