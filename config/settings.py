"""Settings for Restful Plate, read from the environment.

One file with environment switches rather than per-environment modules: the differences between
development and production are a handful of values, and reading them from the environment keeps
app servers identical (twelve-factor).
"""

import os
from pathlib import Path

import dj_database_url
import environs
from marshmallow.validate import Length, OneOf, Range

BASE_DIR = Path(__file__).resolve().parent.parent

# Every value from the environment is parsed strictly (environs): a typo such as DJANGO_DEBUG=ture stops start-up
# with an error that names the variable, rather than being read as "off".
env = environs.Env()


def env_list(name: str, default: str) -> list[str]:
    """A comma-separated list; blanks around items and empty items are dropped."""
    return [item.strip() for item in env.list(name, default.split(",")) if item.strip()]


# Off unless asked for: `make run` sets DJANGO_DEBUG=1 for local use (and the test suite, in pyproject.toml).
DEBUG = env.bool("DJANGO_DEBUG", False)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise RuntimeError("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off (DJANGO_DEBUG=1 for local use)")
    SECRET_KEY = "dev-only-insecure-key-restful-plate"  # noqa: S105 - development default only

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "csp",
    "axes",
    "django_ratelimit",
    "template_partials",
    "simple_history",
    "nutrition",
    "planner",
    "content",
    "accounts",
    "workspace",
    "journal",
    "practice",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "config.json_errors.ApiErrorsMiddleware",  # /api/: bodies capped, every error as JSON
    # Refuses a flood of solves (plan, swap, regenerate) before the rest of the chain and the view: at most one cache
    # read, nothing parsed, a pre-rendered page carrying the headers of the middleware it skips.
    "config.rate_limits.SolveGuardMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "csp.middleware.CSPMiddleware",
    "config.cache_control.PrivatePagesMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into its lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            # {% partialdef %} everywhere without a {% load %}: pages define their own fragments.
            "builtins": ["template_partials.templatetags.partials"],
            "libraries": {"page_cache": "config.page_cache_tags", "site_urls": "config.site_urls"},  # not apps
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env.int("DJANGO_CONN_MAX_AGE", 60, validate=Range(min=0)),
        conn_health_checks=True,
    )
}

