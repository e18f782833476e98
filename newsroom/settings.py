"""
Settings for the newsroom project: one module, driven by the environment.

Nothing secret lives here. Outside DEBUG, a missing SECRET_KEY or ALLOWED_HOSTS stops the
process at start-up rather than serving with an unsafe default.
"""

import datetime
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set SECRET_KEY in the environment (or DEBUG=1 for local work).")
    # Development only: a key that is obviously not a secret, never used with DEBUG off.
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
if not ALLOWED_HOSTS and not DEBUG:
    raise ImproperlyConfigured("Set ALLOWED_HOSTS (comma-separated) in the environment.")

# The public origin, used for absolute links in feeds, sitemaps, share cards and JSON-LD.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # Before staticfiles so runserver serves static files the way production does.
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django_filters",
    "simple_history",
    # Drag ordering of an article's short lists (its script and style are static files).
    "adminsortable2",
    # Admin sign-in throttling; its database handler shares the count across app servers.
    "axes",
    # Site-wide commands (loaddata that restores history as dumped).
    "newsroom",
    # The shared HTTP cache's purge outbox and headers (Varnish with xkey, or a CDN).
    "httpcache",
    "timeline",
    "comments",
    "editorial",
    "images",
    # Notices to editors (e-mail and the admin home page), each sent once.
    "notifications",
    # Background work (the WordPress import): Django's tasks kept in the database, run by
    # `manage.py db_worker`.
    "django_tasks_db",
]

MIDDLEWARE = [
    "newsroom.middleware.RequestIdMiddleware",
    "newsroom.middleware.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "newsroom.middleware.RejectNullBytesMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # ETag and 304 for every GET; then the shared cache's headers, outside the session, CSRF,
    # auth and messages middleware so it sees every cookie they set (a page with one is never
    # shared).
    "django.middleware.http.ConditionalGetMiddleware",
    "httpcache.middleware.SharedCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Records request.user as history_user on every historical row written during a request.
    "simple_history.middleware.HistoryRequestMiddleware",
    "newsroom.middleware.AdminNoStoreMiddleware",
    # A 404 at an address a post imported from WordPress had: a 301 to its article.
    "timeline.site.old_addresses.OldAddressMiddleware",
    "newsroom.middleware.DatabaseUnavailableMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "newsroom.urls"
# Article bodies of up to 2 MB must save through the admin; anything bigger is a 400.
DATA_UPLOAD_MAX_MEMORY_SIZE = 3 * 1024 * 1024
WSGI_APPLICATION = "newsroom.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "timeline.site.context_processors.newsroom",
            ],
        },
    },
]

# SQLite file by default (the embedded demo); DATABASE_URL=postgres://... in production.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite has no row locks: a transaction takes the write lock when it begins, so two
    # concurrent saves queue up (and the second sees the first, timeline.revisions) instead of
    # one failing half-way with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {})["transaction_mode"] = "IMMEDIATE"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            # Redis down or slow: cache misses and a log line, never an error page.
            "BACKEND": "newsroom.cache.FailSoftRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "newsroom",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }

