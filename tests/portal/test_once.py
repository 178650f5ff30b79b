"""portal.once: the one claim for every "send once" (the column form, a conditional UPDATE of an empty
timestamp, and the row form, a row with a unique key: each run twice, failing, and raced), and the
catch-up both hourly sweeps share."""

from __future__ import annotations

import datetime as dt
import smtplib
import uuid

import pytest
from django.db import transaction
from django.utils import timezone

from portal import once
from returnkit.models import Reminder
from returnkit.turnin.models import Appointment
from tests.concurrency import call_at_once
from tests.factories import TODAY, make_dealer, make_lease, make_slot

pytestmark = pytest.mark.django_db
F60 = Reminder.Kind.FOLLOWUP_60


class MailServerGone(smtplib.SMTPServerDisconnected):
    pass


def make_appointment() -> Appointment:
    dealer = make_dealer(f"once-{uuid.uuid4().hex[:8]}")
    return Appointment.objects.create(lease=make_lease(), slot=make_slot(dealer, dt.date(2026, 12, 1), 10))


def booked(appointment: Appointment):
    """The column form's queryset: the one row, with a condition the claim also checks."""
    return Appointment.objects.filter(pk=appointment.pk, status=Appointment.Status.BOOKED)


def reminder_sent_at(appointment: Appointment):
    return Appointment.objects.values_list("reminder_sent_at", flat=True).get(pk=appointment.pk)


def send_reminder_once(appointment: Appointment, outbox: list) -> bool:
    with once.claimed(booked(appointment), "reminder_sent_at") as claim:
        if claim:
            outbox.append(appointment.pk)
        return bool(claim)


def a_reminder(lease, kind: str = F60) -> Reminder:
    return Reminder(lease=lease, kind=kind, due_on=TODAY)


class TestAColumnClaim:
    def test_a_second_run_sends_nothing(self):
        appointment, outbox = make_appointment(), []
        assert send_reminder_once(appointment, outbox) is True
        assert send_reminder_once(appointment, outbox) is False
        assert outbox == [appointment.pk]
        assert reminder_sent_at(appointment) is not None

    def test_a_failing_send_gives_the_claim_back_so_the_retry_sends(self):
        appointment, outbox = make_appointment(), []
        with pytest.raises(MailServerGone), once.claimed(booked(appointment), "reminder_sent_at") as claim:
            assert claim and reminder_sent_at(appointment) is not None  # committed before the send
            raise MailServerGone("Connection unexpectedly closed")
        assert reminder_sent_at(appointment) is None

        assert send_reminder_once(appointment, outbox) is True
        assert send_reminder_once(appointment, outbox) is False
        assert outbox == [appointment.pk]

    def test_the_querysets_conditions_are_part_of_the_claim(self):
        appointment = make_appointment()
        Appointment.objects.filter(pk=appointment.pk).update(status=Appointment.Status.CANCELLED)
        assert send_reminder_once(appointment, []) is False
        assert reminder_sent_at(appointment) is None

    def test_giving_back_leaves_a_newer_claim_alone(self):
        appointment = make_appointment()
        newer = dt.datetime(2026, 11, 26, 6, 0, tzinfo=dt.UTC)
        with pytest.raises(MailServerGone), once.claimed(booked(appointment), "reminder_sent_at"):
            # Meanwhile the appointment was moved (the claim emptied) and the new date's run claimed it.
            Appointment.objects.filter(pk=appointment.pk).update(reminder_sent_at=newer)
            raise MailServerGone("Connection unexpectedly closed")
        assert reminder_sent_at(appointment) == newer

    def test_a_worker_stopped_mid_send_keeps_the_claim(self):
        appointment = make_appointment()
        with pytest.raises(SystemExit), once.claimed(booked(appointment), "reminder_sent_at"):
            raise SystemExit(1)  # the email may have gone: at most once
        assert reminder_sent_at(appointment) is not None

    def test_a_queryset_of_more_than_one_row_is_refused_and_claims_nothing(self):
        first, second = make_appointment(), make_appointment()
        rows = Appointment.objects.filter(pk__in=[first.pk, second.pk])
        with pytest.raises(ValueError, match="claims one row"), once.claimed(rows, "reminder_sent_at"):
            pass
        assert reminder_sent_at(first) is None and reminder_sent_at(second) is None


class TestARowClaim:
    def test_a_second_run_inserts_and_sends_nothing(self):
        lease = make_lease()
        with once.claimed([a_reminder(lease)]) as first:
            assert [reminder.lease_id for reminder in first] == [lease.pk]
            assert all(reminder.pk for reminder in first)
        with once.claimed([a_reminder(lease)]) as second:
            assert not second and list(second) == []
        assert Reminder.objects.filter(lease=lease).count() == 1

    def test_a_failing_send_gives_the_claim_back_so_the_retry_sends(self):
        lease = make_lease()
        with pytest.raises(MailServerGone), once.claimed([a_reminder(lease)]) as claim:
            assert claim and Reminder.objects.filter(lease=lease).exists()  # committed before the send
            raise MailServerGone("Connection unexpectedly closed")
        assert not Reminder.objects.filter(lease=lease).exists()
        with once.claimed([a_reminder(lease)]) as retry:
            assert [reminder.lease_id for reminder in retry] == [lease.pk]

    def test_a_chunk_claims_what_is_free_and_gives_back_only_what_it_did_not_keep(self):
        sent, taken, never_tried = make_lease(), make_lease(), make_lease()
        other_run = Reminder.objects.create(lease=taken, kind=F60, claim_token=uuid.uuid4(), due_on=TODAY)
        rows = [a_reminder(lease) for lease in (sent, taken, never_tried)]
        with pytest.raises(MailServerGone), once.claimed(rows) as claim:
            won = {reminder.lease_id: reminder for reminder in claim}
            assert set(won) == {sent.pk, never_tried.pk}
            claim.keep(won[sent.pk])  # handed to the mail server: kept whatever follows
            raise MailServerGone("Connection unexpectedly closed")
        assert set(Reminder.objects.values_list("lease_id", flat=True)) == {sent.pk, taken.pk}
        assert Reminder.objects.get(lease=taken) == other_run

    def test_nothing_to_claim_claims_nothing(self):
        with once.claimed([]) as claim:
            assert not claim and len(claim) == 0


