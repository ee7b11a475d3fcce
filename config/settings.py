"""Settings for Restful Plate, read from the environment.

One file with environment switches rather than per-environment modules: the differences between
development and production are a handful of values, and reading them from the environment keeps
app servers identical (twelve-factor).
"""

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", True)
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise RuntimeError("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off")
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
    "template_partials",
    "simple_history",
    "nutrition",
    "planner",
    "content",
    "accounts",
    "workspace",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "config.json_errors.ApiErrorsMiddleware",  # /api/: bodies capped, every error as JSON
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "csp.middleware.CSPMiddleware",
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
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}

if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # One test database per test process, so parallel runs on one server never collide.
    DATABASES["default"]["TEST"] = {
        "NAME": os.environ.get("DJANGO_TEST_DB_NAME", f"test_{DATABASES['default']['NAME']}_{os.getpid()}")
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
AXES_FAILURE_LIMIT = int(os.environ.get("DJANGO_AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True  # every failed sign-in, visible to admins
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Behind a proxy, set DJANGO_AXES_IPWARE_META_PRECEDENCE_ORDER=HTTP_X_FORWARDED_FOR,REMOTE_ADDR.
AXES_IPWARE_META_PRECEDENCE_ORDER = env_list("DJANGO_AXES_IPWARE_META_PRECEDENCE_ORDER", "REMOTE_ADDR")

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
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

# App servers keep no state of their own: cache and sessions live in the database by default and in
# Redis when REDIS_URL is set, so any number of app servers can sit behind a load balancer.
REDIS_URL = os.environ.get("REDIS_URL", "")
# "pages" holds rendered page fragments (nutrition/cache.py), apart from sessions and uploads, so that their
# churn never culls those.
if REDIS_URL:
    redis_cache = "config.redis_cache.RedisCache"
    CACHES = {
        "default": {"BACKEND": redis_cache, "LOCATION": REDIS_URL},
        "pages": {"BACKEND": redis_cache, "LOCATION": REDIS_URL, "KEY_PREFIX": "pages"},
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

# Plan generation on a worker queue (RQ on Redis; `manage.py plan_worker` runs it) so that solves never hold a web
# worker. On whenever REDIS_URL is set; PLAN_QUEUE=0/1 overrides. Without it plans are generated in the request.
PLAN_QUEUE = env_bool("PLAN_QUEUE", bool(REDIS_URL))
PLAN_QUEUE_NAME = os.environ.get("PLAN_QUEUE_NAME", "plans")

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
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("DJANGO_SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("DJANGO_CSRF_COOKIE_SECURE", not DEBUG)
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# "HTTP_X_FORWARDED_PROTO,https" when a trusted proxy terminates TLS.
if os.environ.get("DJANGO_SECURE_PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = tuple(env_list("DJANGO_SECURE_PROXY_SSL_HEADER", ""))[:2]

EMAIL_BACKEND = os.environ.get("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "Restful Plate <noreply@localhost>")

# USDA FoodData Central API (used by the FDC importer only).
FDC_API_URL = os.environ.get("FDC_API_URL", "https://api.nal.usda.gov/fdc").rstrip("/")
FDC_API_KEY = os.environ.get("FDC_API_KEY", "DEMO_KEY")

# Plan generation: a whole plan gets at most this many seconds of solver time; at the limit the best plan
# found so far comes back with a note (never a hung worker).
PLAN_TIME_LIMIT = float(os.environ.get("PLAN_TIME_LIMIT", "8"))

# The JSON API (/api/v1/): largest request body, and plans and swaps a token (or an address) may ask for
# (django-ratelimit rates, counted in the default cache).
API_MAX_BODY_BYTES = int(os.environ.get("API_MAX_BODY_BYTES", str(32 * 1024)))
API_RATE_PLANS = os.environ.get("API_RATE_PLANS", "20/m")
API_RATE_SWAPS = os.environ.get("API_RATE_SWAPS", "60/m")

# Where the USDA SR26 ASCII files live: used by the curation command and the tests that check
# every fixture value against the source. Not part of the project; see README.
USDA_SR_DIR = Path(os.environ.get("USDA_SR_DIR", BASE_DIR.parent / "shared" / "data" / "usda-sr"))

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
            "formatter": os.environ.get("DJANGO_LOG_FORMAT", "plain" if DEBUG else "json"),
        }
    },
    "root": {"handlers": ["stdout"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}
