"""python manage.py create_api_key EMAIL --name NAME --scopes "read:orders" --mode test|live
[--allowed-ips "10.0.0.0/8,192.168.1.100"] [--expires-at 2030-01-01T00:00:00Z] [--json]

Prints the key once (with --json, one JSON object on stdout, as the API's create response)."""
import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.dateparse import parse_datetime

from accounts.models import User
from apikeys import keys, services
from apikeys.forms import split_entries
from apikeys.serializers import CreatedApiKeySerializer
from audit.log import record


class Command(BaseCommand):
    help = "Create an API key for a user and print it once."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--name", required=True)
        parser.add_argument("--scopes", default=None, help="Space-separated scope names; default: the user's scopes.")
        parser.add_argument("--mode", choices=keys.MODES, default=keys.LIVE)
        parser.add_argument("--allowed-ips", default="", help="Addresses or CIDR ranges, comma- or space-separated.")
        parser.add_argument("--expires-at", default=None, help="ISO 8601 with a time zone; default: never.")
        parser.add_argument("--json", action="store_true", help="Print the key and its settings as JSON.")

    def handle(self, *args, **options):
        user = User.objects.filter(email__iexact=options["email"].strip()).first()
        if user is None:
            raise CommandError(f"No user with email {options['email']}.")
        if not user.is_active:
            raise CommandError(f"{user.email} is inactive; its keys would not work.")
        expires_at = None
        if options["expires_at"]:
            expires_at = parse_datetime(options["expires_at"])
            if expires_at is None:
                raise CommandError("--expires-at must be an ISO 8601 date and time, e.g. 2030-01-01T00:00:00Z.")
        try:
            key, raw = services.create_key(
                user, name=options["name"], mode=options["mode"],
                scopes=None if options["scopes"] is None else options["scopes"].split(),
                allowed_ips=split_entries(options["allowed_ips"]), expires_at=expires_at,
            )
        except ValidationError as error:
            raise CommandError("; ".join(f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items()))
        record("api_key.created", actor=user, method="command", key_id=key.key_id,
               detail={"key_id": key.key_id, "mode": key.mode, "via": "create_api_key"})
        if options["json"]:
            self.stdout.write(json.dumps(CreatedApiKeySerializer(key, context={"raw_key": raw}).data))
            return
        self.stdout.write(f"Created {key.mode} key {key.key_id} ({key.name}) for {user.email}")
        self.stdout.write(f"Scopes: {' '.join(key.scopes) or '(none)'}")
        self.stdout.write(f"Allowed IPs: {', '.join(key.allowed_ips) or 'any'}")
        self.stdout.write(f"Expires: {key.expires_at.isoformat() if key.expires_at else 'never'}")
        self.stdout.write("")
        self.stdout.write(raw)
        self.stdout.write("")
        self.stdout.write("This is the only time the key is shown. Store it now.")