if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # One test database per test process, so parallel runs on one server never collide.
    DATABASES["default"]["TEST"] = {
        "NAME": env.str("DJANGO_TEST_DB_NAME", f"test_{DATABASES['default']['NAME']}_{os.getpid()}")
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# django-axes first: repeated failed sign-ins lock that username from that address out for a while.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("DJANGO_AXES_FAILURE_LIMIT", 5, validate=Range(min=1))
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True  # every failed sign-in, visible to admins
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# The client's address, for django-axes and the rate limits alike (config/client_ip.py): with no trusted proxy (the
# default) the connection's own address, and X-Forwarded-For is ignored, so no client can choose its address. Behind
# N proxies that each append to X-Forwarded-For (nginx: `proxy_set_header X-Forwarded-For $remote_addr;` on the
# outermost), set DJANGO_TRUSTED_PROXIES=N: the address the outermost proxy saw is then taken, counted from the
# right, and whatever a client wrote to the left of it is ignored (django-ipware's proxy count, not strict).
TRUSTED_PROXIES = env.int("DJANGO_TRUSTED_PROXIES", 0, validate=Range(min=0, max=10))
AXES_IPWARE_META_PRECEDENCE_ORDER = env_list(
    "DJANGO_AXES_IPWARE_META_PRECEDENCE_ORDER", "HTTP_X_FORWARDED_FOR,REMOTE_ADDR" if TRUSTED_PROXIES else "REMOTE_ADDR"
)
if "HTTP_X_FORWARDED_FOR" in AXES_IPWARE_META_PRECEDENCE_ORDER and not TRUSTED_PROXIES:
    raise environs.EnvError(
        "DJANGO_AXES_IPWARE_META_PRECEDENCE_ORDER reads X-Forwarded-For but DJANGO_TRUSTED_PROXIES is 0: "
        "set DJANGO_TRUSTED_PROXIES to the number of proxies in front of the app"
    )
AXES_IPWARE_PROXY_COUNT = max(TRUSTED_PROXIES - 1, 0)  # ipware counts the proxies listed in the header
IPWARE_STRICT = False  # more entries than proxies: the client wrote some; take ours from the right, not none
RATELIMIT_IP_META_KEY = "config.client_ip.client_ip"

# Rate limits (config/rate_limits.py, django-ratelimit): each group's rate applies per client address and per
# account, counted in the default cache (Redis when REDIS_URL is set, so across app servers). "sign-in-failures" is
# the looser per-address lockout beside django-axes' per-username one: failed sign-ins from one address, whatever
# the usernames. Rates are "count/period", the period in s, m, h or d with an optional number (10m).
RATELIMIT_USE_CACHE = "default"
RATELIMIT_ENABLE = env.bool("DJANGO_RATELIMIT_ENABLE", True)
# Plans built in the web request (no queue) hold a gunicorn worker for their whole solve, so they also count
# against the smaller "*-in-request" allowances; and each address, session or account has one solve in flight at a
# time whatever the mode (config.rate_limits.one_solve_at_a_time).
RATE_LIMITS = {
    "plan": "10/10m",  # new plans (each a full solve)
    "plan-in-request": env.str("DJANGO_RATE_PLAN_IN_REQUEST", "4/10m"),
    "regenerate": "10/10m",
    "regenerate-in-request": env.str("DJANGO_RATE_REGENERATE_IN_REQUEST", "4/10m"),
    "swap": "60/10m",  # a swap re-solves one meal
    "sign-up": "5/h",
    "sign-in": "20/10m",
    "sign-in-failures": "30/h",
    "password-reset": "5/h",
    "handout-pdf": "30/10m",  # a plan handout's PDF costs about 1.5 s of CPU (practice/handout_views.py)
    # The JSON API (/api/v1/): plans and swaps a token (or, signed out, an address) may ask for.
    "api-plans": os.environ.get("API_RATE_PLANS", "20/m"),
    "api-swaps": os.environ.get("API_RATE_SWAPS", "60/m"),
}

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

# A file past UPLOAD_MAX_BYTES is refused while it streams, before it is stored (config/uploads.py).
UPLOAD_MAX_BYTES = 20 * 1024 * 1024
FILE_UPLOAD_HANDLERS = [
    "config.uploads.SizeLimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# App servers keep no state of their own: cache and sessions live in the database by default and in
# Redis when REDIS_URL is set, so any number of app servers can sit behind a load balancer.
REDIS_URL = env.str("REDIS_URL", "")
# "pages" holds rendered pages and fragments (config/page_cache.py), apart from sessions and uploads, so that their
# churn never culls those. With Redis, REDIS_PAGES_URL puts them on a Redis of their own (a separate instance with
# `maxmemory` and `allkeys-lru`: docs/deploy.md), so that no flood of pages can evict sessions, the plan queue or
# the rate-limit counts, which stay on REDIS_URL.
REDIS_PAGES_URL = env.str("REDIS_PAGES_URL", REDIS_URL)
SILENCED_SYSTEM_CHECKS = [
    "django_ratelimit.W001",  # Django's own Redis cache (ours) increments atomically; the check knows only django-redis
    "security.W021",  # HSTS preload only when asked for (DJANGO_SECURE_HSTS_PRELOAD)
]
if REDIS_URL:
    redis_cache = "config.redis_cache.RedisCache"
    CACHES = {
        "default": {"BACKEND": redis_cache, "LOCATION": REDIS_URL},
        "pages": {"BACKEND": redis_cache, "LOCATION": REDIS_PAGES_URL, "KEY_PREFIX": "pages"},
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "restful_plate_cache"},
        "pages": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "restful_plate_page_cache",
            "OPTIONS": {"MAX_ENTRIES": 5000},
        },
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.db"
    # Without Redis the rate limits count in the database cache: not atomic (two requests at the same instant
    # may count once), which is acceptable on the single server such a set-up is.
    SILENCED_SYSTEM_CHECKS.append("django_ratelimit.E003")

# Sessions end a week after the last change (anonymous plans live in them); `manage.py clearsessions` removes
# expired database sessions (schedule it daily: docs/deploy.md); Redis drops expired ones itself.
SESSION_COOKIE_AGE = env.int("DJANGO_SESSION_COOKIE_AGE", 7 * 24 * 3600, validate=Range(min=60))

# Plan generation on a worker queue (RQ on Redis; `manage.py plan_worker` runs it) so that solves never hold a web
# worker. On whenever REDIS_URL is set; PLAN_QUEUE=0/1 overrides. Without it plans are generated in the request.
PLAN_QUEUE = env.bool("PLAN_QUEUE", bool(REDIS_URL))
PLAN_QUEUE_NAME = env.str("PLAN_QUEUE_NAME", "plans")
# New plans are refused (a 503 page that says to try again shortly) while this many wait in the queue.
PLAN_QUEUE_MAX_LENGTH = env.int("PLAN_QUEUE_MAX_LENGTH", 200, validate=Range(min=1))

# Content-Security-Policy: everything from this origin, no inline scripts or styles anywhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Production hardening; each value can be overridden from the environment (e.g. behind a TLS proxy).
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000, validate=Range(min=0))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
# Preloading is a promise to browser vendors that is slow to undo: only when asked for (so `check --deploy`'s
# W021 is silenced below).
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", False)
SESSION_COOKIE_SECURE = env.bool("DJANGO_SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env.bool("DJANGO_CSRF_COOKIE_SECURE", not DEBUG)
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# "HTTP_X_FORWARDED_PROTO,https" when a trusted proxy terminates TLS.
if env.str("DJANGO_SECURE_PROXY_SSL_HEADER", ""):
    SECURE_PROXY_SSL_HEADER = tuple(env.list("DJANGO_SECURE_PROXY_SSL_HEADER", validate=Length(equal=2)))

EMAIL_BACKEND = env.str("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DJANGO_DEFAULT_FROM_EMAIL", "Restful Plate <noreply@localhost>")

# USDA FoodData Central API (used by the FDC importer only).
FDC_API_URL = env.str("FDC_API_URL", "https://api.nal.usda.gov/fdc").rstrip("/")
FDC_API_KEY = env.str("FDC_API_KEY", "DEMO_KEY")

# Plan generation: a whole plan gets at most this many seconds of solver time; at the limit the best plan
# found so far comes back with a note (never a hung worker).
PLAN_TIME_LIMIT = env.float("PLAN_TIME_LIMIT", 8, validate=Range(min=0, min_inclusive=False))

# The JSON API (/api/v1/): largest request body (its rates are in RATE_LIMITS).
API_MAX_BODY_BYTES = int(os.environ.get("API_MAX_BODY_BYTES", str(32 * 1024)))

# USDA SR26 as the repository carries it (gzip; nutrition/data/usda-sr26/README.md): used by the curation command
# and the tests that check every fixture value against the source. USDA_SR_DIR may point at an unpacked release instead.
USDA_SR_DIR = env.path("USDA_SR_DIR", BASE_DIR / "nutrition" / "data" / "usda-sr26")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "config.logging.JsonFormatter"},
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": env.str("DJANGO_LOG_FORMAT", "plain" if DEBUG else "json", validate=OneOf(["plain", "json"])),
        }
    },
    "root": {"handlers": ["stdout"], "level": env.log_level("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}
