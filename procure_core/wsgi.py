"""WSGI entry point (gunicorn procure_core.wsgi)."""
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "procure_core.settings")
application = get_wsgi_application()
