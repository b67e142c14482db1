"""ProcureCore settings: one module, read from the environment (CONTRACT §6a).

Development needs nothing set: SQLite file, in-process cache, DEBUG on, plain HTTP on 127.0.0.1.
Production (DEBUG off) refuses to start with the development SECRET_KEY or without a JWT
signing key, and turns on the transport rules of CONTRACT §7.
"""
from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


DEBUG = env_bool("DEBUG", True)

DEVELOPMENT_SECRET_KEY = "dev-insecure-procure-core-secret-key-do-not-use-in-production"
SECRET_KEY = os.environ.get("SECRET_KEY") or DEVELOPMENT_SECRET_KEY
if not DEBUG and SECRET_KEY == DEVELOPMENT_SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set in production (DEBUG is off).")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# Peers whose X-Forwarded-For / X-Forwarded-Proto are believed (IPs or CIDRs).
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "oauth2_provider",
    "procure_core",
    "accounts",
    "apikeys",
    "oauth",
    "procurement",
    "audit",
]

MIDDLEWARE = [
    "procure_core.middleware.ClientAddressMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "procure_core.middleware.ApiEdgeMiddleware",
    "procure_core.middleware.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "procure_core.urls"
WSGI_APPLICATION = "procure_core.wsgi.application"
APPEND_SLASH = False

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
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL with synchronous=NORMAL: readers never wait for the writer and a commit does not fsync
    # (a crash can lose the last transactions, never corrupt the file); IMMEDIATE transactions
    # take the write lock up front, so concurrent workers queue instead of failing with "locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update({
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    })
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("DATABASE_TEST_NAME") or None}
elif os.environ.get("DATABASE_TEST_NAME"):
    DATABASES["default"]["TEST"] = {"NAME": os.environ["DATABASE_TEST_NAME"]}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's Redis backend, reusing one client per connection pool (see the module).
            "BACKEND": "procure_core.cache_backend.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "procure"),
            "TIMEOUT": 300,
            # A Redis that hangs must not hang requests: fail fast, then fall back or fail closed.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5, "retry_on_timeout": False},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "procure-core",
            "TIMEOUT": 300,
        }
    }

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    # OAuth client secrets only (random, 128 characters): never first, never for passwords.
    "oauth.hashers.ClientSecretHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "/accounts/login"
LOGIN_REDIRECT_URL = "/accounts/"
LOGOUT_REDIRECT_URL = "/accounts/login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# Bodies: one limit for every API path (the edge middleware answers 400 above it).
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("PROCURE_MAX_BODY_BYTES", 1024 * 1024)

# Transport (CONTRACT §7): in production plain HTTP gets 403 https_required, never a redirect.
PROCURE_REQUIRE_HTTPS = env_bool("PROCURE_REQUIRE_HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0 if DEBUG else env_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = False
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
# No HTTP->HTTPS redirect on purpose: the credential has already crossed the wire (CONTRACT §7).
SILENCED_SYSTEM_CHECKS = ["security.W008"]

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Each class recognises its own credential by shape and returns None for the others.
        "apikeys.authentication.ApiKeyAuthentication",
        "apikeys.authentication.HmacAuthentication",
        "accounts.authentication.JWTAuthentication",
        "oauth.authentication.OAuthAuthentication",
        "accounts.authentication.UnrecognizedCredentialAuthentication",
        "accounts.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["procure_core.permissions.HasScope"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "EXCEPTION_HANDLER": "procure_core.errors.exception_handler",
    "DEFAULT_PAGINATION_CLASS": "procure_core.pagination.Pagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "procure_core.openapi.AutoSchema",
    # Per address and per credential, both counted in one cache round trip.
    "DEFAULT_THROTTLE_CLASSES": ["procure_core.throttling.RequestRateThrottle"],
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "UNAUTHENTICATED_TOKEN": None,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

# Rate limits ("count/period", period s, min, hour, day with an optional multiplier: "5/15min").
PROCURE_RATE_LIMITS = {
    "credential": os.environ.get("RATE_LIMIT_CREDENTIAL", "1200/min"),
    "test_credential": os.environ.get("RATE_LIMIT_TEST_CREDENTIAL", "300/min"),
    "address": os.environ.get("RATE_LIMIT_ADDRESS", "3000/min"),
    "oauth_endpoint": os.environ.get("RATE_LIMIT_OAUTH_ENDPOINT", "300/min"),
    # Failed logins: per account (backs off, never locks forever) and per address.
    "login_account_address": os.environ.get("RATE_LIMIT_LOGIN_ACCOUNT_ADDRESS", "5/15min"),
    "login_account": os.environ.get("RATE_LIMIT_LOGIN_ACCOUNT", "100/15min"),
    "login_address": os.environ.get("RATE_LIMIT_LOGIN_ADDRESS", "50/15min"),
}

# JWT sessions (CONTRACT §1): RS256 with a kid, iss/aud checked, keys published at /.well-known/jwks.json.
PROCURE_JWT_ISSUER = os.environ.get("JWT_ISSUER", "https://api.procure-core.com")
PROCURE_JWT_AUDIENCE = os.environ.get("JWT_AUDIENCE", "procure-core-api")
PROCURE_JWT_PRIVATE_KEY = os.environ.get("JWT_PRIVATE_KEY", "")
PROCURE_JWT_PRIVATE_KEY_FILE = os.environ.get("JWT_PRIVATE_KEY_FILE", "")
# Public keys still accepted for verification after a rotation (PEM files, comma-separated).
PROCURE_JWT_RETIRED_PUBLIC_KEY_FILES = env_list("JWT_RETIRED_PUBLIC_KEY_FILES")
PROCURE_JWT_DEV_KEY_FILE = BASE_DIR / ".jwt-dev-key.pem"
if not DEBUG and not (PROCURE_JWT_PRIVATE_KEY or PROCURE_JWT_PRIVATE_KEY_FILE):
    raise ImproperlyConfigured("JWT_PRIVATE_KEY or JWT_PRIVATE_KEY_FILE must be set in production (DEBUG is off).")

# API keys (CONTRACT §4). Key secrets are stored sealed with this key (HMAC needs the key itself),
# so a database dump alone authenticates nothing. Development derives one from SECRET_KEY.
PROCURE_API_KEY_ENCRYPTION_KEY = os.environ.get("API_KEY_ENCRYPTION_KEY") or (
    f"development-api-key-encryption:{SECRET_KEY}" if DEBUG else ""
)
if not DEBUG and not PROCURE_API_KEY_ENCRYPTION_KEY:
    raise ImproperlyConfigured("API_KEY_ENCRYPTION_KEY must be set in production (DEBUG is off).")
# Previous encryption keys, still accepted to unseal after API_KEY_ENCRYPTION_KEY changes (comma-separated).
PROCURE_API_KEY_RETIRED_ENCRYPTION_KEYS = env_list("API_KEY_RETIRED_ENCRYPTION_KEYS")
# HMAC-signed requests: accepted clock skew, each way; nonces are remembered twice as long.
PROCURE_HMAC_WINDOW_SECONDS = env_int("HMAC_WINDOW_SECONDS", 300)

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(hours=1),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=30),
    "ROTATE_REFRESH_TOKENS": True,
    "ALGORITHM": "ES256",
    "SIGNING_KEY": None,
    "AUDIENCE": PROCURE_JWT_AUDIENCE,
    "ISSUER": PROCURE_JWT_ISSUER,
    "USER_ID_FIELD": "id",
    "USER_ID_CLAIM": "sub",
    "LEEWAY": 0,
    "UPDATE_LAST_LOGIN": False,
}

