"""Settings for City Relations, read from the environment.

Debug is off unless asked for. ``DJANGO_DEBUG=true`` (what ``make run`` sets) is the *embedded*
mode: SQLite under ``var/``, no broker (Celery tasks run eagerly in-process), email written to
``var/mail/`` and readable at ``/mailbox/``, a built-in secret key. Setting ``DATABASE_URL``,
``REDIS_URL`` and ``EMAIL_URL`` turns on PostgreSQL, Redis/Celery and SMTP. With debug off,
``DJANGO_SECRET_KEY`` is required, and ``DJANGO_ALLOWED_HOSTS`` and ``EMAIL_URL`` (or an ESP) are
expected: that is the production profile, which passes ``manage.py check --deploy``. The
security checks that go with it are in ``cityrelations/checks.py``.

Tests load ``tests/settings.py``, which asks for debug before importing this module.
"""

from __future__ import annotations

import ipaddress
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from cityrelations.core.storage import media_storage

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("CITYRELATIONS_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# Debug (the embedded mode) only when asked for: `make run` sets DJANGO_DEBUG=true.
DEBUG = env.bool("DJANGO_DEBUG", default=False)
# The embedded mode's key is public (it is in this file): cityrelations/checks.py refuses it, and
# every other example key from the repository, whenever debug is off.
EMBEDDED_SECRET_KEY = "embedded-mode-insecure-key-change-me-" + "x" * 32
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="") or (EMBEDDED_SECRET_KEY if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY is not set: debug is off (DJANGO_DEBUG=false, the default), so a "
        "secret key is required; set DJANGO_SECRET_KEY, or DJANGO_DEBUG=true on a development "
        "machine."
    )
ALLOWED_HOSTS = env.list(
    "DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

# The city this deployment serves.
HOME_CITY = {
    "name": env.str("HOME_CITY_NAME", default="Budapest"),
    "country": env.str("HOME_CITY_COUNTRY", default="HU"),
    "latitude": env.float("HOME_CITY_LATITUDE", default=47.4979),
    "longitude": env.float("HOME_CITY_LONGITUDE", default=19.0402),
}
# The unit's name in English, and in every language without a name of its own (UNIT_NAMES below).
UNIT_NAME = env.str("UNIT_NAME", default="City Diplomacy Unit")

INSTALLED_APPS = [
    "modeltranslation",  # before the admin, whose forms it extends
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.humanize",
    "anymail",
    "cityrelations.apps.AxesConfig",  # django-axes, under a name in the reader's language
    "crispy_forms",
    "crispy_bootstrap5",
    "csp",
    "django_celery_beat",
    "django_countries",
    "django_filters",
    "django_htmx",
    "import_export",
    "simple_history",
    "cityrelations",
    "partners",
    "delegations",
    "newsletters",
]

MIDDLEWARE = [
    "cityrelations.health.HealthCheckMiddleware",  # first: probes come by IP, not by host name
    "cityrelations.core.client_ip.TrustedProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "cityrelations.errors.RequestTooLargeMiddleware",  # before anything reads the body
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cityrelations.urls"
CSRF_FAILURE_VIEW = "cityrelations.errors.csrf_failure"  # a 403 page in the site's layout
WSGI_APPLICATION = "cityrelations.wsgi.application"
ASGI_APPLICATION = "cityrelations.asgi.application"

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
                "cityrelations.context_processors.site",
            ],
        },
    }
]

# --- Data -------------------------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DB_CONN_MAX_AGE", default=0))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A busy-timeout keeps the embedded mode's in-request tasks from tripping over each other.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="cityrelations"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Celery: see DESIGN.md, "The sending protocol" ----------------------------------------------
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = env.bool("CELERY_TASK_EAGER_PROPAGATES", default=False)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # Above the longest task, so a late-acked task is not redelivered while it still runs.
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_QUEUE", default="cityrelations")
CELERY_TIMEZONE = "Europe/Budapest"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