# The shared HTTP cache in front (httpcache; docs/OPERATIONS.md): "varnish" (PURGE_URLS, e.g.
# http://127.0.0.1:6081/), "fastly", "cloudflare", or "none" (no shared cache: nothing purged).
# A shared cache keeps public pages up to S_MAXAGE: every committed write purges exactly the
# surrogate keys it affects (timeline.site.surrogate_keys), so it may keep them long.
HTTP_CACHE = {
    "BACKEND": os.environ.get("HTTP_CACHE", "none"),
    "PURGE_URLS": env_list("HTTP_CACHE_PURGE_URLS"),
    "FASTLY_SERVICE_ID": os.environ.get("FASTLY_SERVICE_ID", ""),
    "FASTLY_API_TOKEN": os.environ.get("FASTLY_API_TOKEN", ""),
    "CLOUDFLARE_ZONE_ID": os.environ.get("CLOUDFLARE_ZONE_ID", ""),
    "CLOUDFLARE_API_TOKEN": os.environ.get("CLOUDFLARE_API_TOKEN", ""),
    # Browsers revalidate every time (a 304 from the shared cache): a reader never sees a page
    # older than the last save. The shared cache keeps pages up to S_MAXAGE; purges keep them
    # exact.
    "MAX_AGE": 0,
    "S_MAXAGE": int(os.environ.get("HTTP_CACHE_S_MAXAGE", "86400")),
    # A purge marks pages stale (served at most a second more while the new copy is fetched)
    # rather than dropping them: no reader waits for a render after a save. 0: drop at once.
    "SOFT_PURGE": os.environ.get("HTTP_CACHE_SOFT_PURGE", "1") == "1",
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
# The newsroom's zone: anniversaries, "on this day" and update anchors are reckoned in it.
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/Paris")

# Background tasks (django.tasks): queued in the database and run by `manage.py db_worker`;
# TASKS_BACKEND=immediate runs them at once, in the request (tests, the demo, DEBUG).
TASKS = {
    "default": {
        "BACKEND": "django.tasks.backends.immediate.ImmediateBackend"
        if os.environ.get("TASKS_BACKEND", "immediate" if DEBUG else "database") == "immediate"
        else "django_tasks_db.DatabaseBackend"
    }
}
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            # Hashed, compressed files need collectstatic; DEBUG and tests serve from finders.
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or env_bool("TESTING")
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Uploaded images and their renditions (images app). The local filesystem by default (the
# demo, one app server); MEDIA_STORAGE=s3 puts them in an S3-compatible bucket that every app
# server shares (django-storages; see docs/OPERATIONS.md).
MEDIA_URL = os.environ.get("MEDIA_URL", "/media/")
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
if os.environ.get("MEDIA_STORAGE", "filesystem") == "s3":
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["MEDIA_S3_BUCKET"],
            "endpoint_url": os.environ.get("MEDIA_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("MEDIA_S3_REGION") or None,
            "custom_domain": os.environ.get("MEDIA_S3_CUSTOM_DOMAIN") or None,
            # Pictures are public: plain URLs a CDN can cache, not expiring signed ones.
            "querystring_auth": False,
            "file_overwrite": False,
            "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
        },
    }

LOGIN_URL = "admin:login"

# Content Security Policy: nothing inline runs without the per-request nonce, and only the
# video providers we embed may be framed.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:", "https:"],
    "frame-src": ["https://www.youtube-nocookie.com", "https://player.vimeo.com"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 12
# Editors share newsroom machines: closing the browser signs them out.
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_HTTPONLY = True
# Load balancers probe over plain HTTP (HealthCheckMiddleware answers before the redirect too).
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]

AUTHENTICATION_BACKENDS = [
    "newsroom.auth.ThrottledBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Admin sign-in throttling: after AXES_FAILURE_LIMIT failures for one username from one address,
# that pair is locked for the cool-off. Counted in the database, so every app server sees the
# same count. Locking a whole address instead would lock out a newsroom behind one NAT.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "newsroom.views.locked_out"
# How many reverse proxies, each appending to X-Forwarded-For, stand in front of the app (0:
# clients connect directly). The client address is read that many entries from the right,
# where a client cannot forge it (newsroom.middleware.client_ip).
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "newsroom.middleware.client_ip"
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD")
# Joining the browsers' HSTS preload list binds every subdomain for months and is decided for
# the whole domain, not by this app: opt in with SECURE_HSTS_PRELOAD=1, no warning meanwhile.
SILENCED_SYSTEM_CHECKS = ["security.W021"]

# Dates are shown as editors typed them (`2010 Summer`, `Oct. 2021`); a newsroom that wants
# every date rewritten in house style (`2010 (Summer)`, `2021 October`) switches this on.
HOUSE_STYLE_DATES = os.environ.get("HOUSE_STYLE_DATES", "0") == "1"

# The newsroom's name, follow line and handle, and the zone new stories start in: editors change
# them in the admin (Site settings, timeline.models.site); these are the values until they do.
NEWSROOM = {
    "name": os.environ.get("NEWSROOM_NAME", "The Daily Example"),
    "follow_line": os.environ.get(
        "NEWSROOM_FOLLOW_LINE",
        "We come back to this story on every anniversary. Follow us for each new update:",
    ),
    "social_handle": os.environ.get("NEWSROOM_SOCIAL_HANDLE", "@dailyexample"),
    "social_url": os.environ.get("NEWSROOM_SOCIAL_URL", "https://social.example/@dailyexample"),
    "time_zone": TIME_ZONE,
}

# One JSON object a line (LOG_FORMAT=plain for people), each with the request's id. One
# handler, on the root logger: Django's own loggers lose theirs and propagate, so an error is
# written once. LOG_REQUESTS=0 drops the one-line-per-request access log.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "newsroom.logging.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "newsroom.logging.JsonFormatter"},
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": os.environ.get("LOG_FORMAT", "plain" if DEBUG else "json"),
            "filters": ["request_id"],
        }
    },
    "loggers": {
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "newsroom.request": {"level": "INFO" if env_bool("LOG_REQUESTS", True) else "WARNING"},
        # Failures and lockouts are warnings; its info lines (a banner in every management
        # command, four lines a sign-in) repeat what its AccessLog table keeps.
        "axes": {"level": "WARNING"},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

# Signed preview links (editorial.preview), shared with people without an account, stop
# working after this long.
PREVIEW_LINK_MAX_AGE = int(os.environ.get("PREVIEW_LINK_HOURS", "72")) * 60 * 60

# Notices to editors go out by e-mail (notifications.services); the demo and development
# print them on the console instead of needing a mail server.
MAILERS = {
    "default": {
        "BACKEND": os.environ.get(
            "EMAIL_BACKEND",
            "django.core.mail.backends.console.EmailBackend"
            if DEBUG
            else "django.core.mail.backends.smtp.EmailBackend",
        )
    }
}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "newsroom@localhost")