@pytest.mark.django_db(transaction=True)
def test_a_claim_inside_a_callers_transaction_is_refused():
    """Inside one it would commit only with the caller, after the email had gone."""
    appointment = make_appointment()
    for rows, field in [(booked(appointment), "reminder_sent_at"), ([a_reminder(appointment.lease)], None)]:
        with transaction.atomic(), pytest.raises(RuntimeError, match="durable"), once.claimed(rows, field):
            pass
    assert reminder_sent_at(appointment) is None and not Reminder.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
class TestWorkersRacing:
    """Eight workers, each on its own PostgreSQL connection, claim the same thing at the same instant."""

    WORKERS = 8

    def test_the_claim_is_committed_before_the_block_sends(self):
        appointment, lease = make_appointment(), make_lease()

        def another_worker_sees() -> tuple:
            return reminder_sent_at(appointment), Reminder.objects.filter(lease=lease).count()

        with once.claimed(booked(appointment), "reminder_sent_at"), once.claimed([a_reminder(lease)]):
            [seen] = call_at_once([another_worker_sees])
        assert seen[0] is not None and seen[1] == 1, seen

    @pytest.mark.parametrize("attempt", range(3))
    def test_eight_workers_claim_one_column_once(self, attempt):
        appointment, outbox = make_appointment(), []
        results = call_at_once([lambda: send_reminder_once(appointment, outbox)] * self.WORKERS)
        assert sorted(results, key=str) == [False] * (self.WORKERS - 1) + [True], results
        assert outbox == [appointment.pk]

    @pytest.mark.parametrize("attempt", range(3))
    def test_eight_workers_claim_one_row_once(self, attempt):
        lease, outbox = make_lease(), []

        def worker() -> bool:
            with once.claimed([a_reminder(lease)]) as claim:
                outbox.extend(reminder.lease_id for reminder in claim)
                return bool(claim)

        results = call_at_once([worker] * self.WORKERS)
        assert sorted(results, key=str) == [False] * (self.WORKERS - 1) + [True], results
        assert outbox == [lease.pk]
        assert Reminder.objects.filter(lease=lease).count() == 1

    def test_overlapping_chunks_claim_each_lease_once(self):
        leases = [make_lease() for _ in range(12)]
        chunks = [leases[i : i + 6] for i in range(0, 12, 2)]  # six chunks; each lease in two or three

        def worker(chunk) -> set[int]:
            with once.claimed([a_reminder(lease) for lease in chunk]) as claim:
                return {reminder.lease_id for reminder in claim}

        results = call_at_once([lambda chunk=chunk: worker(chunk) for chunk in chunks])
        assert all(isinstance(won, set) for won in results), results
        claimed = [lease_id for won in results for lease_id in won]
        assert sorted(claimed) == sorted(lease.pk for lease in leases)  # every lease once, none twice


class RecordingTask:
    """Stands in for a Celery task: records what would have been published."""

    name = "tests.recording_task"

    def __init__(self) -> None:
        self.published: list[tuple] = []

    def apply_async(self, args, kwargs, **options) -> None:
        self.published.append(tuple(args))


class TestCatchUp:
    def aged(self, **age) -> Appointment:
        appointment = make_appointment()
        Appointment.objects.filter(pk=appointment.pk).update(updated_at=timezone.now() - dt.timedelta(**age))
        return appointment

    def test_rows_past_the_grace_and_inside_the_window_are_queued_again_with_their_arguments(
        self, django_capture_on_commit_callbacks
    ):
        self.aged(minutes=2)  # its own task may still be on the way
        due = self.aged(hours=1)
        self.aged(days=4)  # too old for an automatic email
        task = RecordingTask()
        rows = Appointment.objects.filter(**once.recent("updated_at")).values_list("pk", "sequence")
        with django_capture_on_commit_callbacks(execute=True):
            assert once.catch_up((task, rows)) == 1
        assert task.published == [(due.pk, 0)]

    def test_a_sweep_queues_at_most_a_batch_per_task(self, monkeypatch, django_capture_on_commit_callbacks):
        monkeypatch.setattr(once, "CATCH_UP_BATCH", 2)
        for _ in range(3):
            self.aged(hours=1)
        first, second = RecordingTask(), RecordingTask()
        rows = Appointment.objects.filter(**once.recent("updated_at")).order_by("pk").values_list("pk")
        with django_capture_on_commit_callbacks(execute=True):
            assert once.catch_up((first, rows), (second, rows)) == 4
        assert len(first.published) == len(second.published) == 2
