"""One settings module, read from the environment, with defaults that run on a bare machine.

Bare machine (``make run``): SQLite file, Celery tasks run in-process, email to the console.
Production/CI: DATABASE_URL, REDIS_URL, EMAIL_URL, SECRET_KEY, ALLOWED_HOSTS, DEBUG=0.
"""

import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

import dj_database_url
from celery.schedules import crontab
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)
SECRET_KEY = env("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise RuntimeError("SECRET_KEY must be set when DEBUG=0")
    SECRET_KEY = "dev-only-insecure-key-" + "x" * 40

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# The port `make run` serves on (`make run PORT=8123`); the default SITE_URL follows it, so the
# return kit, statements and emails link to the portal that is actually running.
PORT = env("PORT", "8000")
SITE_URL = env("SITE_URL", f"http://127.0.0.1:{PORT}").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",  # full-text search and pg_trgm for the help centre (inert on SQLite)
    "crispy_forms",
    "crispy_bootstrap5",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "portal",
    "leases",
    "quotes",
    "returnkit",
    "returnkit.turnin",
    "messaging",
    "helpcentre",
    "wear",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # After sessions (the language cookie and session), before common (it may redirect); the
    # language a signed-in lessee chose is applied at sign-in (portal.language).
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "portal.middleware.NoStoreForSignedInMiddleware",
    "portal.twofactor.StaffTwoFactorMiddleware",  # see "Staff sign-in" below
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "portal.context_processors.lessor",
                "portal.context_processors.unread_notifications",
            ],
            # {{ amount|usd }} and {{ day|long_date }} in every template, emails and PDFs included.
            "builtins": ["quotes.templatetags.quotes_money"],
        },
    },
]

# --- Data ---------------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(env("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "portal.User"

REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            # A cache outage must slow pages down, not break them: a miss and a no-op, logged.
            "BACKEND": "portal.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", "portal"),
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Celery -------------------------------------------------------------------------------
# No broker configured: run tasks in-process so a bare machine needs nothing else.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", REDIS_URL or "memory://")
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", not (REDIS_URL or env("CELERY_BROKER_URL")))
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A worker drawing PDFs holds its memory flat since it keeps one font configuration (portal.pdf:
# a new one per PDF left 0.25-0.4 MiB of native memory behind each time). Replacing a process
# after this many tasks, or once it holds more than this many KiB after a task, stays as a guard;
# each new process pays about a second for its first kit (`make bench` measures both).
CELERY_WORKER_MAX_TASKS_PER_CHILD = int(env("CELERY_WORKER_MAX_TASKS_PER_CHILD", "1000"))
CELERY_WORKER_MAX_MEMORY_PER_CHILD = int(env("CELERY_WORKER_MAX_MEMORY_PER_CHILD", str(200 * 1024)))
# A web request that publishes (portal.tasks.enqueue_on_commit) must fail fast when the broker is
# down, not hang: kombu otherwise keeps reconnecting for broker_connection_timeout with growing
# sleeps (6 s a publish here). One quick retry, short socket timeouts. Workers reconnect on their
# own terms (broker_connection_retry / broker_connection_max_retries), unaffected.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 3600,
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
    "socket_connect_timeout": 1,
    "socket_timeout": 3,  # above the worker's 1 s BRPOP poll
}
CELERY_TIMEZONE = "America/New_York"
CELERY_BEAT_SCHEDULE = {
    # Reminders and the day-before appointment notices: a sweep, never eta/countdown months ahead.
    "daily-sweep": {"task": "returnkit.tasks.daily_sweep", "schedule": crontab(hour=6, minute=0)},
    # The ACH file for pending online payments.
    "nightly-ach-file": {"task": "leases.tasks.write_ach_file", "schedule": crontab(hour=21, minute=30)},
    # The day-before turn-in appointment reminders (exactly once per appointment and date).
    # Hourly, so an appointment moved to tomorrow after the first run still gets its reminder;
    # each appointment's reminder is claimed once.
    "turnin-reminders": {
        "task": "returnkit.turnin.tasks.appointment_reminders_sweep",
        "schedule": crontab(minute=5),
    },
    # Emails whose task was never queued (a broker outage): each is claimed, so sent once.
    "billing-emails-catch-up": {"task": "leases.tasks.billing_emails_catch_up", "schedule": crontab(minute=20)},
    "turnin-emails-catch-up": {
        "task": "returnkit.turnin.tasks.turnin_emails_catch_up",
        "schedule": crontab(minute=35),
    },
    "messaging-emails-catch-up": {
        "task": "messaging.tasks.messaging_emails_catch_up",
        "schedule": crontab(minute=50),
    },
    "wear-emails-catch-up": {"task": "wear.tasks.wear_emails_catch_up", "schedule": crontab(minute=55)},
}

