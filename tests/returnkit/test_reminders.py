"""The daily sweep and the reminder chunks on PostgreSQL: each reminder goes once, and only when due."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from leases.models import Lease
from portal.models import Notification
from portal.pdf import StoredPdf
from returnkit import tasks
from returnkit.models import KitSnapshot, Reminder
from returnkit.reminders import due, send_chunk
from tests.factories import FINISHED_STATUSES, TODAY, add_reading, lease_ending_in, make_lessee, make_user

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

Kind = Reminder.Kind
KIT, F60, F30, F7 = Kind.KIT_120, Kind.FOLLOWUP_60, Kind.FOLLOWUP_30, Kind.FOLLOWUP_7


@pytest.fixture
def sweep(django_capture_on_commit_callbacks):
    """Run the daily sweep as beat would; its chunk tasks run (eagerly) once the sweep commits."""

    def run(day: dt.date = TODAY) -> dict:
        with django_capture_on_commit_callbacks(execute=True):
            return tasks.daily_sweep(day.isoformat())

    return run


def sent(outbox, kind: str) -> list:
    return [m for m in outbox if m.extra_headers.get("X-Portal-Reminder") == kind]


def lessee_with_email(email: str, *, user: bool = True):
    return make_lessee(make_user(email) if user else None, email=email)


class TestWhatIsDue:
    @pytest.mark.parametrize(
        ("days_left", "kinds"),
        [
            (121, set()),
            (120, {KIT}),
            (61, {KIT}),
            (60, {KIT, F60}),
            (31, {KIT, F60}),
            (30, {KIT, F30}),
            (8, {KIT, F30}),
            (7, {KIT, F7}),
            (0, {KIT, F7}),
            (-1, set()),
        ],
    )
    def test_kinds_due_by_days_left(self, days_left, kinds):
        lease = lease_ending_in(days_left)
        assert {kind for kind in Kind.values if due(kind, TODAY).filter(pk=lease.pk).exists()} == kinds

    @pytest.mark.parametrize(
        "status",
        FINISHED_STATUSES,
    )
    def test_leases_no_longer_open_are_never_due(self, status):
        lease_ending_in(50, status=status)
        assert not any(due(kind, TODAY).exists() for kind in Kind.values)

    def test_open_statuses_are_due(self):
        for status in (Lease.Status.ACTIVE, Lease.Status.MATURING, Lease.Status.EXTENDED):
            lease_ending_in(50, status=status)
        assert due(F60, TODAY).count() == 3

    def test_the_due_query_uses_the_status_and_end_date_index(self):
        with connection.cursor() as cursor:
            cursor.execute("SET enable_seqscan = off")  # a tiny table would otherwise be scanned
            plan = due(KIT, TODAY).values("pk").explain()
            cursor.execute("SET enable_seqscan = on")
        assert "lease_status_maturity" in plan or "leases_lease_maturity_date" in plan, plan
        assert "reminder_once_per_lease_and_kind" in plan, plan


class TestSweep:
    def test_twice_run_sends_one_email_per_due_lease_per_kind(self, sweep, mailoutbox):
        kit_only = lease_ending_in(100)
        kit_and_60 = lease_ending_in(45)
        lease_ending_in(200)  # not yet
        lease_ending_in(45, status=Lease.Status.RETURNED)
        lease_ending_in(45, status=Lease.Status.PURCHASED)

        first = sweep()
        second = sweep()

        assert first == {KIT: 2, F60: 1, F30: 0, F7: 0}
        assert second == {KIT: 0, F60: 0, F30: 0, F7: 0}
        assert len(mailoutbox) == 3
        assert sorted(m.extra_headers["X-Portal-Reminder"] for m in mailoutbox) == [F60, KIT, KIT]
        assert Reminder.objects.filter(status=Reminder.Status.SENT).count() == 3
        assert set(Reminder.objects.values_list("lease_id", "kind")) == {
            (kit_only.pk, KIT),
            (kit_and_60.pk, KIT),
            (kit_and_60.pk, F60),
        }

    def test_a_missed_120_day_point_gets_the_kit_once_and_only_the_current_follow_up(self, sweep, mailoutbox):
        lease_ending_in(25)  # imported late: no reminder yet
        assert sweep() == {KIT: 1, F60: 0, F30: 1, F7: 0}
        assert sweep(TODAY + dt.timedelta(days=5)) == {KIT: 0, F60: 0, F30: 0, F7: 0}
        assert sweep(TODAY + dt.timedelta(days=18)) == {KIT: 0, F60: 0, F30: 0, F7: 1}
        assert sorted(m.extra_headers["X-Portal-Reminder"] for m in mailoutbox) == [F30, F7, KIT]

    def test_a_lease_returned_after_the_sweep_gets_nothing_from_its_chunk(self, mailoutbox):
        lease = lease_ending_in(45)
        lease.mark_returned()
        assert send_chunk([lease.pk], F60, TODAY).sent == 0
        assert mailoutbox == []
        assert not Reminder.objects.exists()

    def test_run_reminders_command_sweeps_the_given_day(self, django_capture_on_commit_callbacks, mailoutbox):
        lease_ending_in(50)  # 60 days out on November 15
        with django_capture_on_commit_callbacks(execute=True):
            call_command("run_reminders", "--today", "2026-11-15")
        assert [m.extra_headers["X-Portal-Reminder"] for m in mailoutbox] == [KIT, F60]
        assert set(Reminder.objects.values_list("due_on", flat=True)) == {dt.date(2026, 11, 15)}

    def test_run_reminders_refuses_a_bad_date(self):
        with pytest.raises(CommandError, match="--today must be a date"):
            call_command("run_reminders", "--today", "15/11/2026")


class TestExactlyOnce:
    def test_a_retried_chunk_sends_nothing_new(self, mailoutbox):
        leases = [lease_ending_in(45) for _ in range(3)]
        ids = [lease.pk for lease in leases]
        assert tasks.send_reminders_chunk.delay(ids, F60, TODAY.isoformat()).get() == 3
        assert tasks.send_reminders_chunk.delay(ids, F60, TODAY.isoformat()).get() == 0
        assert len(mailoutbox) == 3
        assert Notification.objects.filter(kind=F60).count() == 3

    def test_a_claim_left_by_a_killed_worker_is_not_sent_again(self, mailoutbox):
        lease = lease_ending_in(45)
        # The worker claimed, maybe sent, then died before marking: the row is all that is left.
        claim = Reminder.objects.create(
            lease=lease,
            kind=F60,
            claim_token="00000000-0000-0000-0000-000000000001",
            due_on=TODAY,
            claimed_at=timezone.now() - dt.timedelta(hours=2),
        )
        assert send_chunk([lease.pk], F60, TODAY).sent == 0
        assert mailoutbox == []
        assert list(Reminder.objects.stuck()) == [claim]

    def test_an_smtp_failure_keeps_what_went_releases_what_never_did(self, settings, mailoutbox):
        settings.MAILERS = {"default": {"BACKEND": "tests.returnkit.backends.FailsForSomeRecipients"}}
        before = lease_ending_in(45, lessee=lessee_with_email("before@example.com"))
        failing = lease_ending_in(45, lessee=lessee_with_email("fail@example.com"))
        after = lease_ending_in(45, lessee=lessee_with_email("after@example.com"))
        ids = [before.pk, failing.pk, after.pk]

        with pytest.raises(Exception, match="unexpectedly closed"):
            send_chunk(ids, F60, TODAY)

        assert [m.to for m in mailoutbox] == [["before@example.com"]]
        statuses = dict(Reminder.objects.values_list("lease_id", "status"))
        # Sent and marked; the failed one may have reached the server, so it stays claimed; the one
        # never tried is released for the next run.
        assert statuses == {before.pk: Reminder.Status.SENT, failing.pk: Reminder.Status.CLAIMED}
        assert Notification.objects.filter(lease=before).count() == 1

        settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
        assert send_chunk(ids, F60, TODAY).sent == 1
        assert [m.to for m in mailoutbox] == [["before@example.com"], ["after@example.com"]]

    def test_a_lease_whose_kit_cannot_be_built_does_not_hold_up_its_chunk(self, mailoutbox, caplog):
        broken = lease_ending_in(100)
        # A reading below the signing odometer (bypassing the form's checks): no quote, so no kit.
        add_reading(broken, dt.date(2026, 11, 1), 5)
        fine = lease_ending_in(100)
        assert send_chunk([broken.pk, fine.pk], KIT, TODAY).sent == 1
        assert [m.to for m in mailoutbox] == [[fine.parties.get().lessee.email]]
        assert list(Reminder.objects.values_list("lease_id", flat=True)) == [fine.pk]  # broken: tried again tomorrow
        assert f"No return kit for lease {broken.pk}" in caplog.text

    def test_a_lease_whose_kit_pdf_cannot_be_drawn_does_not_hold_up_its_chunk(self, monkeypatch, mailoutbox, caplog):
        broken, fine = lease_ending_in(100), lease_ending_in(100)
        attach = StoredPdf.attach

        def fails_for_broken(stored, kit):
            if kit.lease_id == broken.pk:
                raise OSError("storage full")
            return attach(stored, kit)

        monkeypatch.setattr(StoredPdf, "attach", fails_for_broken)
        assert send_chunk([broken.pk, fine.pk], KIT, TODAY).sent == 1
        assert [m.to for m in mailoutbox] == [[fine.parties.get().lessee.email]]
        assert list(Reminder.objects.values_list("lease_id", flat=True)) == [fine.pk]  # broken: tried again tomorrow
        assert list(KitSnapshot.objects.values_list("lease_id", flat=True)) == [fine.pk]
        assert f"No return kit for lease {broken.pk}" in caplog.text

    def test_a_lease_without_any_email_gets_the_portal_notice_only(self, mailoutbox):
        lease = lease_ending_in(45, lessee=make_lessee(None, email=""))
        assert send_chunk([lease.pk], F60, TODAY).sent == 0
        assert mailoutbox == []
        assert Reminder.objects.get(lease=lease).status == Reminder.Status.NO_ADDRESS
        assert send_chunk([lease.pk], F60, TODAY).sent == 0  # and it is not tried again


class TestTheEmails:
    def test_kit_email_has_text_html_the_pdf_and_links_and_notifies_each_lessee(self, settings, sweep, mailoutbox):
        settings.SITE_URL = "https://lease-end.example.com"
        owner, co = make_user("owner@example.com"), make_user("co@example.com")
        lease = lease_ending_in(100, lessee=make_lessee(owner), co_lessee=make_lessee(co))
        sweep()

        [message] = mailoutbox
        assert message.to == ["owner@example.com", "co@example.com"]
        assert "Vehicle Return Kit" in message.subject and "March 5, 2027" in message.subject
        lease_url = f"https://lease-end.example.com/vehicles/{lease.public_id}/"
        assert lease_url in message.body
        html, mimetype = message.alternatives[0]
        assert mimetype == "text/html" and lease_url in html and "<ul>" in html
        [(filename, pdf, pdf_type)] = message.attachments
        assert pdf_type == "application/pdf" and pdf.startswith(b"%PDF-")
        assert filename == f"vehicle-return-kit-{lease.account_number}.pdf"
        assert message.extra_headers["Message-ID"] == f"<kit_120.{lease.public_id}@lease-end.example.com>"

        notices = Notification.objects.filter(lease=lease, kind=KIT)
        assert sorted(n.user.email for n in notices) == ["co@example.com", "owner@example.com"]
        assert {n.link for n in notices} == {f"/vehicles/{lease.public_id}/"}
        reminder = Reminder.objects.get(lease=lease, kind=KIT)
        assert reminder.kit is not None and reminder.kit.lease_id == lease.pk
        assert reminder.recipients == "owner@example.com, co@example.com"

    def test_follow_up_links_to_the_lease_page_without_an_attachment(self, settings, mailoutbox):
        settings.SITE_URL = "https://lease-end.example.com"
        lease = lease_ending_in(3)
        send_chunk([lease.pk], F7, TODAY)
        [message] = mailoutbox
        assert message.subject.startswith("3 days until your 2023 Toyota RAV4 XLE lease ends")
        assert f"https://lease-end.example.com/vehicles/{lease.public_id}/" in message.body
        assert message.attachments == []


class TestQueriesPerChunk:
    def count(self, kind: str, size: int, days_left: int) -> int:
        ids = [lease_ending_in(days_left, co_lessee=make_lessee(make_user())).pk for _ in range(size)]
        with CaptureQueriesContext(connection) as ctx:
            result = send_chunk(ids, kind, TODAY)
        assert result.sent == size
        return len(ctx.captured_queries)

    def test_a_follow_up_chunk_costs_the_same_for_10_and_50_leases(self):
        assert self.count(F60, 10, 45) == self.count(F60, 50, 45)

    def test_a_kit_chunk_costs_the_same_for_2_and_5_leases(self):
        assert self.count(KIT, 2, 100) == self.count(KIT, 5, 100)