# OAuth 2.0 authorization server (CONTRACT §5), on django-oauth-toolkit, configured to RFC 9700.
OAUTH2_PROVIDER = {
    "OAUTH2_SERVER_CLASS": "oauth.server.Server",  # authorization code, client credentials, refresh only
    "OAUTH2_VALIDATOR_CLASS": "oauth.validators.OAuth2Validator",
    "SCOPES_BACKEND_CLASS": "oauth.scopes.RegistryScopes",
    "APPLICATION_ADMIN_CLASS": "oauth.admin.ApplicationAdmin",
    "ACCESS_TOKEN_GENERATOR": "oauth.generators.access_token",  # pco_at_<random>
    "REFRESH_TOKEN_GENERATOR": "oauth.generators.refresh_token",  # pco_rt_<random>
    "CLIENT_SECRET_HASHER": "oauth_client_secret",
    "ACCESS_TOKEN_EXPIRE_SECONDS": 3600,
    # Also the family cap: 30 days from the code exchange, however often the token rotates.
    "REFRESH_TOKEN_EXPIRE_SECONDS": 30 * 24 * 3600,
    "AUTHORIZATION_CODE_EXPIRE_SECONDS": 60,
    "ROTATE_REFRESH_TOKEN": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    "REFRESH_TOKEN_GRACE_PERIOD_SECONDS": 0,
    "PKCE_REQUIRED": True,
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https"],
    "ALLOW_URI_WILDCARDS": False,
    "REQUEST_APPROVAL_PROMPT": "force",
    # The RFC 8414 / RFC 9207 issuer; empty derives it from the request (the public host).
    "OIDC_ISS_ENDPOINT": os.environ.get("OAUTH_ISSUER", ""),
    "OAUTH2_RESPONSE_TYPES_SUPPORTED": ["code"],
    "OAUTH2_GRANT_TYPES_SUPPORTED": ["authorization_code", "client_credentials", "refresh_token"],
    "OAUTH2_TOKEN_ENDPOINT_AUTH_METHODS_SUPPORTED": ["client_secret_basic", "client_secret_post", "none"],
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
    "COMPLIANT_BCP_RFC9700_REFRESH_TOKEN": True,
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_SCHEME": True,
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_MATCHING": True,
    "COMPLIANT_BCP_RFC9700_PKCE_REQUIRED": True,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "ProcureCore API",
    "DESCRIPTION": "The ProcureCore procurement API and its identity provider.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # /docs serves Swagger UI from local static files (drf-spectacular-sidecar), no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SWAGGER_UI_OAUTH2_CONFIG": {"usePkceWithAuthorizationCodeGrant": True},
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "procure_core.openapi.strip_trailing_slashes",
    ],
    "ENUM_NAME_OVERRIDES": {
        "CurrencyEnum": "procurement.models.Currency",
        "SupplierStatusEnum": "procurement.models.SupplierStatus",
        "PurchaseRequestStatusEnum": "procurement.models.PurchaseRequestStatus",
        "OrderStatusEnum": "procurement.models.OrderStatus",
        "ContractStatusEnum": "procurement.models.ContractStatus",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django logs request bodies nowhere, but 4xx warnings would be noise at INFO.
        "django.request": {"level": "ERROR"},
        "django.security.DisallowedHost": {"level": "ERROR"},
        # oauthlib logs issued tokens at DEBUG ("Issuing token ... {'access_token': ...}"): never
        # below INFO, whatever LOG_LEVEL says (tests/leakcheck.py guards this).
        "oauthlib": {"level": "INFO"},
        "oauth2_provider": {"level": "INFO"},
    },
}
