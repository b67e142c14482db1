"""Idempotent demo data for `make run`: an organization, an admin and an ordinary user.

Development only: it refuses to run with DEBUG off. Passwords come from DEMO_PASSWORD
(default below) and are printed, so the README's curl examples work as written.
"""
import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import Organization, User
from procurement import demo

DEMO_ORGANIZATION = "Acme Procurement"
DEMO_ADMIN = "admin@example.com"
DEMO_USER = "user@company.com"
DEFAULT_DEMO_PASSWORD = "procure-demo-2026"
DEMO_USER_SCOPES = [
    "read:purchase-requests",
    "write:purchase-requests",
    "read:suppliers",
    "write:suppliers",
    "read:orders",
    "write:orders",
    "read:contracts",
    "read:reports",
]


class Command(BaseCommand):
    help = "Load idempotent demo data (development only)."

    def handle(self, *args, **options):
        if not settings.DEBUG and not os.environ.get("PROCURE_ALLOW_DEMO_DATA"):
            raise CommandError("Demo data is for development; DEBUG is off.")
        password = os.environ.get("DEMO_PASSWORD", DEFAULT_DEMO_PASSWORD)
        with transaction.atomic():
            organization, _ = Organization.objects.get_or_create(name=DEMO_ORGANIZATION)
            admin = self._user(DEMO_ADMIN, "Demo Admin", organization, ["admin"], password, superuser=True)
            user = self._user(DEMO_USER, "Demo Buyer", organization, DEMO_USER_SCOPES, password)
            self._procurement(organization, user)
        self.stdout.write(self.style.SUCCESS("Demo data ready:"))
        self.stdout.write(f"  organization  {organization.name}")
        self.stdout.write(f"  admin         {admin.email} / {password}   (Django admin at /admin/)")
        self.stdout.write(f"  user          {user.email} / {password}   scopes: {' '.join(user.scopes)}")

    def _user(self, email, name, organization, scopes, password, superuser=False):
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            user = User(email=email)
        user.name = name
        user.organization = organization
        user.scopes = scopes
        user.is_active = True
        user.is_staff = superuser
        user.is_superuser = superuser
        if not user.check_password(password):
            user.set_password(password)
        user.save()
        return user

    def _procurement(self, organization, user):
        demo.seed(organization, user)
