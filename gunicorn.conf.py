"""gunicorn settings for production: `gunicorn -c gunicorn.conf.py procure_core.wsgi`.

Every value can be overridden from the environment. App instances are stateless: run as many as
needed against one PostgreSQL (DATABASE_URL) and one Redis (REDIS_URL).
"""
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "sync"
threads = 1
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
max_requests = 10000
max_requests_jitter = 1000
# The app decides which proxies to believe (TRUSTED_PROXIES); gunicorn must not rewrite the
# scheme or the client address on its own.
forwarded_allow_ips = ""
secure_scheme_headers = {}
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
# The default access log format has no query string values beyond the path and no headers,
# so no credential reaches the log (credentials are refused in query strings anyway).
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(L)ss'
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