# --- Email --------------------------------------------------------------------------------
EMAIL_URL = env("EMAIL_URL", "console://")
_email = urlsplit(EMAIL_URL)
if _email.scheme in {"smtp", "smtps", "submission"}:
    _mailer = {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": _email.hostname or "localhost",
            "port": _email.port or {"smtps": 465, "submission": 587}.get(_email.scheme, 25),
            "username": unquote(_email.username or ""),
            "password": unquote(_email.password or ""),
            "use_ssl": _email.scheme == "smtps",
            "use_tls": _email.scheme == "submission",
            "timeout": 10,
        },
    }
elif _email.scheme == "locmem":
    _mailer = {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
else:
    _mailer = {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
MAILERS = {"default": _mailer}

# --- The lessor (white label) -------------------------------------------------------------
LESSOR = {
    "name": env("LESSOR_NAME", "Example Auto Finance"),
    "short_name": env("LESSOR_SHORT_NAME", "Example Auto"),
    "customer_phone": env("LESSOR_CUSTOMER_PHONE", "1-800-555-0100"),
    "payments_phone": env("LESSOR_PAYMENTS_PHONE", "1-800-555-0101"),
    "dealer_phone": env("LESSOR_DEALER_PHONE", "1-800-555-0102"),
    "hours": env("LESSOR_HOURS", "Monday to Friday, 8 a.m. to 8 p.m. Eastern"),
    # The same hours as Spanish readers see them (portal.language.lessor_words).
    "hours_es": env("LESSOR_HOURS_ES", "De lunes a viernes, de 8 a. m. a 8 p. m., hora del Este"),
    "mailing_address": env("LESSOR_MAILING_ADDRESS", "PO Box 0000\nAnytown, ST 00000"),
    "payment_address": env("LESSOR_PAYMENT_ADDRESS", "Payment Center\nPO Box 0001\nAnytown, ST 00000"),
    "email": env("LESSOR_EMAIL", "lease-end@example.com"),
}
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", f"{LESSOR['name']} <{LESSOR['email']}>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Exposes /bench/floor/<pk> for `make bench`; never on in production.
BENCH_ENDPOINTS = env_bool("BENCH_ENDPOINTS", False)

# --- Business settings --------------------------------------------------------------------
QUOTE_GOOD_THROUGH_DAYS = int(env("QUOTE_GOOD_THROUGH_DAYS", "10"))
# A return this many days or fewer before the scheduled end is a turn-in (billed as of the end
# date, no early-termination charge); an earlier one ends the lease early (Lease.return_is_early).
TURN_IN_WINDOW_DAYS = int(env("TURN_IN_WINDOW_DAYS", "30"))
# Tests and operations can pin "today" (ISO date) or "now" (ISO datetime); unset means the real
# clock. portal/clock.py is the only reader.
PORTAL_TODAY = env("PORTAL_TODAY") or None
PORTAL_NOW = env("PORTAL_NOW") or None

# --- Final bill and online payments (leases/billing/) -----------------------------------
FINAL_BILL_DUE_DAYS = int(env("FINAL_BILL_DUE_DAYS", "30"))
# Wear: the self pre-inspection opens this many days before the end date; with WEAR_LOWER_OF on, a
# report item is charged at most what the lessee's pre-inspection said for it, when that was
# finished within WEAR_LOWER_OF_DAYS of the return.
WEAR_PRE_INSPECTION_DAYS = int(env("WEAR_PRE_INSPECTION_DAYS", "60"))
WEAR_LOWER_OF = env_bool("WEAR_LOWER_OF", False)
WEAR_LOWER_OF_DAYS = int(env("WEAR_LOWER_OF_DAYS", "30"))
# Days from the itemized final bill to dispute wear items, where no state rule (wear.DisputeRule) says otherwise.
WEAR_DISPUTE_DAYS = int(env("WEAR_DISPUTE_DAYS", "30"))
# Fernet key (urlsafe base64, 32 bytes) for bank account numbers at rest. Unset: derived from
# SECRET_KEY, so rotating SECRET_KEY then needs the old key here first.
FIELD_ENCRYPTION_KEY = env("FIELD_ENCRYPTION_KEY")
# The originator's details in the NACHA file, as agreed with the bank (ODFI). Demo values.
ACH = {
    "immediate_destination": env("ACH_IMMEDIATE_DESTINATION", "011000015"),  # the ODFI's routing number
    "immediate_destination_name": env("ACH_IMMEDIATE_DESTINATION_NAME", "DEMO ORIGINATING BANK"),
    "immediate_origin": env("ACH_IMMEDIATE_ORIGIN", "1990000001"),
    "immediate_origin_name": env("ACH_IMMEDIATE_ORIGIN_NAME", LESSOR["name"].upper()[:23]),
    "company_name": env("ACH_COMPANY_NAME", LESSOR["short_name"].upper()[:16]),
    "company_id": env("ACH_COMPANY_ID", "1990000001"),
    "payment_description": env("ACH_PAYMENT_DESCRIPTION", "LEASE PMT"),
    "refund_description": env("ACH_REFUND_DESCRIPTION", "LEASE RFND"),
    # Optional balancing offset to the originator's own account; empty: the bank offsets.
    "offset_routing": env("ACH_OFFSET_ROUTING"),
    "offset_account": env("ACH_OFFSET_ACCOUNT"),
    # Business days after the effective date before a debit counts as settled.
    "settlement_days": int(env("ACH_SETTLEMENT_DAYS", "2")),
}

# --- Sign-in (allauth) --------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
ACCOUNT_ADAPTER = "portal.adapter.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
# Subjects carry no "[site]" prefix; the sender is the lessor (DEFAULT_FROM_EMAIL) and
# portal.adapter.AccountAdapter names the lessor wherever allauth would name the host.
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = LESSOR["name"]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "leases:list"
ACCOUNT_LOGOUT_REDIRECT_URL = "home"

# --- Staff sign-in, two-factor and attempt limits (issue 13) -------------------------------
# Operations sign in through allauth like everyone else (/ops/login/ redirects there, so
# two-factor and the limits apply); staff and dealer staff must add an authenticator
# (portal.twofactor). Failed sign-ins and lease links are counted in the database
# (portal.ratelimit), so a Redis outage neither resets nor skips them. Authenticator secrets
# and recovery-code seeds are encrypted with FIELD_ENCRYPTION_KEY (portal.adapter.MFAAdapter).
# Sign-up hashes the password for a known email too (portal.adapter.SignupForm).
MFA_ADAPTER = "portal.adapter.MFAAdapter"
ACCOUNT_FORMS = {"signup": "portal.adapter.SignupForm"}
MFA_FORMS = {"authenticate": "portal.adapter.AuthenticateForm", "reauthenticate": "portal.adapter.ReauthenticateForm"}
# allauth's failed-sign-in limit keyed on the email alone would let a stranger lock anyone out:
# keep only its per-IP part; portal.adapter counts per email from one IP, in the database.
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip"}
# Help searches per minute from one address (the search box's suggestions count too).
HELP_SEARCHES_PER_MINUTE = int(env("HELP_SEARCHES_PER_MINUTE", "60"))
CELERY_BEAT_SCHEDULE["attempt-counters-purge"] = {
    "task": "portal.attempt_counters_purge",
    "schedule": crontab(hour=3, minute=15),
}
# --- end of staff sign-in -------------------------------------------------------------------

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Security -----------------------------------------------------------------------------
SESSION_COOKIE_AGE = 4 * 60 * 60
# Sessions are read from the cache (Redis) and written to both: a signed-in page reads no session
# row. The database copy is the fallback, so a Redis outage (portal.cache answers a miss) or a
# flushed cache signs nobody out.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_TLS_PROXY", False) else None
SECURE_HSTS_SECONDS = 0 if DEBUG else int(env("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
}

# --- I18N, static, media ------------------------------------------------------------------
LANGUAGE_CODE = "en"
# English and Spanish (written for the US: es-US browsers get it). A first visit follows the
# browser's Accept-Language; the switch in the header (Django's set_language) overrides it and
# is kept on the user (User.language), applied at sign-in and to their emails and PDFs.
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# es-US: Spanish words, US numbers (portal/formats/es/formats.py).
FORMAT_MODULE_PATH = ["portal.formats"]
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_HTTPONLY = True
TIME_ZONE = "America/New_York"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Serve straight from the source folders where collectstatic has not run (dev and tests).
WHITENOISE_USE_FINDERS = DEBUG
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # WeasyPrint logs every layout step at INFO.
        "weasyprint": {"level": "WARNING"},
        "weasyprint.progress": {"level": "WARNING"},
    },
}

# --- Faults answered kindly (issue 13) -----------------------------------------------------
# A view that finds the database unreachable answers 503 with Retry-After (portal.errors);
# errors outside a view reach handler500 (portal.views.server_error), which does the same.
MIDDLEWARE.append("portal.errors.DatabaseDownMiddleware")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default takes concurrent writes: WAL lets readers run beside a writer, and
    # BEGIN IMMEDIATE takes the write lock at the start of a transaction, so a writer waits
    # (up to the timeout) instead of failing with "database is locked" when its read turns into
    # a write.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
