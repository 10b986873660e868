"""Settings for the HNDZA website.

Every value that differs between a laptop and production comes from the
environment (see README.md, "Configuration"). With no variables at all the
site runs locally on SQLite; production (DEBUG off) refuses to start without
a SECRET_KEY instead of running insecurely.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# --- Core -------------------------------------------------------------------
DEBUG = env_bool("DEBUG", False)

# No default outside DEBUG: the WSGI application refuses to start without it
# (hnda_site/wsgi.py), and so does anything that signs (sessions, CSRF), while
# commands that need no key (makemigrations, collectstatic) still run.
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY and DEBUG:
    SECRET_KEY = "django-insecure-local-development-only"  # noqa: S105 - DEBUG only

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "django_ckeditor_5",
    "import_export",
    # Audit trail (issue 8): every staff change with old and new values.
    "simple_history",
    "audit",
    # Login security (README "Security"): lockout, two-factor, CSP.
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
    # Capabilities, each an app of its own (README "What is where").
    "pagecache",
    "search",
    "security",
    "backups",
    "editorial",
    "spreadsheets",
    "seo",
    "richtext",
    # The project, and the content apps.
    "hnda_site",
    "news",
    "association",
    "members",
    # 附件 and the 下载中心; the 图片库 (README "Attachments and the image library").
    "attachments",
    "imagelibrary",
    # 会员专区: member contacts' accounts, members-only content, 会籍 (README "Member area").
    "memberarea",
    # 入会申请, 在线留言, 报名/回执 (README "Public forms"); before captcha, whose widget template it replaces.
    "webforms",
    "captcha",
    # 发布审核 (issue 21): workflows, reviews, 敏感词与规范表述.
    "workflow",
]

MIDDLEWARE = [
    # Before anything reads the Host header: a monitor may ask by address, with any Host.
    "hnda_site.middleware.HealthCheckMiddleware",
    # First: a cache hit skips everything below, and a stored page keeps their headers.
    "pagecache.cache.PageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "security.hooks.AdminContentSecurityPolicyMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "hnda_site.middleware.RejectNullCharactersMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Audit trail: records which staff account made each change (after authentication).
    "simple_history.middleware.HistoryRequestMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "security.twofactor.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: turns a lockout into the Chinese lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "hnda_site.urls"
WSGI_APPLICATION = "hnda_site.wsgi.application"

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
                "hnda_site.context_processors.site",
                "hnda_site.context_processors.reading_preferences",
                "hnda_site.context_processors.page_address",
                "hnda_site.context_processors.languages",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------
# SQLite by default (zero set-up); DATABASE_URL=postgres://... for production.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside the writer; IMMEDIATE makes concurrent writers
    # queue on the busy timeout instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and sessions -----------------------------------------------------
# Redis is optional, also at run time: django-redis swallows (and logs) errors, with
# short timeouts, so with Redis unreachable the cache simply misses and cached_db
# sessions fall back to the database. Pages keep answering; the admin keeps working.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "hnda"),
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 0.25,
                "SOCKET_TIMEOUT": 0.5,
            },
        }
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Page cache (pagecache/cache.py) --------------------------------------
# Anonymous pages come from memory, never stale: any write to these apps' tables
# invalidates every page on every server. Another app whose models show on public
# pages must be listed here (or call pagecache.cache.invalidate()).
PAGE_CACHE_ENABLED = env_bool("PAGE_CACHE_ENABLED", True)
PAGE_CACHE_CONTENT_APPS = ["news", "association", "members", "hnda_site", "attachments", "imagelibrary"]
# What of the visitor's cookies changes the rendered HTML (text size, high contrast), as part of the key:
# a function of the cookies returning "" for the default look (invalid values count as the default).
PAGE_CACHE_VARIANT = "hnda_site.preferences.cache_variant"
PAGE_CACHE_EXCLUDED_PATHS = ["/admin/", "/search/", "/en/search/", "/ckeditor5/", "/static/", "/media/"]
# 会员专区: every page there is private (a member's session, or a login form).
PAGE_CACHE_EXCLUDED_PATHS += ["/member-area/", "/en/member-area/"]
# Every CAPTCHA picture is new.
PAGE_CACHE_EXCLUDED_PATHS += ["/captcha/"]
# Attachment downloads: streamed, and private to whoever may see them.
PAGE_CACHE_EXCLUDED_PATHS += ["/files/"]
# Per worker process, in bytes (pages, their headers and bookkeeping): a flood of URLs cannot grow it.
PAGE_CACHE_MAX_BYTES = int(os.environ.get("PAGE_CACHE_MAX_MB", "24")) * 1024 * 1024
# Views an article page's worker gathers before sending them together (news/viewcounter.py); 0: each at once.
VIEW_COUNT_BATCH_SECONDS = float(os.environ.get("VIEW_COUNT_BATCH_SECONDS", "1"))

# Staff write long articles: a session that expires mid-article would lose work.
SESSION_COOKIE_AGE = 60 * 60 * 24 * 14

# --- Public forms (webforms/) -------------------------------------------------
# Personal data in form submissions is anonymised this many days after it was sent (manage.py anonymise_form_data).
FORM_DATA_RETENTION_DAYS = int(os.environ.get("FORM_DATA_RETENTION_DAYS", "365"))
FORM_UPLOAD_MAX_BYTES = int(os.environ.get("FORM_UPLOAD_MAX_MB", "10")) * 1024 * 1024
# Submissions of one form from one address per hour, and with one phone or e-mail per day.
FORM_LIMIT_PER_ADDRESS = int(os.environ.get("FORM_LIMIT_PER_ADDRESS", "10"))
FORM_LIMIT_PER_CONTACT = int(os.environ.get("FORM_LIMIT_PER_CONTACT", "5"))
# Where new applications and messages are announced (empty: the site settings' e-mail).
FORMS_NOTIFY_EMAIL = os.environ.get("FORMS_NOTIFY_EMAIL", "")
# The self-hosted CAPTCHA: a sum in large digits, easy for older readers, answered in 20 minutes.
CAPTCHA_CHALLENGE_FUNCT = "captcha.helpers.math_challenge"
CAPTCHA_IMAGE_SIZE = (150, 50)
CAPTCHA_FONT_SIZE = 34
CAPTCHA_LETTER_ROTATION = (-10, 10)
CAPTCHA_TIMEOUT = 20
CAPTCHA_MATH_CHALLENGE_OPERATOR = "x"

# --- Language and time ------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
# Chinese at the site's own addresses, English under /en/ (hnda_site/urls.py). The admin stays Chinese.
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
# Chinese for libraries that ship none (django-axes); the English interface (locale/en, compiled .mo committed).
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static and media files -------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
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
# Uploaded files (editor images, member logos) on S3-compatible object storage (阿里云 OSS,
# 腾讯云 COS, MinIO…) when STORAGE_BACKEND=s3, so that every app server sees them; the local
# folder MEDIA_ROOT otherwise (README.md, "Configuration").
STORAGE_BACKEND = os.environ.get("STORAGE_BACKEND", "local").strip().lower()
if STORAGE_BACKEND == "s3":
    if not os.environ.get("S3_BUCKET"):
        raise ImproperlyConfigured("STORAGE_BACKEND=s3 needs S3_BUCKET (and usually S3_ENDPOINT_URL and keys).")
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["S3_BUCKET"],
            "endpoint_url": os.environ.get("S3_ENDPOINT_URL") or None,
            "access_key": os.environ.get("S3_ACCESS_KEY_ID") or None,
            "secret_key": os.environ.get("S3_SECRET_ACCESS_KEY") or None,
            "region_name": os.environ.get("S3_REGION") or None,
            "custom_domain": os.environ.get("S3_CUSTOM_DOMAIN") or None,
            "location": os.environ.get("S3_PREFIX", ""),
            # Pages keep image addresses for good: they must be plain, public URLs (the
            # bucket or the proxy in front of it grants public read), never signed ones that expire.
            "querystring_auth": False,
            "file_overwrite": False,
            "addressing_style": os.environ.get("S3_ADDRESSING_STYLE") or None,
        },
    }
elif STORAGE_BACKEND != "local":
    raise ImproperlyConfigured(f"STORAGE_BACKEND must be local or s3, not {STORAGE_BACKEND!r}.")
# Serve uploaded media from Django only when asked (local use); production
# serves MEDIA_ROOT from the reverse proxy or object storage (README.md).
SERVE_MEDIA = env_bool("SERVE_MEDIA", DEBUG)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# Attachments (attachments/): the largest file staff may attach, and the bounds of reading
# PDF/DOCX/XLSX text for search (attachments/extraction.py, run by manage.py extract_attachment_text).
ATTACHMENT_MAX_BYTES = int(float(os.environ.get("ATTACHMENT_MAX_MB", "20")) * 1024 * 1024)
ATTACHMENT_EXTRACT_TIMEOUT = int(os.environ.get("ATTACHMENT_EXTRACT_TIMEOUT", "30"))
ATTACHMENT_EXTRACT_MEMORY_MB = int(os.environ.get("ATTACHMENT_EXTRACT_MEMORY_MB", "768"))
ATTACHMENT_EXTRACT_MAX_PAGES = 300
ATTACHMENT_EXTRACT_MAX_CHARS = 200_000
FILE_UPLOAD_PERMISSIONS = 0o644

# --- Security ---------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # Health checks come from the proxy or a monitor over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    if not SECURE_HSTS_PRELOAD:
        # Preloading binds the whole domain (and its subdomains) to HTTPS for
        # years; that is the domain owner's decision, made with the variable.
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
if env_bool("BEHIND_PROXY", False):
    # The proxy terminates TLS and says so in this header.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Where a login goes when its ``next`` is refused (another host, a scheme…): the admin's index.
LOGIN_REDIRECT_URL = "admin:index"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- E-mail (error reports to ADMINS) ----------------------------------------
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "webmaster@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
ADMINS = [("管理员", email) for email in env_list("ADMIN_EMAILS")]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# --- Public address and reading preferences (适老化) --------------------------
# Absolute links (canonical, Open Graph, JSON-LD, sitemap, robots.txt, QR codes) are
# built from SITE_URL, never from the request's Host header. Without it: the local
# address with DEBUG (on PORT, which `make run PORT=8080` sets), else https:// and the
# first ALLOWED_HOSTS name.
SITE_URL = os.environ.get("SITE_URL", "").strip().rstrip("/")
if not SITE_URL:
    _named_hosts = [host for host in ALLOWED_HOSTS if host and not host.startswith(".") and host != "*"]
    _local = f"http://127.0.0.1:{os.environ.get('PORT', '').strip() or '8000'}"
    SITE_URL = _local if DEBUG or not _named_hosts else f"https://{_named_hosts[0]}"
if not SITE_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured(f"SITE_URL must start with http:// or https:// (got {SITE_URL!r}).")

# --- Rich-text editor (CKEditor 5) -------------------------------------------
# Uploads go to our view (richtext.views.editor_upload): staff who may write articles, document
# versions or members; these types, 5 MB at most, rewritten by Pillow (richtext.images).
CKEDITOR_5_UPLOAD_FILE_TYPES = ["jpg", "jpeg", "png", "gif", "webp"]
CKEDITOR_5_MAX_FILE_SIZE = 5
CKEDITOR_5_CUSTOM_CSS = "css/editor.css"
CKEDITOR_5_CONFIGS = {
    "default": {
        "language": "zh-cn",
        # Plugins that would let raw HTML in, or that we do not use, are off;
        # nh3 sanitizes on save whatever is posted anyway.
        "removePlugins": [
            "SourceEditing",
            "GeneralHtmlSupport",
            "HtmlEmbed",
            "FullPage",
            "Markdown",
            "MediaEmbed",
            "Mention",
            "Style",
            "CodeBlock",
            "Code",
            "TodoList",
            "Font",
            "Highlight",
        ],
        "toolbar": {
            "items": [
                "heading",
                "|",
                "bold",
                "italic",
                "underline",
                "link",
                "|",
                "bulletedList",
                "numberedList",
                "outdent",
                "indent",
                "|",
                "blockQuote",
                "insertTable",
                "imageUpload",
                "horizontalLine",
                "|",
                "alignment",
                "removeFormat",
                "|",
                "undo",
                "redo",
            ],
            # Every button stays in sight: a narrow column wraps the toolbar instead of hiding 撤销/重做.
            "shouldNotGroupWhenFull": True,
        },
        "heading": {
            "options": [
                {"model": "paragraph", "title": "正文", "class": "ck-heading_paragraph"},
                {"model": "heading2", "view": "h2", "title": "标题 2", "class": "ck-heading_heading2"},
                {"model": "heading3", "view": "h3", "title": "标题 3", "class": "ck-heading_heading3"},
                {"model": "heading4", "view": "h4", "title": "标题 4", "class": "ck-heading_heading4"},
            ]
        },
        "image": {
            "toolbar": [
                "imageTextAlternative",
                "|",
                "imageStyle:alignLeft",
                "imageStyle:alignCenter",
                "imageStyle:alignRight",
            ],
            "styles": ["alignLeft", "alignCenter", "alignRight"],
        },
        "table": {
            "contentToolbar": ["tableColumn", "tableRow", "mergeTableCells"],
        },
        "link": {"addTargetToExternalLinks": True},
        # Chinese has no words to count: the editor counts characters (字符数).
        "wordCount": {"displayWords": False, "displayCharacters": True},
    }
}

# --- Login security: lockout, two-factor login, CSP, backups ------------------
# README.md, "Security". The limits and switches come from the environment.
AUTHENTICATION_BACKENDS = [
    # First, so that a locked-out client is refused before its password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# 5 failures lock the (user name, address) pair, the address (for any user name: no password
# spraying) and the user name from any address (no botnet spreading its guesses) for 15 minutes.
# The user-name lock does not apply from an address where that user logged in before, nor to a
# login carrying a valid authenticator code: a stranger cannot keep the real staff out
# (security/lockout.py, README "Logins: lockout").
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = "security.lockout.lockout_parameters"
AXES_WHITELIST_CALLABLE = "security.lockout.carries_valid_code"
# The lockout ends a fixed time after it began, which is what the lockout page promises.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "security.hooks.lockout_response"
AXES_ENABLE_ACCESS_FAILURE_LOG = True
# Failed logins are logged (logger "axes") with the user name and address they came from.
AXES_SENSITIVE_PARAMETERS = []
if env_bool("BEHIND_PROXY", False):
    # The reverse proxy appends the address it saw to X-Forwarded-For; everything to the
    # left of it was sent by the client and may be forged. AXES_PROXY_COUNT counts further
    # proxies in front of that one (a CDN or load balancer), whose addresses the header holds.
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
    AXES_IPWARE_PROXY_COUNT = int(os.environ.get("AXES_PROXY_COUNT", "0"))
    IPWARE_STRICT = False  # a forged, longer header must not make the lookup give up
else:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("REMOTE_ADDR",)

# Two-factor login (TOTP, django-otp): staff may enrol an authenticator app;
# with REQUIRE_2FA=true, superusers must.
REQUIRE_2FA = env_bool("REQUIRE_2FA", False)
OTP_TOTP_ISSUER = "湖南省开发区协会"

# Content-Security-Policy (django-csp). Public pages get one header for every visitor
# (they are served from a shared cache): no nonce there. The admin may nonce the odd
# inline element ({{ request.csp_nonce }}), and the editor's pages relax style-src-attr
# (security/hooks.py says why). CSP_REPORT_ONLY=true reports instead of blocking.
_CSP = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}
# (Not a setting named CSP_*: django-csp takes those for its old configuration.)
_csp_report_only = env_bool("CSP_REPORT_ONLY", False)
CONTENT_SECURITY_POLICY_REPORT_ONLY = _CSP if _csp_report_only else None
CONTENT_SECURITY_POLICY = None if _csp_report_only else _CSP
# No page needs a device or a payment API.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
}

# Backups (manage.py backup / restore): one dated folder per backup.
BACKUP_DIR = Path(os.environ.get("BACKUP_DIR", BASE_DIR / "var" / "backups"))
# axes announces its configuration at every start; failures (logger "axes") stay at INFO.
LOGGING["loggers"]["axes.apps"] = {"level": "WARNING"}
# --- Spreadsheet import (django-import-export) --------------------------------
# The file of a previewed import waits in the database, shared by every app server, and is
# removed on confirmation or after a day (spreadsheets/importstorage.py).
IMPORT_EXPORT_TMP_STORAGE_CLASS = "spreadsheets.importstorage.DatabaseImportStorage"
# Limits that keep an import well inside gunicorn's 30 s timeout (README.md, "Configuration").
IMPORT_MAX_FILE_SIZE = int(float(os.environ.get("IMPORT_MAX_FILE_MB", "2")) * 1024 * 1024)
IMPORT_MAX_ROWS = int(os.environ.get("IMPORT_MAX_ROWS", "1000"))