# --- Email --------------------------------------------------------------------------------------
MAILBOX_DIR = VAR_DIR / "mail"
if env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
else:
    # Embedded mode: one .eml file per message under var/mail/, readable at /mailbox/ (mounted
    # in debug only). With debug off a system check refuses it: set EMAIL_URL or an ESP.
    EMAIL_BACKEND = "cityrelations.mailbox.MailboxBackend"
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default=EMAIL_BACKEND)  # e.g. an anymail backend
ANYMAIL = env.json("ANYMAIL", default={})
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="City Diplomacy Unit <diplomacy@cityrelations.example>"
)
SERVER_EMAIL = env.str("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)

# --- Newsletter sending (newsletters/sending/; DESIGN.md "The sending protocol") ---------------
NEWSLETTER_RATE_PER_SECOND = env.float("NEWSLETTER_RATE_PER_SECOND", default=20.0)  # all workers
NEWSLETTER_RATE_BURST = env.int("NEWSLETTER_RATE_BURST", default=5)
NEWSLETTER_BATCH_SIZE = env.int("NEWSLETTER_BATCH_SIZE", default=500)  # see sending/enqueue.py
NEWSLETTER_STUCK_AFTER = env.int("NEWSLETTER_STUCK_AFTER_SECONDS", default=600)
NEWSLETTER_MAX_ATTEMPTS = env.int("NEWSLETTER_MAX_ATTEMPTS", default=5)
NEWSLETTER_RETRY_DELAY = env.float("NEWSLETTER_RETRY_DELAY_SECONDS", default=30.0)
# false: PostgreSQL commits "sent" marks asynchronously (faster; see sending/batch.py: the trade-off)
NEWSLETTER_SYNCHRONOUS_COMMIT = env.bool("NEWSLETTER_SYNCHRONOUS_COMMIT", default=True)
# "user:password" for the ESP's tracking webhook: the route (/anymail/<esp>/tracking/, for the
# anymail backend in EMAIL_BACKEND only) is mounted only when it is set; see cityrelations/esp.py.
if env.str("ANYMAIL_WEBHOOK_SECRET", default=""):
    ANYMAIL["WEBHOOK_SECRET"] = env.str("ANYMAIL_WEBHOOK_SECRET")

# Public subscribe form (newsletters/throttle.py): attempts that would store or send something,
# per address (one person retrying) and per client IP (a shared office or city-hall stand).
SUBSCRIBE_LIMIT_PER_ADDRESS = env.int("SUBSCRIBE_LIMIT_PER_ADDRESS", default=3)
SUBSCRIBE_ADDRESS_WINDOW_SECONDS = env.int("SUBSCRIBE_ADDRESS_WINDOW_SECONDS", default=3600)
SUBSCRIBE_LIMIT_PER_IP = env.int("SUBSCRIBE_LIMIT_PER_IP", default=30)
SUBSCRIBE_IP_WINDOW_SECONDS = env.int("SUBSCRIBE_IP_WINDOW_SECONDS", default=600)
# The password-reset form (cityrelations/core/throttle.py): emails per address, requests per client.
PASSWORD_RESET_LIMIT_PER_ADDRESS = env.int("PASSWORD_RESET_LIMIT_PER_ADDRESS", default=3)
PASSWORD_RESET_ADDRESS_WINDOW_SECONDS = env.int(
    "PASSWORD_RESET_ADDRESS_WINDOW_SECONDS", default=3600
)
PASSWORD_RESET_LIMIT_PER_IP = env.int("PASSWORD_RESET_LIMIT_PER_IP", default=20)
PASSWORD_RESET_IP_WINDOW_SECONDS = env.int("PASSWORD_RESET_IP_WINDOW_SECONDS", default=600)
# The public visit-request form (delegations/views/requests.py): requests per hour, per address
# and per client.
VISIT_REQUEST_LIMIT_PER_ADDRESS = env.int("VISIT_REQUEST_LIMIT_PER_ADDRESS", default=3)
VISIT_REQUEST_LIMIT_PER_IP = env.int("VISIT_REQUEST_LIMIT_PER_IP", default=10)
# Registrations for a hosted event: per address (one person retrying) and per client (a room of
# colleagues registering from one office network stays well under it).
EVENT_REGISTRATION_LIMIT_PER_ADDRESS = env.int("EVENT_REGISTRATION_LIMIT_PER_ADDRESS", default=5)
EVENT_REGISTRATION_ADDRESS_WINDOW_SECONDS = env.int(
    "EVENT_REGISTRATION_ADDRESS_WINDOW_SECONDS", default=3600
)
EVENT_REGISTRATION_LIMIT_PER_IP = env.int("EVENT_REGISTRATION_LIMIT_PER_IP", default=30)
EVENT_REGISTRATION_IP_WINDOW_SECONDS = env.int("EVENT_REGISTRATION_IP_WINDOW_SECONDS", default=600)

# --- Auth ---------------------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=1.0)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "cityrelations.core.client_ip.client_ip"  # honours TRUSTED_PROXIES

# Reverse proxies whose X-Forwarded-For / X-Forwarded-Proto are believed: comma-separated IPs or
# networks (e.g. "10.0.0.5,172.16.0.0/12"). Empty (the default) trusts nobody: the client is
# REMOTE_ADDR. One setting for the rate limits, django-axes, the consent record and HTTPS detection.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
for _proxy in TRUSTED_PROXIES:  # a typo here would otherwise surface as a 500 on every request
    try:
        ipaddress.ip_network(_proxy.strip(), strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"TRUSTED_PROXIES: {_proxy!r} is not an IP address or network (e.g. 10.0.0.5 or "
            "172.16.0.0/12)."
        ) from None

# --- i18n ---------------------------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("hu", _("Hungarian"))]
# A list filter's empty choice reads "Any" in the page's language (django-filter's own is
# "---------", and English only); cityrelations.core.filters.ANY is the same message.
FILTERS_EMPTY_CHOICE_LABEL = _("Any")
# The language staff read email in when they have not chosen one in the user menu: the unit's
# working language (Hungarian). Citizens' email follows the language they chose.
STAFF_LANGUAGE = env.str("STAFF_LANGUAGE", default="hu")
# The unit's name as each language's reader sees it (UNIT_NAME_HU, UNIT_NAME_DE…; core.languages.
# unit_name). The Hungarian default belongs to the default English name only: a deployment that
# renames its unit and not its Hungarian name shows UNIT_NAME in Hungarian too.
_UNIT_NAME_DEFAULTS = {} if "UNIT_NAME" in env.ENVIRON else {"hu": "Városdiplomáciai Iroda"}
UNIT_NAMES = {
    code: env.str(f"UNIT_NAME_{code.upper()}", default=_UNIT_NAME_DEFAULTS.get(code, UNIT_NAME))
    for code, _name in LANGUAGES
}
# locale/vendor: Hungarian for the server-side messages of third-party packages that ship none
# (django-otp-webauthn); not made by makemessages, so it never drops them as obsolete.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale" / "vendor"]
# Texts staff write for the public (an edition, its stories, themes) are kept in every language by
# django-modeltranslation: a column per language (title_en, title_hu) on the model's own table,
# so lists, filters and history read them without a join. A text missing in the reader's
# language falls back to the other one.
MODELTRANSLATION_DEFAULT_LANGUAGE = LANGUAGE_CODE
MODELTRANSLATION_FALLBACK_LANGUAGES = {"default": tuple(code for code, _name in LANGUAGES)}
TIME_ZONE = env.str("TIME_ZONE", default="Europe/Budapest")
USE_I18N = True
USE_TZ = True
# Dates, times and numbers per language: cityrelations/formats/<language>/formats.py. Numbers are
# grouped only where a template asks (intcomma, floatformat:"g", money): a global thousand
# separator would leak into ids, attributes and other numbers that are data, not text.
FORMAT_MODULE_PATH = ["cityrelations.formats"]
USE_THOUSAND_SEPARATOR = False

# --- Static and uploaded files ------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
MEDIA_URL = "/media/"  # never served directly: documents go through permission-checked views
# Empty: uploads on local disk under MEDIA_ROOT. "s3://bucket[/prefix]?endpoint_url=…&region=…":
# a private S3-compatible bucket shared by every web machine (cityrelations/core/storage.py).
MEDIA_STORAGE_URL = env.str("MEDIA_STORAGE_URL", default="")
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
STORAGES = {
    "default": media_storage(MEDIA_STORAGE_URL, spool_bytes=FILE_UPLOAD_MAX_MEMORY_SIZE),
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env.bool("DJANGO_STATIC_MANIFEST", default=not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 10_485_760
DOCUMENT_MAX_BYTES = env.int("DOCUMENT_MAX_BYTES", default=10 * 1024 * 1024)
# The largest request body accepted at all (the largest upload and the form around it); a larger
# one is refused before it is read (cityrelations.errors.RequestTooLargeMiddleware).
MAX_REQUEST_BYTES = env.int("MAX_REQUEST_BYTES", default=DOCUMENT_MAX_BYTES + 1024 * 1024)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
SIMPLE_HISTORY_REVERT_DISABLED = True
IMPORT_EXPORT_SKIP_ADMIN_ACTION_EXPORT_UI = True
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True

# Map tiles: empty means no tile layer (offline); the map still shows every partner as a marker.
MAP_TILE_URL = env.str("MAP_TILE_URL", default="")
MAP_TILE_ATTRIBUTION = env.str("MAP_TILE_ATTRIBUTION", default="")

# --- Security -----------------------------------------------------------------------------------
_img_src = [SELF, "data:"]
if MAP_TILE_URL:
    from urllib.parse import urlsplit

    _tiles = urlsplit(MAP_TILE_URL.replace("{s}", "a"))
    _img_src.append(f"{_tiles.scheme}://{_tiles.netloc.replace('a.', '*.', 1)}")
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": _img_src,
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if TRUSTED_PROXIES:
    # Only with trusted proxies; TrustedProxyMiddleware drops the header from anyone else.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # Django's own console handler would print each record a second time via the root.
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "axes": {"level": env.str("AXES_LOG_LEVEL", default="WARNING")},
        "weasyprint": {"level": "WARNING"},  # its INFO lines narrate every PDF it renders
    },
}

# --- Second factor and sessions (cityrelations/mfa/) --------------------------------------------
INSTALLED_APPS += [
    "django_otp",
    "cityrelations.apps.AuthenticatorAppsConfig",  # django_otp.plugins.otp_totp, named
    "cityrelations.apps.RecoveryCodesConfig",  # django_otp.plugins.otp_static, named
    "django_otp_webauthn",
]
# OTPMiddleware right after authentication (it wraps request.user); expiry and the gate after
# the messages middleware, so that both can leave the user a message.
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    "django_otp.middleware.OTPMiddleware",
)
# A signed-in user's own language right after them (cityrelations/core/languages.py): it wins
# over LocaleMiddleware's choice for every view and for the admin.
MIDDLEWARE.insert(
    MIDDLEWARE.index("django_otp.middleware.OTPMiddleware") + 1,
    "cityrelations.core.languages.AccountLanguageMiddleware",
)
MIDDLEWARE[MIDDLEWARE.index("django.contrib.messages.middleware.MessageMiddleware") + 1 : 0] = [
    "cityrelations.mfa.middleware.SessionExpiryMiddleware",
    "cityrelations.mfa.middleware.SecondFactorMiddleware",
]
# Superusers always need a second factor; all staff too when this is on (default: debug off).
STAFF_REQUIRE_2FA = env.bool("STAFF_REQUIRE_2FA", default=not DEBUG)
SESSION_MAX_AGE_HOURS = env.float("SESSION_MAX_AGE_HOURS", default=12.0)  # from login, absolute
SESSION_IDLE_MINUTES = env.float("SESSION_IDLE_MINUTES", default=60.0)
SESSION_COOKIE_AGE = int(SESSION_MAX_AGE_HOURS * 3600)
from urllib.parse import urlsplit  # noqa: E402

