"""python manage.py create_user EMAIL --organization NAME --scopes "read:orders write:orders" (CONTRACT §6)."""
import os

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import Organization, User
from procure_core import scopes as scope_registry


class Command(BaseCommand):
    help = "Create a user (and the organization if it is new). Password from --password or PROCURE_USER_PASSWORD."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--organization", required=True)
        parser.add_argument("--scopes", default="", help="Space-separated scope names.")
        parser.add_argument("--name", default="")
        parser.add_argument("--password", default=None)
        parser.add_argument("--staff", action="store_true", help="May sign in to the admin.")

    def handle(self, *args, **options):
        password = options["password"] or os.environ.get("PROCURE_USER_PASSWORD")
        if not password:
            raise CommandError("Give a password with --password or the PROCURE_USER_PASSWORD environment variable.")
        try:
            scopes = scope_registry.parse(options["scopes"])
        except scope_registry.UnknownScope as error:
            raise CommandError(f"{error}. Known scopes: {', '.join(scope_registry.SCOPES)}")
        email = User.objects.normalize_email(options["email"]).strip()
        if User.objects.filter(email__iexact=email).exists():
            raise CommandError(f"A user with email {email} already exists.")
        try:
            validate_password(password, User(email=email, name=options["name"]))
        except ValidationError as error:
            raise CommandError("Password rejected: " + " ".join(error.messages))
        with transaction.atomic():
            organization, created = Organization.objects.get_or_create(name=options["organization"].strip())
            try:
                user = User.objects.create_user(
                    email,
                    password,
                    name=options["name"],
                    organization=organization,
                    scopes=scope_registry.ordered(scopes),
                    is_staff=options["staff"],
                )
            except ValidationError as error:
                raise CommandError("; ".join(error.messages))
        note = " (new organization)" if created else ""
        self.stdout.write(f"Created user {user.email} in {organization.name}{note} with scopes: {scope_registry.to_string(scopes) or '(none)'}")
