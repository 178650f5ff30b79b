from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.cache import cache
from django.db import connections, models, transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def get(self, *args, **kwargs) -> "User":
        """``User.objects.get(pk=…)``, which signing in asks on every request (Django's and allauth's
        backends' ``get_user``), as one SQL statement made once per process: building and compiling
        the query cost more than the database took to answer it. Any other lookup is the usual one."""
        if args or kwargs.keys() != {"pk"}:
            return super().get(*args, **kwargs)
        sql, fields = self._by_pk_sql()
        with connections[self.db].cursor() as cursor:
            cursor.execute(sql, [self.model._meta.pk.get_prep_value(kwargs["pk"])])
            row = cursor.fetchone()
        if row is None:
            raise self.model.DoesNotExist(f"{self.model._meta.object_name} matching query does not exist.")
        return self.model.from_db(self.db, fields, row)

    def _by_pk_sql(self) -> tuple[str, list[str]]:
        kept = self.__dict__.get("_by_pk")
        if kept is None or kept[0] != self.db:
            compiler = super().get_queryset().filter(pk=0).query.get_compiler(self.db)
            sql, _params = compiler.as_sql()  # WHERE "id" = %s: the one parameter
            fields = [column.target.attname for column, _sql, _alias in compiler.select]
            kept = self._by_pk = (self.db, sql, fields)
        return kept[1], kept[2]

    def _create_user(self, email: str, password: str | None, **extra) -> "User":
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra) -> "User":
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra) -> "User":
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """Signs in with an email address; there is no username."""

    username = None
    email = models.EmailField("email address", unique=True)
    # The language the person reads the portal, their emails and PDFs in (portal.language);
    # blank until they choose one: their browser's then decides pages, English their emails.
    language = models.CharField(_("language"), max_length=10, blank=True, choices=settings.LANGUAGES)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    def __str__(self) -> str:
        return self.email


class NotificationQuerySet(models.QuerySet["Notification"]):
    def unread(self) -> "NotificationQuerySet":
        return self.filter(read_at__isnull=True)

    def bulk_create(self, objs, *args, **kwargs):
        made = super().bulk_create(objs, *args, **kwargs)
        forget_unread_counts({n.user_id for n in made})
        return made

    def mark_read(self, user) -> int:
        """Mark these notices of ``user`` read; the header's counts follow on the next page."""
        marked = self.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())
        if marked:
            forget_unread_counts([user.pk])
        return marked


UNREAD_KEPT_SECONDS = 10 * 60  # a safety net (a page racing a new notice): every change forgets the counts


def unread_key(user_id: int) -> str:
    """Where portal.notify.unread_counts keeps a user's header counts."""
    return f"unread-counts:{user_id}"


def forget_unread_counts(user_ids: Iterable[int]) -> None:
    """Drop the kept counts now and again after the transaction commits (a page served in
    between could have kept the old figures)."""
    keys = [unread_key(user_id) for user_id in set(user_ids) if user_id]
    if keys:
        cache.delete_many(keys)
        transaction.on_commit(lambda: cache.delete_many(keys))


class Notification(models.Model):
    """A notice shown in the portal (the header counts the unread ones)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    lease = models.ForeignKey(
        "leases.Lease", null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=40)
    # The event this notice is about (portal.notify): unique per user, so an event notifies once.
    key = models.CharField(max_length=120, null=True, blank=True)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    link = models.CharField(max_length=300, blank=True, help_text="A path on this site.")
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="notification_list"),
            # The header's unread count on every page reads only this small partial index.
            models.Index(fields=["user"], condition=models.Q(read_at__isnull=True), name="notification_unread"),
        ]
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="notification_once_per_event")]

    def __str__(self) -> str:
        return self.title


@receiver([post_save, post_delete], sender=Notification)
def _one_notice_changed(sender, instance: Notification, **kwargs) -> None:
    """A notice saved or deleted one at a time (the admin, a cascade): its user's counts change."""
    forget_unread_counts([instance.user_id])


class EmailOptOut(models.Model):
    """A lessee turned one kind of email off (portal.notify); no row means the email goes."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="email_opt_outs")
    kind = models.CharField(max_length=40)

    class Meta:
        verbose_name = "email opt-out"
        verbose_name_plural = "email opt-outs"
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="email_opt_out_once")]

    def __str__(self) -> str:
        return f"{self.user}: no {self.kind} emails"


class AttemptCounter(models.Model):
    """Failed sign-ins or lease links counted for one attacker key (an IP, a person, an email from
    an IP) in a fixed window. Kept in the database so a cache outage cannot reset or skip a limit
    (portal.ratelimit). Operations see who is locked out in the admin and can unlock by deleting."""

    scope = models.CharField(max_length=20)
    key = models.CharField(max_length=400, help_text="Who is counted: an IP, a person, an email from an IP.")
    count = models.PositiveIntegerField(default=0)
    limit = models.PositiveIntegerField()
    window_start = models.DateTimeField()
    locked_until = models.DateTimeField(null=True, blank=True)
    last_ip = models.GenericIPAddressField(null=True, blank=True)
    last_user = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    last_target = models.CharField(max_length=254, blank=True, help_text="The email or account number tried last.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope", "key"], name="attempt_counter_key")]
        indexes = [models.Index(fields=["locked_until"], name="attempt_counter_locked")]

    def __str__(self) -> str:
        return f"{self.scope} {self.key}"