from cityrelations.mfa.cookies import cookie_settings  # noqa: E402

vars().update(cookie_settings(debug=DEBUG))

OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default=f"City Relations ({UNIT_NAME})")
# Passkeys are bound to this domain (changing it later invalidates every passkey). The default
# is the host of SITE_URL; a bare IP cannot be a WebAuthn domain, so 127.0.0.1 becomes localhost
# (open the embedded app at http://localhost:8000 to use passkeys). Browsers offer passkeys only
# over https (or on localhost), so a plain-http SITE_URL elsewhere defaults to its https origin.
_site = urlsplit(SITE_URL)
_site_host = _site.hostname or "localhost"
_site_host = "localhost" if _site_host in {"127.0.0.1", "::1"} else _site_host
_site_scheme = "http" if _site_host == "localhost" else "https"
_site_port = f":{_site.port}" if _site.port else ""
OTP_WEBAUTHN_RP_ID = env.str("WEBAUTHN_RP_ID", default=_site_host)
OTP_WEBAUTHN_RP_NAME = f"City Relations — {UNIT_NAME}"
OTP_WEBAUTHN_ALLOWED_ORIGINS = env.list(
    "WEBAUTHN_ALLOWED_ORIGINS", default=[f"{_site_scheme}://{_site_host}{_site_port}"]
)
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False  # a passkey is the second factor, not the first
